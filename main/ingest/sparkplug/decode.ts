/**
 * Sparkplug B payloads from the wire to plain values. `sparkplug-payload` (Eclipse Tahu)
 * does the protobuf work; what it hands back is checked here, because the bytes come from
 * any device on the broker: 64-bit integers arrive as Long objects (turned into numbers, or
 * refused when they do not fit one exactly), integers outside their declared type's range,
 * values missing for their declared type, odd metric names and oversized arrays are refused
 * with one sentence naming the metric. Nothing here throws anything but SparkplugPayloadError.
 */
import sparkplug from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';

/** Metrics one payload may carry; a birth of a large edge node fits well under it. */
export const MAX_METRICS_PER_PAYLOAD = 2_000;
export const MAX_METRIC_NAME_LENGTH = 200;
const MAX_STRING_LENGTH = 1_024;
/** Names that would clash with what every JavaScript object carries. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type MetricValue = number | boolean | string | null;

export interface DecodedMetric {
  readonly name: string | null;
  readonly alias: number | null;
  /** The Sparkplug data type's name (`Double`, `Int32`, ...), or null when the metric gave none. */
  readonly type: string | null;
  /** Null for a null metric, and for types not carried as readings (DataSet, Template, Bytes...). */
  readonly value: MetricValue;
  readonly timestamp: number | null;
  /** The `engUnit` property, when present. */
  readonly unit: string | null;
  /** The `Quality` property (OPC quality code: 192 good, 64 uncertain, 0 bad), when present. */
  readonly quality: number | null;
}

export interface DecodedPayload {
  readonly timestamp: number | null;
  readonly seq: number | null;
  readonly metrics: readonly DecodedMetric[];
}

export class SparkplugPayloadError extends Error {
  override name = 'SparkplugPayloadError';
  constructor(
    /** `bad-body` when the bytes are not a Sparkplug payload, `bad-field` when a value is wrong. */
    readonly code: 'bad-body' | 'bad-field',
    message: string,
  ) {
    super(message);
  }
}

const codec = sparkplug.get('spBv1.0');

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  Int8: [-128, 127],
  Int16: [-32_768, 32_767],
  Int32: [-2_147_483_648, 2_147_483_647],
  UInt8: [0, 255],
  UInt16: [0, 65_535],
  UInt32: [0, 4_294_967_295],
};
const LONG_TYPES: ReadonlySet<string> = new Set(['Int64', 'UInt64', 'DateTime']);
const FLOAT_TYPES: ReadonlySet<string> = new Set(['Float', 'Double']);
const TEXT_TYPES: ReadonlySet<string> = new Set(['String', 'Text', 'UUID']);
/** Types that carry structures, not readings: accepted, kept without a value. */
const STRUCTURED_TYPES: ReadonlySet<string> = new Set(['DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList']);

interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
  toNumber(): number;
  toSigned(): LongLike;
  toString(): string;
}

function isLong(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && typeof (value as LongLike).low === 'number' && typeof (value as LongLike).toNumber === 'function';
}

/** A Long (or number) as an exact number, or null when it does not fit one. */
function exactNumber(value: unknown, signed: boolean): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (!isLong(value)) return null;
  // Tahu writes every 64-bit integer as an unsigned varint: a negative Int64 comes back as a huge unsigned Long.
  const long = signed && value.unsigned ? value.toSigned() : value;
  const number = long.toNumber();
  return Number.isSafeInteger(number) ? number : null;
}

/** The bytes decoded and checked; throws SparkplugPayloadError saying what is wrong. */
export function decodeSparkplug(bytes: Uint8Array): DecodedPayload {
  if (!codec) throw new SparkplugPayloadError('bad-body', 'the Sparkplug B codec is not available');
  let payload: UPayload;
  try {
    payload = codec.decodePayload(bytes);
  } catch (error) {
    throw new SparkplugPayloadError('bad-body', `body is not a Sparkplug B payload (${error instanceof Error ? error.message : String(error)})`);
  }
  const metrics = payload.metrics ?? [];
  if (metrics.length > MAX_METRICS_PER_PAYLOAD) {
    throw new SparkplugPayloadError('bad-field', `payload holds ${metrics.length} metrics; at most ${MAX_METRICS_PER_PAYLOAD} are accepted`);
  }
  return {
    timestamp: optionalTime(payload.timestamp, 'payload timestamp'),
    seq: optionalSeq(payload.seq),
    metrics: metrics.map((metric, index) => decodeMetric(metric, index)),
  };
}

