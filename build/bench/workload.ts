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
