/**
 * The topic mapping: which MQTT topics become which events, and how a message's body
 * becomes the event's payload. Configuration is data (it is stored and edited through the
 * API), so `compileIngestMapping` checks all of it and names the first field at fault.
 *
 * Rules are tried in order; the first whose topic template matches a message maps it.
 * A rule either builds a payload from source expressions, or (with no `payload`) merges the
 * body's JSON object with the topic's named levels, or (with `event: true`) takes the body as
 * an event in the form a producer publishes (`{ type, payload, ... }`).
 *
 * Source expressions: `topic` (the whole topic), `topic.<name>` (a named level),
 * `body` (the decoded body), `body.<key>.<key>` (a path into a JSON body; a number indexes
 * an array), `received` (when the message arrived, ms). A list of expressions takes the
 * first that yields a value.
 *
 * The shape of each object (its keys, the types and choices of its settings) is a zod schema;
 * what depends on other settings (the topic's named levels, event rules) is checked after it.
 */
import { z } from 'zod';
import { PRIORITIES, type JsonPrimitive } from '../events/event';
import { parseFields } from '../events/fieldSchema';
import { EventValidationError, validateJson, validateType } from '../events/validate';
import { IngestConfigError, plainObject, text, textSchema } from './errors';
import type { BodyFormat, CompiledField, CompiledMapping, CompiledRule, FieldType, SourceExpr } from './mappingTypes';
import { compileTopicTemplate } from './topicTemplate';

export type {
  BodyFormat,
  CompiledField,
  CompiledMapping,
  CompiledRule,
  FieldSpec,
  FieldType,
  IngestMappingConfig,
  SourceExpr,
  TopicRuleConfig,
} from './mappingTypes';

export const MAX_RULES = 200;
export const MAX_PAYLOAD_FIELDS = 64;
export const DEFAULT_INGEST_SOURCE = 'mqtt-ingest';
const BODY_FORMATS = ['json', 'text', 'number'] as const satisfies readonly BodyFormat[];
const FIELD_TYPES = ['string', 'number', 'boolean', 'object', 'array', 'any'] as const satisfies readonly FieldType[];
const KEY = /^[A-Za-z_$][\w$-]{0,63}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const flag = z.boolean({ error: 'must be true or false' }).optional();
const oneOfRule = (values: readonly string[]) => ({ error: `must be one of ${values.join(', ')}` });

const MAPPING = z.strictObject({
  source: textSchema().optional(),
  rules: z.array(z.unknown(), { error: 'must be an array of rules' }).min(1, 'must hold at least one rule').max(MAX_RULES, `must hold at most ${MAX_RULES} rules`),
});

/** A rule's settings; topic, type and the sources are read after it (they depend on each other). */
const RULE = z.strictObject({
  name: textSchema(100).optional(),
  topic: z.unknown().optional(),
  type: z.unknown().optional(),
  event: flag,
  body: z.enum(BODY_FORMATS, oneOfRule(BODY_FORMATS)).optional(),
  payload: z.unknown().optional(),
  timestamp: z.unknown().optional(),
  correlationId: z.unknown().optional(),
  priority: z.enum(PRIORITIES, oneOfRule(PRIORITIES)).optional(),
  source: textSchema().optional(),
});

const ONE_OF_RULE = 'must be a list of 1 to 100 allowed values';
const FIELD = z.strictObject({
  from: z.unknown().optional(),
  value: z.unknown().optional(),
  type: z.enum(FIELD_TYPES, oneOfRule(FIELD_TYPES)).optional(),
  required: flag,
  oneOf: z
    .array(
      z.custom<JsonPrimitive>(
        (choice) => choice === null || typeof choice === 'string' || typeof choice === 'boolean' || (typeof choice === 'number' && Number.isFinite(choice)),
        'must be a string, finite number, boolean or null',
      ),
      { error: ONE_OF_RULE },
    )
    .min(1, ONE_OF_RULE)
    .max(100, ONE_OF_RULE)
    .optional(),
});

/** The fields of `value` by `schema`, or an IngestConfigError naming the first at fault under `prefix`. */
function parseConfig<T>(schema: z.ZodObject & z.ZodType<T>, value: unknown, prefix: string): T {
  plainObject(value, prefix);
  const unknownKey = `is not a known setting (expected one of ${Object.keys(schema.shape).join(', ')})`;
  return parseFields(schema, value, (field, rule) => new IngestConfigError(field, rule), { prefix, unknownKey });
}

/** Checks a mapping configuration and prepares it for `mapMessage`. Throws IngestConfigError. */
export function compileIngestMapping(config: unknown): CompiledMapping {
  const fields = parseConfig(MAPPING, config, 'mapping');
  const source = fields.source ?? DEFAULT_INGEST_SOURCE;
  const names = new Set<string>();
  const rules = fields.rules.map((rule: unknown, i) => {
    const compiled = compileRule(rule, `mapping.rules[${i}]`, source);
    if (names.has(compiled.name)) throw new IngestConfigError(`mapping.rules[${i}].name`, `"${compiled.name}" is used by an earlier rule`);
    names.add(compiled.name);
    return compiled;
  });
  return { source, rules, filters: [...new Set(rules.map((rule) => rule.template.filter))] };
}