function optionalTime(value: unknown, what: string): number | null {
  if (value === null || value === undefined) return null;
  const time = exactNumber(value, false);
  if (time === null || time > 8.64e15) throw new SparkplugPayloadError('bad-field', `${what} is out of range`);
  return time;
}

function optionalSeq(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const seq = exactNumber(value, false);
  if (seq === null || seq > 255) throw new SparkplugPayloadError('bad-field', `seq ${String(value)} is outside 0-255`);
  return seq;
}

function decodeMetric(metric: UMetric, index: number): DecodedMetric {
  const name = metricName(metric.name, index);
  const label = name === null ? `metric ${index + 1}` : `metric "${name}"`;
  const alias = metric.alias === null || metric.alias === undefined ? null : exactNumber(metric.alias, false);
  if (metric.alias !== null && metric.alias !== undefined && alias === null) throw new SparkplugPayloadError('bad-field', `${label}: alias is out of range`);
  if (name === null && alias === null) throw new SparkplugPayloadError('bad-field', `${label} has neither a name nor an alias`);
  const type = typeof metric.type === 'string' ? metric.type : null;
  const properties = metric.properties ?? {};
  const unit = properties.engUnit?.value;
  const quality = properties.Quality?.value;
  return {
    name,
    alias,
    type,
    value: metricValue(metric, type, label),
    timestamp: optionalTime(metric.timestamp, `${label}: timestamp`),
    unit: typeof unit === 'string' ? unit.slice(0, 64) : null,
    quality: quality === undefined || quality === null ? null : exactNumber(quality, true),
  };
}

function metricName(name: unknown, index: number): string | null {
  if (name === null || name === undefined || name === '') return null;
  if (typeof name !== 'string') throw new SparkplugPayloadError('bad-field', `metric ${index + 1}: name is not text`);
  if (name.length > MAX_METRIC_NAME_LENGTH) throw new SparkplugPayloadError('bad-field', `metric ${index + 1}: name is longer than ${MAX_METRIC_NAME_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(name)) throw new SparkplugPayloadError('bad-field', `metric ${index + 1}: name holds control characters`);
  if (FORBIDDEN_NAMES.has(name)) throw new SparkplugPayloadError('bad-field', `metric ${index + 1}: "${name}" is not accepted as a metric name`);
  return name;
}

function metricValue(metric: UMetric, type: string | null, label: string): MetricValue {
  const value: unknown = metric.value;
  const wrong = (what: string) => new SparkplugPayloadError('bad-field', `${label}: ${what}`);
  if (metric.isNull === true) return null;
  // The decoder reads a value only by a data type it knows; without one the value is lost, so the metric is refused.
  if (type === null) throw wrong('its data type is missing or not a Sparkplug B data type');
  if (STRUCTURED_TYPES.has(type)) return null;
  if (value === null || value === undefined) throw wrong(`holds no value of its type ${type}`);
  const range = INTEGER_RANGES[type];
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) throw wrong(`${String(value)} is outside the range of ${type}`);
    return value;
  }
  if (LONG_TYPES.has(type)) {
    const number = exactNumber(value, type === 'Int64');
    if (number === null) throw wrong(`${String(value)} does not fit a number exactly (${type})`);
    return number;
  }
  if (FLOAT_TYPES.has(type)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong(`${String(value)} is not a finite ${type}`);
    return value;
  }
  if (type === 'Boolean') {
    if (typeof value !== 'boolean') throw wrong(`is not a Boolean`);
    return value;
  }
  if (TEXT_TYPES.has(type)) {
    if (typeof value !== 'string') throw wrong(`is not text`);
    if (value.length > MAX_STRING_LENGTH) throw wrong(`text is longer than ${MAX_STRING_LENGTH} characters`);
    return value;
  }
  throw wrong(`type ${type} is not a Sparkplug B data type`);
}
