/**
 * Turns one MQTT message into an event as a producer publishes it, by the first rule whose
 * topic template matches. Pure: never throws on a message; what cannot be mapped comes back
 * as `{ ok: false, code, reason }` for the caller to keep as a rejected message.
 *
 * A mapped event comes back sealed (checked, given its id, frozen: shared/events/sealed.ts),
 * status PUBLISHED, so that the bus takes it as it is: checking and copying each message's
 * event a second time on the bus was a tenth of the host's time per message.
 */
import { CLAIMED_ORIGIN_REASON, claimsPlantOrigin } from '../events/plantOrigin';
import type { JsonObject, JsonValue } from '../events/event';
import { sealOwnedInput } from '../events/sealed';
import { EventValidationError, validatePublishInput, type PublishInput } from '../events/validate';
import type { RejectCode } from './ingestEvents';
import { MAX_MESSAGE_BYTES } from './ingestEvents';
import type { CompiledField, CompiledMapping, CompiledRule, SourceExpr } from './mappingConfig';
import type { TopicCaptures } from './topicTemplate';

export interface IngestMessage {
  readonly topic: string;
  /** The body, decoded as UTF-8. */
  readonly body: string;
  readonly receivedAt: number;
}

export type MapResult =
  | { readonly ok: true; readonly rule: string; readonly event: PublishInput }
  | { readonly ok: false; readonly rule: string | null; readonly code: RejectCode; readonly reason: string };

interface Context {
  readonly message: IngestMessage;
  readonly captures: TopicCaptures;
  readonly body: JsonValue;
}

class Rejection {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
  ) {}
}

/** Maps `message` by `mapping`; the event carries `metadata.ingest` saying where it came from. */
export function mapMessage(mapping: CompiledMapping, message: IngestMessage): MapResult {
  const match = typeof message.topic === 'string' ? matchTopic(mapping, message.topic) : null;
  if (match === null) return { ok: false, rule: null, code: 'no-rule', reason: `no mapping rule matches topic "${clip(message.topic)}"` };
  const { rule, captures } = match;
  try {
    return { ok: true, rule: rule.name, event: mapByRule(rule, message, captures) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, rule: rule.name, code: error.code, reason: error.reason };
    if (error instanceof EventValidationError) return { ok: false, rule: rule.name, code: 'invalid-event', reason: error.message };
    throw error;
  }
}

/** The first rule whose template matches a topic, with the topic's named levels (frozen: one object serves every message on that topic). */
interface TopicMatch {
  readonly rule: CompiledRule;
  readonly captures: TopicCaptures;
}

/**
 * Each mapping's matches by topic. Plant topics repeat (a few per piece of equipment), so a
 * topic is split and tried against the rules once, not for every message. Only short topics
 * are kept, and at most MAX_KNOWN_TOPICS (then the memory starts afresh), so that topics that
 * never repeat cannot make it grow without end.
 */
const knownTopics = new WeakMap<CompiledMapping, Map<string, TopicMatch | null>>();
const MAX_KNOWN_TOPICS = 10_000;
const MAX_KNOWN_TOPIC_LENGTH = 256;

function matchTopic(mapping: CompiledMapping, topic: string): TopicMatch | null {
  let known = knownTopics.get(mapping);
  if (known === undefined) {
    known = new Map();
    knownTopics.set(mapping, known);
  }
  const seen = known.get(topic);
  if (seen !== undefined) return seen;
  const levels = topic.split('/');
  let match: TopicMatch | null = null;
  for (const rule of mapping.rules) {
    const captures = rule.template.matchSplit(topic, levels);
    if (captures === null) continue;
    match = { rule, captures: Object.freeze(captures) };
    break;
  }
  if (topic.length <= MAX_KNOWN_TOPIC_LENGTH) {
    if (known.size >= MAX_KNOWN_TOPICS) known.clear();
    known.set(topic, match);
  }
  return match;
}

