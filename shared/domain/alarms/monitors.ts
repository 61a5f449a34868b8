/**
 * Monitors: per rule and equipment, the process condition a rule watches, worked out from
 * plant events (`observe`) and from the passing of time (`elapse`). A monitor reports a
 * change only when the condition the alarm should see flips (after deadband and delays);
 * the alarm life cycle (decide.ts) turns that change into `alarm.*` events. Plain JSON.
 */
import type { JsonValue, PlantEvent } from '../../events/event';
import { matchesPattern } from '../../events/patterns';
import type { AlarmCause } from './decide';
import type { AlarmRule, ThresholdRule } from './rules';

/** What a monitor reads from a plant event. */
export type MonitoredEvent = Pick<PlantEvent, 'id' | 'type' | 'timestamp' | 'payload'> & { readonly correlationId?: string };

interface MonitorBase {
  /** The condition as the alarm was last told it. */
  active: boolean;
  /** The plant event behind the pending or latest change. */
  cause: AlarmCause | null;
}
export interface ThresholdMonitor extends MonitorBase {
  kind: 'threshold';
  /** The condition after the deadband, before the on/off delays, and since when it holds. */
  raw: boolean;
  rawSince: number;
  value: number | null;
}
export interface OutOfSpecMonitor extends MonitorBase {
  kind: 'outOfSpec';
  /** The parameters whose latest measurement is out of specification, sorted. */
  outOfSpec: string[];
}
export interface CountInWindowMonitor extends MonitorBase {
  kind: 'countInWindow';
  /** Times of the latest matching events still inside the window (at most `count` of them), ascending. */
  times: number[];
}
export interface AbsenceMonitor extends MonitorBase {
  kind: 'absence';
  lastSeen: number;
}
export interface DownTooLongMonitor extends MonitorBase {
  kind: 'downTooLong';
  downSince: number | null;
}
export type MonitorState = ThresholdMonitor | OutOfSpecMonitor | CountInWindowMonitor | AbsenceMonitor | DownTooLongMonitor;

/** A flip of the condition: the alarm should now be told `active`. */
export interface ConditionChange {
  active: boolean;
  value: number | null;
  limit: number | null;
  at: number;
  cause: AlarmCause | null;
}

export interface MonitorStep {
  monitor: MonitorState;
  change: ConditionChange | null;
}

/** The event type a rule reads, or a pattern of them. */
export function watchedType(rule: AlarmRule): string {
  switch (rule.kind) {
    case 'threshold': return 'equipment.telemetry.recorded';
    case 'outOfSpec': return 'quality.measurement.recorded';
    case 'downTooLong': return 'equipment.status.changed';
    default: return rule.eventType;
  }
}

/** The monitor of a rule on an equipment that has seen nothing yet; `at` starts its clocks. */
export function initialMonitor(rule: AlarmRule, at: number): MonitorState {
  const base = { active: false, cause: null };
  switch (rule.kind) {
    case 'threshold': return { ...base, kind: 'threshold', raw: false, rawSince: at, value: null };
    case 'outOfSpec': return { ...base, kind: 'outOfSpec', outOfSpec: [] };
    case 'countInWindow': return { ...base, kind: 'countInWindow', times: [] };
    case 'absence': return { ...base, kind: 'absence', lastSeen: at };
    case 'downTooLong': return { ...base, kind: 'downTooLong', downSince: null };
  }
}

