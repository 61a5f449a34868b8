/**
 * Alarm KPIs (after ISA-18.2's alarm performance metrics), worked out from `alarm.*`
 * events alone. An activation is an `alarm.raised` event; an alarm is active from the event
 * that made it ACTIVE_UNACK or ACTIVE_ACK until one that took it out of those states.
 */
import type { Priority } from '../../events/event';
import { ACTIVE_STATES, ALARM_EVENT_TYPES, readAlarmPayload } from './lifecycle';
import type { AlarmEventLike, AlarmEventPayload, AlarmStateName } from './lifecycle';

const MINUTE = 60_000;
export const KPI_BUCKET_MS = 10 * MINUTE;
/** A flood starts when more than this many alarms are raised within KPI_BUCKET_MS… */
export const FLOOD_START_ABOVE = 10;
/** …and ends when fewer than this many were raised in the KPI_BUCKET_MS before. */
export const FLOOD_END_BELOW = 5;
export const CHATTER_COUNT = 3;
export const CHATTER_WINDOW_MS = MINUTE;
export const STALE_AFTER_MS = 24 * 60 * MINUTE;
export const TOP_ALARMS = 10;
const MAX_BUCKETS = 10_000;

export interface AlarmIdentity {
  alarmId: string;
  ruleId: string;
  ruleName: string;
  equipmentId: string;
  priority: Priority;
}

export interface AlarmKpis {
  /** `alarm.raised` events in [from, to]. */
  raisedCount: number;
  /** Consecutive 10-minute buckets from `from`; the last one may end after `to`. */
  perTenMinutes: { start: number; end: number; count: number }[];
  /**
   * `start`: when the 10-minute count first went above 10; `end`: when it fell below 5 (null
   * if still flooding at `to`); `count`: alarms raised from the window that started it to its
   * end; `peak`: the highest 10-minute count.
   */
  floods: { start: number; end: number | null; count: number; peak: number }[];
  /** Whether a flood is still going on at `to`. */
  inFlood: boolean;
  /** The 10 alarms raised most often in [from, to], most frequent first. */
  topAlarms: (AlarmIdentity & { count: number })[];
  /** Alarms raised 3 or more times within a minute, with their highest count in any minute. */
  chattering: (AlarmIdentity & { count: number; maxPerMinute: number })[];
  /** Alarms active at `now` for more than 24 hours (from every event up to `now`), oldest first. */
  stale: (AlarmIdentity & { state: AlarmStateName; activeSince: number; ageMs: number })[];
}

export function computeAlarmKpis(alarmEvents: readonly AlarmEventLike[], range: { from: number; to: number; now: number }): AlarmKpis {
  const { from, to, now } = range;
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(now) || to < from) {
    throw new RangeError('computeAlarmKpis: from, to and now must be finite, with from <= to');
  }
  if ((to - from) / KPI_BUCKET_MS > MAX_BUCKETS) throw new RangeError(`computeAlarmKpis: at most ${MAX_BUCKETS} ten-minute buckets`);

  const events = alarmEvents
    .map((event) => ({ type: event.type, at: event.timestamp, p: readAlarmPayload(event.payload) }))
    .filter((e): e is { type: string; at: number; p: AlarmEventPayload } => e.p !== null && Number.isFinite(e.at))
    .sort((a, b) => a.at - b.at);
  const raised = events.filter((e) => e.type === ALARM_EVENT_TYPES.raised && e.at >= from && e.at <= to);
  const times = raised.map((e) => e.at);

  const perAlarm = new Map<string, { identity: AlarmIdentity; times: number[] }>();
  for (const e of raised) {
    const entry = perAlarm.get(e.p.alarmId) ?? { identity: identityOf(e.p), times: [] };
    entry.identity = identityOf(e.p);
    entry.times.push(e.at);
    perAlarm.set(e.p.alarmId, entry);
  }
  const counted = [...perAlarm.values()].map(({ identity, times: t }) => ({ ...identity, count: t.length, maxPerMinute: mostWithin(t, CHATTER_WINDOW_MS) }));
  const byCount = [...counted].sort((a, b) => b.count - a.count || compare(a.alarmId, b.alarmId));
  const { floods, inFlood } = findFloods(times, to);

  return {
    raisedCount: raised.length,
    perTenMinutes: buckets(times, from, to),
    floods,
    inFlood,
    topAlarms: byCount.slice(0, TOP_ALARMS).map(({ maxPerMinute: _, ...rest }) => rest),
    chattering: byCount.filter((a) => a.maxPerMinute >= CHATTER_COUNT).sort((a, b) => b.maxPerMinute - a.maxPerMinute || compare(a.alarmId, b.alarmId)),
    stale: staleAlarms(events, now),
  };
}