function mapByRule(rule: CompiledRule, message: IngestMessage, captures: TopicCaptures): PublishInput {
  if (message.body.length > MAX_MESSAGE_BYTES) {
    throw new Rejection('too-large', `body is longer than ${MAX_MESSAGE_BYTES} characters`);
  }
  const ctx: Context = { message, captures, body: decodeBody(rule, message.body) };
  const provenance: JsonObject = { origin: 'mqtt', topic: message.topic, rule: rule.name, receivedAt: message.receivedAt };
  if (rule.event) {
    if (!isObject(ctx.body)) throw new Rejection('bad-body', 'body must be a JSON object holding an event ({ "type", "payload", ... })');
    const input = validatePublishInput(ctx.body);
    if (claimsPlantOrigin(input.metadata)) throw new Rejection('bad-field', CLAIMED_ORIGIN_REASON);
    return sealMapped(rule, {
      ...input,
      source: input.source ?? rule.source,
      timestamp: input.timestamp ?? message.receivedAt,
      metadata: { ...input.metadata, ingest: provenance },
    });
  }
  const candidate: Record<string, unknown> = {
    type: rule.type,
    payload: rule.payload === null ? mergedPayload(ctx) : mappedPayload(rule.payload, ctx),
    source: rule.source,
    timestamp: timestampOf(rule, ctx),
    metadata: { ingest: provenance },
  };
  if (rule.priority !== undefined) candidate.priority = rule.priority;
  const correlationId = firstDefined(rule.correlationId, ctx);
  if (correlationId !== undefined) {
    if (typeof correlationId !== 'string') throw new Rejection('bad-field', `correlationId: must be a string (got ${describe(correlationId)})`);
    candidate.correlationId = correlationId;
  }
  return sealMapped(rule, candidate);
}

/**
 * The candidate's payload and metadata are this message's alone (its parsed body, the topic's
 * levels, values made here), so they are checked where they are instead of copied once more.
 */
function sealMapped(rule: CompiledRule, candidate: Record<string, unknown>): PublishInput {
  return sealOwnedInput(candidate, { source: rule.source, status: 'PUBLISHED' });
}

function decodeBody(rule: CompiledRule, raw: string): JsonValue {
  if (rule.body === 'text') return raw;
  if (rule.body === 'number') {
    const value = raw.trim() === '' ? Number.NaN : Number(raw.trim());
    if (!Number.isFinite(value)) throw new Rejection('bad-body', `body must be a number (got ${describe(raw)})`);
    return value;
  }
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw new Rejection('bad-body', `body is not valid JSON (${(error as Error).message})`);
  }
}

function mergedPayload(ctx: Context): JsonObject {
  if (!isObject(ctx.body)) {
    throw new Rejection('bad-body', `body must be a JSON object (got ${describe(ctx.body)}); the rule merges it with the topic's named levels`);
  }
  // The parsed body is this message's own: the named levels go into it, as a spread into a copy would put them.
  return Object.assign(ctx.body, ctx.captures);
}

function mappedPayload(fields: readonly CompiledField[], ctx: Context): JsonObject {
  const payload: JsonObject = {};
  for (const field of fields) {
    const value = field.value !== undefined ? field.value : firstDefined(field.from, ctx);
    if (value === undefined) {
      if (field.required) throw new Rejection('bad-field', `payload.${field.key}: is missing (from ${field.fromText})`);
      continue;
    }
    if (!hasType(value, field.type)) {
      throw new Rejection('bad-field', `payload.${field.key}: must be ${article(field.type)} (got ${describe(value)} from ${field.fromText})`);
    }
    if (field.oneOf && !field.oneOf.includes(value as never)) {
      const allowed = field.oneOf.map((choice) => JSON.stringify(choice)).join(', ');
      throw new Rejection('bad-field', `payload.${field.key}: must be one of ${allowed} (got ${describe(value)})`);
    }
    payload[field.key] = value;
  }
  return payload;
}

function timestampOf(rule: CompiledRule, ctx: Context): number {
  const value = firstDefined(rule.timestamp, ctx);
  if (value === undefined) return ctx.message.receivedAt;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const parsed = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(parsed)) return parsed;
  }
  throw new Rejection('bad-field', `timestamp: must be milliseconds since the epoch or an ISO 8601 date-time (got ${describe(value)})`);
}

function firstDefined(sources: readonly SourceExpr[], ctx: Context): JsonValue | undefined {
  for (const source of sources) {
    const value = resolve(source, ctx);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function resolve(source: SourceExpr, ctx: Context): JsonValue | undefined {
  switch (source.kind) {
    case 'topic':
      return ctx.message.topic;
    case 'level':
      return ctx.captures[source.name];
    case 'received':
      return ctx.message.receivedAt;
    case 'body': {
      let value: JsonValue | undefined = ctx.body;
      for (const key of source.path) {
        if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
        else if (isObject(value) && Object.hasOwn(value, key)) value = value[key];
        else return undefined;
      }
      return value;
    }
  }
}

function hasType(value: JsonValue, type: CompiledField['type']): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short description of a value for a reason: its kind and the start of its text. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${clip(JSON.stringify(value))}`;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