/** Folds a plant event (already known to be about this monitor's equipment) into the monitor. */
export function observe(rule: AlarmRule, monitor: MonitorState, event: MonitoredEvent): MonitorStep {
  const payload = event.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { monitor, change: null };
  if (monitor.kind !== rule.kind || !matchesPattern(watchedType(rule), event.type)) return { monitor, change: null };
  const t = event.timestamp;
  const cause: AlarmCause = { causationId: event.id, correlationId: event.correlationId ?? event.id };
  switch (monitor.kind) {
    case 'threshold': {
      const r = rule as ThresholdRule;
      const value = payload[r.field];
      if (typeof value !== 'number' || !Number.isFinite(value)) return { monitor, change: null };
      const band = monitor.raw ? r.deadband : 0;
      const raw = r.comparator === 'above' ? value > r.limit - band : value < r.limit + band;
      const next: ThresholdMonitor = raw === monitor.raw ? { ...monitor, value } : { ...monitor, value, raw, rawSince: t, cause };
      return settleThreshold(r, next, t);
    }
    case 'outOfSpec': {
      const parameter = payload.parameter;
      const value = payload.value;
      if (typeof parameter !== 'string' || typeof value !== 'number' || !Number.isFinite(value)) return { monitor, change: null };
      if (rule.kind === 'outOfSpec' && rule.parameters?.length && !rule.parameters.includes(parameter)) return { monitor, change: null };
      const lower = finite(payload.lowerLimit);
      const upper = finite(payload.upperLimit);
      const out = payload.isWithinSpec === false || (lower !== null && value < lower) || (upper !== null && value > upper);
      const others = monitor.outOfSpec.filter((p) => p !== parameter);
      const outOfSpec = out ? [...others, parameter].sort() : others;
      const active = outOfSpec.length > 0;
      const next: OutOfSpecMonitor = { ...monitor, outOfSpec, active, cause: active === monitor.active ? monitor.cause : cause };
      if (active === monitor.active) return { monitor: next, change: null };
      const limit = upper !== null && value > upper ? upper : lower !== null && value < lower ? lower : null;
      return { monitor: next, change: { active, value, limit: active ? limit : null, at: t, cause } };
    }
    case 'countInWindow': {
      if (rule.kind !== 'countInWindow') return { monitor, change: null };
      const latest = Math.max(t, monitor.times.at(-1) ?? t);
      const times = [...monitor.times, t].sort((a, b) => a - b).filter((x) => x > latest - rule.windowMs).slice(-rule.count);
      return flip({ ...monitor, times }, times.length >= rule.count, times.length, rule.count, t, cause);
    }
    case 'absence': {
      const next: AbsenceMonitor = { ...monitor, lastSeen: Math.max(monitor.lastSeen, t) };
      return flip(next, false, Math.max(0, t - monitor.lastSeen), rule.kind === 'absence' ? rule.timeoutMs : null, t, cause);
    }
    case 'downTooLong': {
      const status = typeof payload.newStatus === 'string' ? payload.newStatus : payload.status;
      if (typeof status !== 'string') return { monitor, change: null };
      if (status === 'down') return { monitor: monitor.downSince === null ? { ...monitor, downSince: t, cause } : monitor, change: null };
      const downFor = monitor.downSince === null ? null : t - monitor.downSince;
      return flip({ ...monitor, downSince: null }, false, downFor, rule.kind === 'downTooLong' ? rule.durationMs : null, t, cause);
    }
  }
}

/**
 * Lets time pass to `now`: on/off delays end, windows slide, silences and downtimes grow.
 * A change found here is dated at the deadline that caused it (the end of the delay, the
 * window or the timeout, all computed from event times), not at `now`, the moment this
 * station's tick happened to notice: so every station fed the same events makes the same
 * transition, with the same time and values, and so the same derived id (issue 14 §2).
 */
export function elapse(rule: AlarmRule, monitor: MonitorState, now: number): MonitorStep {
  switch (monitor.kind) {
    case 'threshold':
      return rule.kind === 'threshold' ? settleThreshold(rule, monitor, now, true) : { monitor, change: null };
    case 'countInWindow': {
      if (rule.kind !== 'countInWindow') return { monitor, change: null };
      const times = monitor.times.filter((x) => x > now - rule.windowMs);
      if (times.length === monitor.times.length) return { monitor, change: null };
      // The count fell when the oldest time left the window.
      const fell = Math.min(now, (monitor.times[0] ?? now - rule.windowMs) + rule.windowMs);
      return flip({ ...monitor, times }, times.length >= rule.count, times.length, rule.count, fell, null);
    }
    case 'absence': {
      if (rule.kind !== 'absence' || monitor.active || now - monitor.lastSeen < rule.timeoutMs) return { monitor, change: null };
      return flip(monitor, true, rule.timeoutMs, rule.timeoutMs, monitor.lastSeen + rule.timeoutMs, null);
    }
    case 'downTooLong': {
      if (rule.kind !== 'downTooLong' || monitor.active || monitor.downSince === null || now - monitor.downSince <= rule.durationMs) {
        return { monitor, change: null };
      }
      // Down for longer than the duration: the first millisecond past it.
      return flip(monitor, true, rule.durationMs + 1, rule.durationMs, monitor.downSince + rule.durationMs + 1, monitor.cause);
    }
    case 'outOfSpec':
      return { monitor, change: null };
  }
}

/**
 * The threshold's raw condition becomes the alarm's once it has held for its delay: dated at
 * the event that settled it, or (from a tick, `atDeadline`) at the end of the delay.
 */
function settleThreshold(rule: ThresholdRule, monitor: ThresholdMonitor, now: number, atDeadline = false): MonitorStep {
  const delay = monitor.raw ? rule.onDelayMs : rule.offDelayMs;
  if (monitor.raw === monitor.active || now - monitor.rawSince < delay) return { monitor, change: null };
  return flip(monitor, monitor.raw, monitor.value, rule.limit, atDeadline ? monitor.rawSince + delay : now, monitor.cause);
}

function flip<M extends MonitorState>(monitor: M, active: boolean, value: number | null, limit: number | null, at: number, cause: AlarmCause | null): MonitorStep {
  if (active === monitor.active) return { monitor, change: null };
  const next = { ...monitor, active, cause: cause ?? monitor.cause };
  return { monitor: next, change: { active, value, limit, at, cause } };
}

function finite(value: JsonValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
