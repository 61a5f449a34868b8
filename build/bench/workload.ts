/**
 * The benchmark's events: equipment telemetry of about 300 bytes once stored (serialised
 * with id, seq and subject). Pure code: it runs in Node for the bus benchmark and in the
 * Chromium page for the store benchmark, and gives the same payloads in both.
 */
import type { JsonObject, PlantEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';

export const TELEMETRY_TYPE = 'equipment.telemetry.recorded';
export const TELEMETRY_SOURCE = 'simulator';
/** Timestamps count up from here, one millisecond apart. */
export const BENCH_BASE_TIME = Date.UTC(2024, 0, 1);

const METRICS = ['temperature', 'current', 'pressure', 'vibration'] as const;
const UNITS = ['degC', 'A', 'bar', 'mm/s'] as const;

/** A deterministic pseudo-random number in [0, 1) for event `i`. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/** The payload of the i-th telemetry event (50 machines, four metrics each). */
export function telemetryPayload(i: number): JsonObject {
  const metric = i % METRICS.length;
  const value = Math.round((40 + 60 * noise(i)) * 1000) / 1000;
  return {
    equipmentId: `press-${String(i % 50).padStart(3, '0')}`,
    metric: METRICS[metric] as string,
    value,
    unit: UNITS[metric] as string,
    sample: i,
  };
}

/** What a producer hands to `bus.publish`. */
export interface TelemetryInput {
  readonly type: string;
  readonly source: string;
  readonly payload: JsonObject;
}

export function telemetryInputs(count: number): TelemetryInput[] {
  return Array.from({ length: count }, (_, i) => ({ type: TELEMETRY_TYPE, source: TELEMETRY_SOURCE, payload: telemetryPayload(i) }));
}

/** Full PUBLISHED events, as the bus hands them to the store. */
export function telemetryEvents(count: number): PlantEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const timestamp = BENCH_BASE_TIME + i;
    return {
      id: newEventId(timestamp),
      type: TELEMETRY_TYPE,
      source: TELEMETRY_SOURCE,
      timestamp,
      payload: telemetryPayload(i),
      priority: 'NORMAL',
      status: 'PUBLISHED',
      metadata: {},
    };
  });
}

/** The numeric reading of a telemetry payload (0 for anything else). */
export function telemetryValue(payload: unknown): number {
  const value = (payload as { value?: unknown } | null)?.value;
  return typeof value === 'number' ? value : 0;
}

// ---- a plant's mixed history, for the query benchmark ----------------------------------------

/** Events per correlated flow in the mixed history (an order's events share one correlation id). */
export const MIX_FLOW = 8;
/** One event in MIX_TEXT_EVERY carries an operator note with MIX_TEXT_TERM in it. */
export const MIX_TEXT_EVERY = 100;
export const MIX_TEXT_TERM = 'bearing noise';

/**
 * The i-th event of a plant's mixed history (about 300 bytes stored): telemetry (70%),
 * status changes, quality checks, alarms and order steps, from 50 presses on 5 lines, with
 * every MIX_FLOW consecutive events in one correlated flow and timestamps 10 ms apart.
 */
export function plantMixEvent(i: number): PlantEvent {
  const timestamp = BENCH_BASE_TIME + i * 10;
  const equipmentId = `press-${String((i * 7) % 50).padStart(3, '0')}`;
  const slot = i % 20;
  const base = { id: newEventId(timestamp), source: `line-${(i * 7) % 5}`, timestamp, status: 'PUBLISHED' as const, metadata: {}, correlationId: `flow-${Math.floor(i / MIX_FLOW)}` };
  const note: JsonObject = i % MIX_TEXT_EVERY === 37 ? { note: `Operator reports ${MIX_TEXT_TERM} on ${equipmentId}` } : {};
  if (slot < 14) return { ...base, type: TELEMETRY_TYPE, priority: 'NORMAL', payload: { ...telemetryPayload(i), equipmentId, ...note } };
  if (slot < 16) return { ...base, type: 'equipment.status.changed', priority: 'HIGH', payload: { equipmentId, from: 'RUNNING', to: i % 3 === 0 ? 'DOWN' : 'IDLE', reason: 'material shortage', ...note } };
  if (slot < 18) return { ...base, type: i % 9 === 0 ? 'quality.check.failed' : 'quality.check.passed', priority: 'NORMAL', payload: { orderId: `order-${Math.floor(i / 40)}`, equipmentId, dimension: 'bore', measured: 12.01, ...note } };
  if (slot < 19) return { ...base, type: 'alarm.raised', priority: i % 4 === 0 ? 'CRITICAL' : 'HIGH', payload: { alarmId: `ALM-${equipmentId}-TEMP`, equipmentId, message: 'Temperature high', value: 93.4, ...note } };
  return { ...base, type: 'order.step.completed', priority: 'LOW', payload: { orderId: `order-${Math.floor(i / 40)}`, step: i % 6, operator: 'shift-b', ...note } };
}
