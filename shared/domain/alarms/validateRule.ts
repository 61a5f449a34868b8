/**
 * Checking alarm rules where they enter (rule editor, stored rule sets). Every error is an
 * EventValidationError naming the field and the rule it broke, e.g. `limit: must be a finite
 * number`; a valid rule comes back as a fresh copy with defaults filled in.
 */
import { PRIORITIES } from '../../events/event';
import type { Priority } from '../../events/event';
import { validatePattern } from '../../events/patterns';
import { EventValidationError } from '../../events/validate';
import { ALARM_RULE_KINDS, DEFAULT_ABSENCE_EVENT_TYPE, DEFAULT_COUNT_EVENT_TYPE, DEFAULT_MAX_SHELVE_MS } from './rules';
import type { AlarmRule, AlarmRuleBase, AlarmRuleKind } from './rules';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_FIELDS: ReadonlySet<string> = new Set(['equipmentId', 'timestamp', 'at', '__proto__', 'constructor', 'prototype']);
const MAX_TEXT = 200;
const MAX_LIST = 1000;

const COMMON_FIELDS = ['id', 'name', 'enabled', 'priority', 'equipment', 'maxShelveMs', 'kind'];
const KIND_FIELDS: Readonly<Record<AlarmRuleKind, readonly string[]>> = {
  threshold: ['field', 'comparator', 'limit', 'deadband', 'onDelayMs', 'offDelayMs'],
  outOfSpec: ['parameters'],
  countInWindow: ['eventType', 'count', 'windowMs'],
  absence: ['eventType', 'timeoutMs'],
  downTooLong: ['durationMs'],
};

type Fields = Record<string, unknown>;
function fail(field: string, rule: string): never {
  throw new EventValidationError(field, rule);
}

/** A checked copy of one rule; throws EventValidationError naming the field at fault. */
export function validateAlarmRule(candidate: unknown): AlarmRule {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) fail('rule', 'must be a plain object');
  const fields = candidate as Fields;
  const kind = fields.kind;
  if (kind === undefined) fail('kind', 'is required');
  if (!(ALARM_RULE_KINDS as readonly unknown[]).includes(kind)) fail('kind', `must be one of ${ALARM_RULE_KINDS.join(', ')}`);
  const ruleKind = kind as AlarmRuleKind;
  const allowed = new Set([...COMMON_FIELDS, ...KIND_FIELDS[ruleKind]]);
  for (const key of Object.keys(fields)) if (!allowed.has(key)) fail(key, `is not a field of a ${ruleKind} rule`);

  const base = validateBase(fields);
  switch (ruleKind) {
    case 'threshold': {
      const field = requiredText(fields.field, 'field');
      if (!FIELD_NAME.test(field) || RESERVED_FIELDS.has(field)) fail('field', 'must name a numeric telemetry reading, e.g. temperature');
      const comparator = fields.comparator;
      if (comparator !== 'above' && comparator !== 'below') fail('comparator', 'must be one of above, below');
      return {
        ...base, kind: 'threshold', field, comparator: comparator as 'above' | 'below',
        limit: finite(fields.limit, 'limit'),
        deadband: nonNegative(fields.deadband ?? 0, 'deadband'),
        onDelayMs: duration(fields.onDelayMs ?? 0, 'onDelayMs', 0, DAY),
        offDelayMs: duration(fields.offDelayMs ?? 0, 'offDelayMs', 0, DAY),
      };
    }
    case 'outOfSpec': {
      const parameters = textList(fields.parameters, 'parameters');
      return parameters === undefined ? { ...base, kind: 'outOfSpec' } : { ...base, kind: 'outOfSpec', parameters };
    }
    case 'countInWindow': {
      const count = fields.count;
      if (typeof count !== 'number' || !Number.isInteger(count)) fail('count', 'must be an integer');
      if ((count as number) < 1 || (count as number) > MAX_LIST) fail('count', `must be between 1 and ${MAX_LIST}`);
      return {
        ...base, kind: 'countInWindow', eventType: pattern(fields.eventType ?? DEFAULT_COUNT_EVENT_TYPE, 'eventType'),
        count: count as number, windowMs: duration(fields.windowMs, 'windowMs', SECOND, 7 * DAY),
      };
    }
    case 'absence':
      return {
        ...base, kind: 'absence', eventType: pattern(fields.eventType ?? DEFAULT_ABSENCE_EVENT_TYPE, 'eventType'),
        timeoutMs: duration(fields.timeoutMs, 'timeoutMs', SECOND, 7 * DAY),
      };
    case 'downTooLong':
      return { ...base, kind: 'downTooLong', durationMs: duration(fields.durationMs, 'durationMs', SECOND, 30 * DAY) };
  }
}

