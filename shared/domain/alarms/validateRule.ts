/**
 * Checking alarm rules where they enter (rule editor, stored rule sets), with zod schemas.
 * Every error is an EventValidationError naming the field and the rule it broke, e.g.
 * `limit: must be a finite number`; a valid rule comes back as a fresh copy with defaults
 * filled in.
 */
import { z } from 'zod';
import { PRIORITIES } from '../../events/event';
import { parseFields } from '../../events/fieldSchema';
import { validatePattern } from '../../events/patterns';
import { EventValidationError } from '../../events/validate';
import { ALARM_RULE_KINDS, DEFAULT_ABSENCE_EVENT_TYPE, DEFAULT_COUNT_EVENT_TYPE, DEFAULT_MAX_SHELVE_MS } from './rules';
import type { AlarmRule, AlarmRuleKind } from './rules';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_FIELDS: ReadonlySet<string> = new Set(['equipmentId', 'timestamp', 'at', '__proto__', 'constructor', 'prototype']);
const MAX_TEXT = 200;
const MAX_LIST = 1000;

function fail(field: string, rule: string): never {
  throw new EventValidationError(field, rule);
}

/** A type error's message: "is required" when the field is missing, else `otherwise`. */
const requiredOr = (otherwise: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : otherwise);

/** `schema` given `fallback` where the field is missing or null (as `??` would). */
const orDefault = <T extends z.ZodType>(fallback: unknown, schema: T) => z.preprocess((value) => value ?? fallback, schema);

const text = z
  .string({ error: requiredOr('must be a string') })
  .refine((value) => value.trim().length > 0, 'must not be empty')
  .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

const textList = z
  .array(text, { error: 'must be an array of strings' })
  .max(MAX_LIST, `must have at most ${MAX_LIST} items`)
  .superRefine((list, context) => {
    const seen = new Set<string>();
    list.forEach((item, index) => {
      if (seen.has(item)) context.addIssue({ code: 'custom', path: [index], message: `must not repeat ${item}` });
      seen.add(item);
    });
  });

const finite = z.number({ error: requiredOr('must be a finite number') });

const duration = (min: number, max: number) =>
  z
    .number({ error: requiredOr('must be an integer number of milliseconds') })
    .int('must be an integer number of milliseconds')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** An event type pattern, refused with validatePattern's own sentence. */
const pattern = z.unknown().transform((value, context) => {
  try {
    return validatePattern(value);
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error;
    context.addIssue({ code: 'custom', message: error.rule });
    return z.NEVER;
  }
});

const common = {
  id: text.refine((id) => id.length <= 100 && RULE_ID.test(id), 'must be 1 to 100 letters, digits, _, . or - (starting with a letter or digit)'),
  name: text,
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  priority: z.enum(PRIORITIES, { error: requiredOr(`must be one of ${PRIORITIES.join(', ')}`) }),
  equipment: textList.optional(),
  maxShelveMs: duration(60 * SECOND, DEFAULT_MAX_SHELVE_MS).optional(),
};

const SCHEMAS: Readonly<Record<AlarmRuleKind, z.ZodType>> = {
  threshold: z.strictObject({
    ...common,
    kind: z.literal('threshold'),
    field: text.refine((field) => FIELD_NAME.test(field) && !RESERVED_FIELDS.has(field), 'must name a numeric telemetry reading, e.g. temperature'),
    comparator: z.enum(['above', 'below'], { error: 'must be one of above, below' }),
    limit: finite,
    deadband: orDefault(0, finite.min(0, 'must be at least 0')),
    onDelayMs: orDefault(0, duration(0, DAY)),
    offDelayMs: orDefault(0, duration(0, DAY)),
  }),
  outOfSpec: z.strictObject({ ...common, kind: z.literal('outOfSpec'), parameters: textList.optional() }),
  countInWindow: z.strictObject({
    ...common,
    kind: z.literal('countInWindow'),
    eventType: orDefault(DEFAULT_COUNT_EVENT_TYPE, pattern),
    count: z.number({ error: 'must be an integer' }).int('must be an integer').min(1, `must be between 1 and ${MAX_LIST}`).max(MAX_LIST, `must be between 1 and ${MAX_LIST}`),
    windowMs: duration(SECOND, 7 * DAY),
  }),
  absence: z.strictObject({ ...common, kind: z.literal('absence'), eventType: orDefault(DEFAULT_ABSENCE_EVENT_TYPE, pattern), timeoutMs: duration(SECOND, 7 * DAY) }),
  downTooLong: z.strictObject({ ...common, kind: z.literal('downTooLong'), durationMs: duration(SECOND, 30 * DAY) }),
};

/** A checked copy of one rule; throws EventValidationError naming the field at fault. */
export function validateAlarmRule(candidate: unknown): AlarmRule {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) fail('rule', 'must be a plain object');
  const kind = (candidate as { kind?: unknown }).kind;
  if (kind === undefined) fail('kind', 'is required');
  if (!(ALARM_RULE_KINDS as readonly unknown[]).includes(kind)) fail('kind', `must be one of ${ALARM_RULE_KINDS.join(', ')}`);
  const ruleKind = kind as AlarmRuleKind;
  return parseFields(SCHEMAS[ruleKind], candidate, (field, rule) => new EventValidationError(field, rule), {
    unknownKey: `is not a field of a ${ruleKind} rule`,
  }) as AlarmRule;
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