function buckets(times: number[], from: number, to: number): AlarmKpis['perTenMinutes'] {
  const count = Math.max(1, Math.ceil((to - from) / KPI_BUCKET_MS));
  const out = Array.from({ length: count }, (_, i) => ({ start: from + i * KPI_BUCKET_MS, end: from + (i + 1) * KPI_BUCKET_MS, count: 0 }));
  for (const t of times) {
    const bucket = out[Math.min(count - 1, Math.floor((t - from) / KPI_BUCKET_MS))];
    if (bucket) bucket.count += 1;
  }
  return out;
}

/** Sweeps the sorted raise times: each one enters the trailing window at its time and leaves it 10 minutes later. */
function findFloods(times: number[], to: number): { floods: AlarmKpis['floods']; inFlood: boolean } {
  const floods: AlarmKpis['floods'] = [];
  let current: AlarmKpis['floods'][number] | null = null;
  let entering = 0;
  let leaving = 0;
  while (entering < times.length || leaving < times.length) {
    const nextIn = times[entering] ?? Infinity;
    const nextOut = (times[leaving] ?? Infinity) + KPI_BUCKET_MS;
    const x = Math.min(nextIn, nextOut);
    if (x > to) break;
    while ((times[leaving] ?? Infinity) + KPI_BUCKET_MS <= x) leaving += 1;
    let arrived = 0;
    while ((times[entering] ?? Infinity) <= x) {
      entering += 1;
      arrived += 1;
    }
    const inWindow = entering - leaving;
    if (current === null && inWindow > FLOOD_START_ABOVE) {
      current = { start: x, end: null, count: inWindow, peak: inWindow };
      floods.push(current);
    } else if (current !== null) {
      current.count += arrived;
      current.peak = Math.max(current.peak, inWindow);
      if (inWindow < FLOOD_END_BELOW) {
        current.end = x;
        current = null;
      }
    }
  }
  return { floods, inFlood: current !== null };
}

/** The most times within any `windowMs` (later minus earlier below `windowMs`), times ascending. */
function mostWithin(times: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function staleAlarms(events: { type: string; at: number; p: AlarmEventPayload }[], now: number): AlarmKpis['stale'] {
  const current = new Map<string, { identity: AlarmIdentity; state: AlarmStateName; activeSince: number | null }>();
  for (const e of events) {
    if (e.at > now) break;
    const before = current.get(e.p.alarmId);
    const active = ACTIVE_STATES.has(e.p.stateAfter);
    const wasActive = before !== undefined && before.activeSince !== null;
    current.set(e.p.alarmId, {
      identity: identityOf(e.p),
      state: e.p.stateAfter,
      activeSince: active ? (wasActive ? before.activeSince : e.at) : null,
    });
  }
  const stale: AlarmKpis['stale'] = [];
  for (const { identity, state, activeSince } of current.values()) {
    if (activeSince !== null && now - activeSince > STALE_AFTER_MS) stale.push({ ...identity, state, activeSince, ageMs: now - activeSince });
  }
  return stale.sort((a, b) => a.activeSince - b.activeSince || compare(a.alarmId, b.alarmId));
}

function identityOf(p: AlarmEventPayload): AlarmIdentity {
  return { alarmId: p.alarmId, ruleId: p.ruleId, ruleName: p.ruleName, equipmentId: p.equipmentId, priority: p.priority };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
