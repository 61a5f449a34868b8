/**
 * Equipment state, rebuilt by folding the equipment's events (the seed's event-sourcing
 * example). Pure: `evolveEquipment` never mutates its input, never throws on odd payloads
 * (a field of the wrong type is ignored) and keeps the state plain JSON, because the state
 * is stored as snapshots.
 */
import type { PlantEvent } from '../events/event';
import { advanceAvailability, initialAvailability, isAvailabilityState, type AvailabilityState } from './availability';

export { AVAILABILITY_WINDOW_MS, availabilityAt, type AvailabilityState, type StatusInterval } from './availability';

export const EQUIPMENT_EVENT_TYPES = [
  'equipment.status.changed',
  'equipment.telemetry.recorded',
  'quality.measurement.recorded',
  'quality.check.failed',
  'production.order.started',
  'production.order.completed',
  'maintenance.scheduled',
  'maintenance.completed',
] as const;
export type EquipmentEventType = (typeof EQUIPMENT_EVENT_TYPES)[number];

export type EquipmentStatus = 'unknown' | 'running' | 'idle' | 'maintenance' | 'down' | (string & {});

export interface MeasurementState {
  value: number;
  lowerLimit: number | null;
  upperLimit: number | null;
  isWithinSpec: boolean | null;
  at: number;
  /** The unit the payload named (`unit`), when it named one. */
  unit?: string;
}

/** The latest reading of each telemetry value, and when the latest telemetry event happened. */
export interface TelemetryState {
  temperature: number | null;
  vibration: number | null;
  speed: number | null;
  at: number | null;
  [reading: string]: number | null;
}

export interface MaintenanceState {
  /** The maintenance scheduled and not yet completed, if any. */
  scheduled: { maintenanceId: string | null; scheduledAt: number; dueAt: number | null } | null;
  lastCompleted: { maintenanceId: string | null; completedAt: number } | null;
}

export interface EquipmentState {
  equipmentId: string | null;
  status: EquipmentStatus;
  statusSince: number | null;
  reason: string | null;
  currentOrderId: string | null;
  lastMeasurements: Record<string, MeasurementState>;
  /** Measurements recorded outside their specification. */
  outOfSpecCount: number;
  /** `quality.check.failed` events. */
  failedCheckCount: number;
  lastTelemetry: TelemetryState;
  /** The unit of each telemetry reading, from the payloads' `units` object, when they carry one. */
  telemetryUnits?: Record<string, string>;
  maintenance: MaintenanceState;
  availability: AvailabilityState;
  /** The store `seq` of the last event folded in (0 before any, or for unstored events). */
  lastSeq: number;
  lastEventAt: number | null;
  eventCount: number;
}

/** The events the reducer reads: stored ones carry `seq`. */
export type EquipmentEvent = Pick<PlantEvent, 'type' | 'timestamp' | 'payload'> & { readonly seq?: number };

type Fields = Record<string, unknown>;

const HANDLED: ReadonlySet<string> = new Set(EQUIPMENT_EVENT_TYPES);
/** Keys the state never takes from a payload, so that it stays plain JSON with a plain prototype. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Telemetry payload keys that are not readings. */
const NOT_READINGS: ReadonlySet<string> = new Set(['equipmentId', 'timestamp', 'at', ...FORBIDDEN_KEYS]);

export function initialEquipmentState(equipmentId: string | null = null): EquipmentState {
  return {
    equipmentId,
    status: 'unknown',
    statusSince: null,
    reason: null,
    currentOrderId: null,
    lastMeasurements: {},
    outOfSpecCount: 0,
    failedCheckCount: 0,
    lastTelemetry: { temperature: null, vibration: null, speed: null, at: null },
    maintenance: { scheduled: null, lastCompleted: null },
    availability: initialAvailability(),
    lastSeq: 0,
    lastEventAt: null,
    eventCount: 0,
  };
}

/**
 * Folds one event into the state. Events of other types, events naming no equipment, and
 * events about other equipment than the state's leave the state as it is (the same object).
 */