/** Checks a whole rule set: each rule (fields named `rules[i].field`) and unique ids. */
export function validateAlarmRules(candidate: unknown): AlarmRule[] {
  if (!Array.isArray(candidate)) fail('rules', 'must be an array');
  const ids = new Set<string>();
  return (candidate as unknown[]).map((item, index) => {
    let rule: AlarmRule;
    try {
      rule = validateAlarmRule(item);
    } catch (error) {
      if (error instanceof EventValidationError) fail(`rules[${index}].${error.field}`, error.rule);
      throw error;
    }
    if (ids.has(rule.id)) fail(`rules[${index}].id`, `must be unique (${rule.id} appears twice)`);
    ids.add(rule.id);
    return rule;
  });
}

function validateBase(fields: Fields): AlarmRuleBase {
  const id = requiredText(fields.id, 'id');
  if (id.length > 100 || !RULE_ID.test(id)) fail('id', 'must be 1 to 100 letters, digits, _, . or - (starting with a letter or digit)');
  const base: AlarmRuleBase = { id, name: requiredText(fields.name, 'name'), enabled: true, priority: 'NORMAL' };
  if (fields.enabled !== undefined) {
    if (typeof fields.enabled !== 'boolean') fail('enabled', 'must be true or false');
    base.enabled = fields.enabled as boolean;
  }
  if (fields.priority === undefined) fail('priority', 'is required');
  if (!(PRIORITIES as readonly unknown[]).includes(fields.priority)) fail('priority', `must be one of ${PRIORITIES.join(', ')}`);
  base.priority = fields.priority as Priority;
  const equipment = textList(fields.equipment, 'equipment');
  if (equipment !== undefined) base.equipment = equipment;
  if (fields.maxShelveMs !== undefined) base.maxShelveMs = duration(fields.maxShelveMs, 'maxShelveMs', 60 * SECOND, DEFAULT_MAX_SHELVE_MS);
  return base;
}

function requiredText(value: unknown, field: string): string {
  if (value === undefined) fail(field, 'is required');
  if (typeof value !== 'string') fail(field, 'must be a string');
  const text = value as string;
  if (text.trim().length === 0) fail(field, 'must not be empty');
  if (text.length > MAX_TEXT) fail(field, `must be at most ${MAX_TEXT} characters`);
  return text;
}

function textList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(field, 'must be an array of strings');
  const list = value as unknown[];
  if (list.length > MAX_LIST) fail(field, `must have at most ${MAX_LIST} items`);
  const seen = new Set<string>();
  return list.map((item, index) => {
    const text = requiredText(item, `${field}[${index}]`);
    if (seen.has(text)) fail(`${field}[${index}]`, `must not repeat ${text}`);
    seen.add(text);
    return text;
  });
}

function finite(value: unknown, field: string): number {
  if (value === undefined) fail(field, 'is required');
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a finite number');
  return value as number;
}

function nonNegative(value: unknown, field: string): number {
  const number = finite(value, field);
  if (number < 0) fail(field, 'must be at least 0');
  return number;
}

function duration(value: unknown, field: string, min: number, max: number): number {
  if (value === undefined) fail(field, 'is required');
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, 'must be an integer number of milliseconds');
  if ((value as number) < min) fail(field, `must be at least ${min}`);
  if ((value as number) > max) fail(field, `must be at most ${max}`);
  return value as number;
}

function pattern(value: unknown, field: string): string {
  try {
    return validatePattern(value);
  } catch (error) {
    if (error instanceof EventValidationError) fail(field, error.rule);
    throw error;
  }
}