function compileRule(value: unknown, field: string, defaultSource: string): CompiledRule {
  const rule = parseConfig(RULE, value, field);
  const template = compileTopicTemplate(rule.topic, `${field}.topic`);
  const event = rule.event ?? false;
  let type: string | undefined;
  if (event) {
    if (rule.type !== undefined) throw new IngestConfigError(`${field}.type`, 'must be left out when the body is an event (event: true)');
    if (rule.payload !== undefined) throw new IngestConfigError(`${field}.payload`, 'must be left out when the body is an event (event: true)');
  } else {
    if (rule.type === undefined) throw new IngestConfigError(`${field}.type`, 'is required (the type of the events this rule makes)');
    type = asConfig(() => validateType(rule.type), `${field}.type`);
  }
  const body = rule.body ?? 'json';
  if (event && body !== 'json') throw new IngestConfigError(`${field}.body`, 'must be json when the body is an event');
  if (!event && rule.payload === undefined && body !== 'json') {
    throw new IngestConfigError(`${field}.payload`, 'is required when the body is not JSON (only a JSON object body can be merged)');
  }
  const names = template.names;
  const payload = rule.payload === undefined ? null : compilePayload(rule.payload, `${field}.payload`, names);
  const priority = rule.priority;
  return {
    name: rule.name ?? template.template,
    template,
    ...(type === undefined ? {} : { type }),
    event,
    body,
    payload,
    timestamp: rule.timestamp === undefined ? [] : compileSources(rule.timestamp, `${field}.timestamp`, names),
    correlationId: rule.correlationId === undefined ? [] : compileSources(rule.correlationId, `${field}.correlationId`, names),
    ...(priority === undefined ? {} : { priority }),
    source: rule.source ?? defaultSource,
  };
}

function compilePayload(value: unknown, field: string, names: readonly string[]): CompiledField[] {
  const spec = plainObject(value, field);
  const keys = Object.keys(spec);
  if (keys.length === 0) throw new IngestConfigError(field, 'must map at least one field');
  if (keys.length > MAX_PAYLOAD_FIELDS) throw new IngestConfigError(field, `must map at most ${MAX_PAYLOAD_FIELDS} fields`);
  return keys.map((key) => {
    const path = `${field}.${key}`;
    if (!KEY.test(key) || FORBIDDEN_KEYS.has(key)) {
      throw new IngestConfigError(path, 'a payload key must be a letter, _ or $ then letters, digits, _, $ or - (at most 64)');
    }
    const entry = spec[key];
    if (typeof entry === 'string' || Array.isArray(entry)) {
      return { key, from: compileSources(entry, path, names), fromText: sourceText(entry), type: 'any', required: true };
    }
    return compileField(key, entry, path, names);
  });
}

function compileField(key: string, value: unknown, field: string, names: readonly string[]): CompiledField {
  const spec = parseConfig(FIELD, value, field);
  const hasFrom = spec.from !== undefined;
  const hasValue = spec.value !== undefined;
  if (hasFrom === hasValue) throw new IngestConfigError(field, "must give exactly one of 'from' (a source) or 'value' (a constant)");
  const oneOf = spec.oneOf;
  const constant = hasValue ? asConfig(() => validateJson(spec.value, 'value'), `${field}.value`) : undefined;
  return {
    key,
    from: hasFrom ? compileSources(spec.from, `${field}.from`, names) : [],
    fromText: hasFrom ? sourceText(spec.from as string | string[]) : 'value',
    ...(constant === undefined ? {} : { value: constant }),
    type: spec.type ?? 'any',
    required: spec.required ?? true,
    ...(oneOf === undefined ? {} : { oneOf }),
  };
}

/** Parses one source expression, or a list of 1 to 8 of them. */
export function compileSources(value: unknown, field: string, names: readonly string[]): SourceExpr[] {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > 8) throw new IngestConfigError(field, 'must list 1 to 8 source expressions');
    return value.map((item: unknown, i) => compileSource(item, `${field}[${i}]`, names));
  }
  return [compileSource(value, field, names)];
}

function compileSource(value: unknown, field: string, names: readonly string[]): SourceExpr {
  const expr = text(value, field, 300);
  if (expr === 'topic') return { kind: 'topic' };
  if (expr === 'body') return { kind: 'body', path: [] };
  if (expr === 'received') return { kind: 'received' };
  if (expr.startsWith('topic.')) {
    const name = expr.slice('topic.'.length);
    if (!names.includes(name)) {
      const known = names.length === 0 ? 'the template names no level' : `named levels: ${names.join(', ')}`;
      throw new IngestConfigError(field, `"${expr}" names no level of the rule's topic template (${known})`);
    }
    return { kind: 'level', name };
  }
  if (expr.startsWith('body.')) {
    const path = expr.slice('body.'.length).split('.');
    if (path.some((key) => key === '' || FORBIDDEN_KEYS.has(key))) {
      throw new IngestConfigError(field, `"${expr}" must be body.<key>[.<key>...] with non-empty keys`);
    }
    return { kind: 'body', path };
  }
  throw new IngestConfigError(field, `"${expr}" must be topic, topic.<name>, body, body.<path> or received`);
}

function sourceText(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(' | ');
}

/** Runs an event-model check and reports its failure as a configuration error at `field`. */
function asConfig<T>(check: () => T, field: string): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof EventValidationError) {
      const inner = error.field === 'value' || error.field === 'type' ? '' : error.field.replace(/^value/, '');
      throw new IngestConfigError(`${field}${inner}`, error.rule);
    }
    throw error;
  }
}