export function evolveEquipment(state: EquipmentState, event: EquipmentEvent): EquipmentState {
  if (typeof event !== 'object' || event === null || !HANDLED.has(event.type)) return state;
  const payload = asFields(event.payload);
  const equipmentId = text(payload?.equipmentId);
  if (!payload || equipmentId === null) return state;
  if (state.equipmentId !== null && state.equipmentId !== equipmentId) return state;

  const at = finite(event.timestamp) ?? state.lastEventAt ?? 0;
  const next: EquipmentState = {
    ...state,
    equipmentId,
    lastSeq: finite(event.seq) ?? state.lastSeq,
    lastEventAt: at,
    eventCount: state.eventCount + 1,
  };
  let statusChanged = false;
  switch (event.type as EquipmentEventType) {
    case 'equipment.status.changed': {
      const status = text(payload.newStatus);
      if (status === null) break;
      next.status = status;
      next.statusSince = at;
      next.reason = text(payload.reason);
      statusChanged = true;
      break;
    }
    case 'equipment.telemetry.recorded': {
      next.lastTelemetry = recordTelemetry(state.lastTelemetry, payload, at);
      const units = unitsOf(payload.units, state.telemetryUnits);
      if (units) next.telemetryUnits = units;
      break;
    }
    case 'quality.measurement.recorded':
      recordMeasurement(next, payload, at);
      break;
    case 'quality.check.failed':
      next.failedCheckCount = state.failedCheckCount + 1;
      break;
    case 'production.order.started':
      next.currentOrderId = text(payload.orderId) ?? state.currentOrderId;
      break;
    case 'production.order.completed': {
      const orderId = text(payload.orderId);
      if (orderId === null || orderId === state.currentOrderId) next.currentOrderId = null;
      break;
    }
    case 'maintenance.scheduled':
      next.maintenance = {
        ...state.maintenance,
        scheduled: { maintenanceId: maintenanceIdOf(payload), scheduledAt: at, dueAt: dueTimeOf(payload) },
      };
      break;
    case 'maintenance.completed': {
      const maintenanceId = maintenanceIdOf(payload);
      const scheduled = state.maintenance.scheduled;
      const closes = scheduled === null || maintenanceId === null || scheduled.maintenanceId === maintenanceId;
      next.maintenance = { scheduled: closes ? null : scheduled, lastCompleted: { maintenanceId, completedAt: at } };
      break;
    }
  }
  next.availability = advanceAvailability(state.availability, state, next, statusChanged, at);
  return next;
}

/**
 * The seed's `applyEvent(state, event)`: `evolveEquipment` that also accepts the seed's `{}`
 * (or any partial state) as a starting point, reading missing fields as initial.
 */
export function applyEvent(state: Partial<EquipmentState> | null | undefined, event: EquipmentEvent): EquipmentState {
  return evolveEquipment(completeState(state), event);
}

function completeState(state: Partial<EquipmentState> | null | undefined): EquipmentState {
  const initial = initialEquipmentState();
  if (typeof state !== 'object' || state === null) return initial;
  const merged = { ...initial, ...state } as EquipmentState;
  for (const key of Object.keys(initial) as (keyof EquipmentState)[]) {
    const expected = initial[key];
    const actual: unknown = merged[key];
    const fits =
      expected === null
        ? actual !== undefined
        : typeof actual === typeof expected && (typeof expected !== 'object' || asFields(actual) !== null);
    if (!fits) (merged as unknown as Fields)[key] = expected;
  }
  if (!isAvailabilityState(merged.availability)) merged.availability = initial.availability;
  return merged;
}

function recordTelemetry(previous: TelemetryState, payload: Fields, at: number): TelemetryState {
  const next: TelemetryState = { ...previous, at };
  for (const key of Object.keys(payload)) {
    const value = finite(payload[key]);
    if (value !== null && !NOT_READINGS.has(key)) next[key] = value;
  }
  return next;
}

function recordMeasurement(next: EquipmentState, payload: Fields, eventAt: number): void {
  const parameter = text(payload.parameter);
  const value = finite(payload.value);
  if (parameter === null || value === null || FORBIDDEN_KEYS.has(parameter)) return;
  const lowerLimit = finite(payload.lowerLimit);
  const upperLimit = finite(payload.upperLimit);
  let isWithinSpec = typeof payload.isWithinSpec === 'boolean' ? payload.isWithinSpec : null;
  if (isWithinSpec === null && (lowerLimit !== null || upperLimit !== null)) {
    isWithinSpec = (lowerLimit === null || value >= lowerLimit) && (upperLimit === null || value <= upperLimit);
  }
  const at = timeOf(payload.timestamp) ?? eventAt;
  const unit = text(payload.unit);
  next.lastMeasurements = { ...next.lastMeasurements, [parameter]: { value, lowerLimit, upperLimit, isWithinSpec, at, ...(unit ? { unit } : {}) } };
  if (isWithinSpec === false) next.outOfSpecCount += 1;
}

/** The units a telemetry payload names, merged over the known ones; null when it names none new (the state keeps its object). */
function unitsOf(value: unknown, known: Record<string, string> | undefined): Record<string, string> | null {
  const given = asFields(value);
  if (!given) return null;
  let merged: Record<string, string> | null = null;
  for (const key of Object.keys(given)) {
    const unit = text(given[key]);
    if (unit === null || FORBIDDEN_KEYS.has(key) || known?.[key] === unit) continue;
    merged ??= { ...known };
    merged[key] = unit;
  }
  return merged;
}

function maintenanceIdOf(payload: Fields): string | null {
  return text(payload.maintenanceId) ?? text(payload.workOrderId);
}

function dueTimeOf(payload: Fields): number | null {
  return timeOf(payload.scheduledFor) ?? timeOf(payload.scheduledAt) ?? timeOf(payload.dueAt);
}

function asFields(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A time given as milliseconds or as a date string (Date values arrive as ISO strings). */
function timeOf(value: unknown): number | null {
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return finite(value);
}
