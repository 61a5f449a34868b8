/**
 * The alarm engine, pure: a plain-JSON state (rules, monitors, alarms) and three steps that
 * each return the next state and the `alarm.*` event drafts to publish. `evaluateAlarms`
 * takes plant events from the bus, `tickAlarms` lets time pass (delays, absence, downtime,
 * shelve expiry), `commandAlarms` applies operator commands. Time only comes in as event
 * timestamps and `now` arguments, so a replay through the same steps gives the same drafts.
 */
import type { JsonObject, JsonValue } from '../../events/event';
import { PRIORITY_RANK } from '../../events/event';
import { matchesPattern } from '../../events/patterns';
import { decideAlarm } from './decide';
import type { AlarmCause, AlarmInput } from './decide';
import { initialAlarmState } from './lifecycle';
import type { AlarmState, EventDraft } from './lifecycle';
import { elapse, initialMonitor, observe, watchedType } from './monitors';
import type { ConditionChange, MonitoredEvent, MonitorState, MonitorStep } from './monitors';
import { alarmIdOf, DEFAULT_MAX_SHELVE_MS, parseAlarmId, ruleWatches } from './rules';
import type { AlarmRule } from './rules';
import { validateAlarmRules } from './validateRule';
import { planOf } from './rulePlan';

export interface AlarmEngineState {
  rules: AlarmRule[];
  /** The site's longest shelving; a rule's `maxShelveMs` can only shorten it. */
  maxShelveMs: number;
  /** Keyed by alarm id (`${ruleId}:${equipmentId}`). */
  monitors: Record<string, MonitorState>;
  alarms: Record<string, AlarmState>;
  /** The latest event time or tick seen, or null. */
  clock: number | null;
}

export interface AlarmEngineStep {
  state: AlarmEngineState;
  drafts: EventDraft[];
}

export function createAlarmEngine(rules: readonly AlarmRule[], options: { maxShelveMs?: number } = {}): AlarmEngineState {
  return { rules: validateAlarmRules(rules), maxShelveMs: options.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS, monitors: {}, alarms: {}, clock: null };
}

/** Feeds one plant event to every enabled rule watching its equipment. `alarm.*` events are ignored (no feedback). */
export function evaluateAlarms(state: AlarmEngineState, event: MonitoredEvent): AlarmEngineStep {
  return evaluateAlarmsInOrder(state, [event]);
}

/**
 * The same as `evaluateAlarms` on each event in turn, with the drafts in the same order, but
 * the monitors and alarms are copied once for the lot: copying them per event was most of
 * the engine's time at thousands of events a second (the copy grows with rules × equipment).
 */
export function evaluateAlarmsInOrder(state: AlarmEngineState, events: readonly MonitoredEvent[]): AlarmEngineStep {
  const work = new Work(state);
  for (const event of events) evaluateInto(work, event);
  return work.done();
}

function evaluateInto(work: Work, event: MonitoredEvent): void {
  const equipmentId = equipmentOf(event.payload);
  if (equipmentId === null || event.type.startsWith('alarm.') || !Number.isFinite(event.timestamp)) return;
  const plan = planOf(work.rules);
  const payload = event.payload as JsonObject;
  for (const rule of plan.rulesFor(event.type)) {
    if (!rule.enabled || !ruleWatches(rule, equipmentId)) continue;
    // A threshold rule reads one field: an event without a number there leaves its monitor as it was.
    if (rule.kind === 'threshold' && !isFiniteNumber(payload[rule.field])) continue;
    const id = plan.alarmId(rule, equipmentId);
    // Absence is timed from the first event of any type the equipment sends.
    if (!work.monitors[id] && rule.kind === 'absence') work.setMonitor(id, initialMonitor(rule, event.timestamp));
    if (!matchesPattern(watchedType(rule), event.type)) continue;
    const monitor = work.monitors[id] ?? initialMonitor(rule, event.timestamp);
    work.step(rule, equipmentId, id, monitor, observe(rule, monitor, event));
  }
  work.clock(event.timestamp);
}

/**
 * Lets time pass to `now`: delays end, windows slide, absence and downtime rules fire, shelving
 * expires. With `absence: false` absence is not judged at this tick (the history it is judged
 * from is not complete yet: a station catching up the plant history).
 */
export function tickAlarms(state: AlarmEngineState, now: number, options: { absence?: boolean } = {}): AlarmEngineStep {
  const work = new Work(state);
  const rules = new Map(state.rules.map((rule) => [rule.id, rule]));
  const judgeAbsence = options.absence ?? true;
  // Equipment named by an absence rule that no rule change dated is watched from the first tick, even before it is ever heard.
  for (const rule of state.rules) {
    if (rule.kind !== 'absence' || !rule.enabled || !judgeAbsence) continue;
    for (const equipmentId of rule.equipment ?? []) {
      const id = alarmIdOf(rule.id, equipmentId);
      if (!state.monitors[id]) work.setMonitor(id, initialMonitor(rule, now));
    }
  }
  for (const [id, monitor] of Object.entries(work.monitors)) {
    const parsed = parseAlarmId(id);
    const rule = parsed && rules.get(parsed.ruleId);
    if (!parsed || !rule || !rule.enabled || (!judgeAbsence && rule.kind === 'absence')) continue;
    work.step(rule, parsed.equipmentId, id, monitor, elapse(rule, monitor, now));
  }
  for (const alarm of Object.values(state.alarms)) {
    if (alarm.state !== 'SHELVED' || alarm.shelved === null || now < alarm.shelved.until) continue;
    const conditionActive = work.monitors[alarm.alarmId]?.active ?? false;
    // Dated when the shelve ran out (a time every station has from the shelve event), not at this tick.
    work.decide(work.alarms[alarm.alarmId] ?? alarm, { kind: 'expireShelve', conditionActive }, alarm.shelved.until, {});
  }
  work.clock(now);
  return work.done();
}

/**
 * The console (or the source feeding it) is back after a stop at `now`. Its downtime is not
 * the plant's silence: absence monitors not already in alarm start counting again from
 * `now`, so a restart does not raise "no telemetry" for every equipment at once.
 */
export function resumeAlarms(state: AlarmEngineState, now: number): AlarmEngineState {
  const work = new Work(state);
  for (const [id, monitor] of Object.entries(state.monitors)) {
    if (monitor.kind === 'absence' && !monitor.active && monitor.lastSeen < now) work.setMonitor(id, { ...monitor, lastSeen: now });
  }
  return work.done().state;
}

/**
 * Replaces the rule set (validated; throws EventValidationError naming `rules[i].field`).
 * Monitors of rules removed, disabled or changed are dropped; an active condition of
 * theirs is cleared first, so no alarm stays active on a rule that no longer watches it.
 */
export function setAlarmRules(state: AlarmEngineState, candidate: unknown, now: number): AlarmEngineStep {
  const rules = validateAlarmRules(candidate);
  const kept = new Map(rules.filter((rule) => rule.enabled).map((rule) => [rule.id, JSON.stringify(rule)]));
  const old = new Map(state.rules.map((rule) => [rule.id, rule]));
  const work = new Work({ ...state, rules });
  for (const [id, monitor] of Object.entries(state.monitors)) {
    const parsed = parseAlarmId(id);
    const rule = parsed && old.get(parsed.ruleId);
    if (parsed && rule && kept.get(rule.id) === JSON.stringify(rule)) continue;
    if (monitor.active && parsed && rule) {
      work.apply(rule, parsed.equipmentId, id, { active: false, value: null, limit: null, at: now, cause: null });
    }
    work.deleteMonitor(id);
  }
  // Equipment named by a new or changed absence rule is watched from the rule change: a time
  // in the shared history, so every station counts its silence from the same moment.
  for (const rule of rules) {
    if (rule.kind !== 'absence' || !rule.enabled || JSON.stringify(old.get(rule.id)) === kept.get(rule.id)) continue;
    for (const equipmentId of rule.equipment ?? []) {
      const id = alarmIdOf(rule.id, equipmentId);
      if (!work.monitors[id]) work.setMonitor(id, initialMonitor(rule, now));
    }
  }
  return work.done();
}

/** The alarms not in NORMAL, highest priority first, then the most recent first. */
export function listActiveAlarms(state: AlarmEngineState): AlarmState[] {
  return Object.values(state.alarms)
    .filter((alarm) => alarm.state !== 'NORMAL')
    .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || (b.since ?? 0) - (a.since ?? 0) || (a.alarmId < b.alarmId ? -1 : 1));
}

/** The alarm of a rule on an equipment, as the engine starts it before its first transition. */
export function alarmFromRule(rule: AlarmRule, equipmentId: string): AlarmState {
  return initialAlarmState({ alarmId: alarmIdOf(rule.id, equipmentId), ruleId: rule.id, ruleKind: rule.kind, ruleName: rule.name, equipmentId, priority: rule.priority });
}

/** A state being built from another: records are copied once, on first write. */
export class Work {
  readonly rules: readonly AlarmRule[];
  monitors: Record<string, MonitorState>;
  alarms: Record<string, AlarmState>;
  readonly drafts: EventDraft[] = [];
  private latest: number | null;
  private copied = { monitors: false, alarms: false };

  constructor(private readonly base: AlarmEngineState) {
    this.rules = base.rules;
    this.monitors = base.monitors;
    this.alarms = base.alarms;
    this.latest = base.clock;
  }

  setMonitor(id: string, monitor: MonitorState): void {
    if (!this.copied.monitors) this.monitors = { ...this.monitors };
    this.copied.monitors = true;
    this.monitors[id] = monitor;
  }

  deleteMonitor(id: string): void {
    if (!this.copied.monitors) this.monitors = { ...this.monitors };
    this.copied.monitors = true;
    delete this.monitors[id];
  }

  step(rule: AlarmRule, equipmentId: string, id: string, before: MonitorState | undefined, step: MonitorStep): void {
    if (step.monitor !== before) this.setMonitor(id, step.monitor);
    if (step.change) this.apply(rule, equipmentId, id, step.change);
  }

  /** Tells the alarm about a condition change, with the rule's current name and priority. */
  apply(rule: AlarmRule, equipmentId: string, id: string, change: ConditionChange): void {
    const alarm = { ...(this.alarms[id] ?? alarmFromRule(rule, equipmentId)), priority: rule.priority, ruleName: rule.name };
    const condition: AlarmInput = { kind: 'condition', active: change.active, value: change.value, limit: change.limit };
    this.decide(alarm, condition, change.at, change.cause ?? {});
  }

  /** Runs the life cycle; keeps the new state only when a transition happened. Throws AlarmCommandError on refusal. */
  decide(alarm: AlarmState, input: AlarmInput, now: number, cause: AlarmCause): void {
    const decision = decideAlarm(alarm, input, now, cause);
    if (decision.events.length === 0) return;
    if (!this.copied.alarms) this.alarms = { ...this.alarms };
    this.copied.alarms = true;
    this.alarms[alarm.alarmId] = decision.state;
    this.drafts.push(...decision.events);
  }

  clock(at: number): void {
    this.latest = this.latest === null ? at : Math.max(this.latest, at);
  }

  done(): AlarmEngineStep {
    const changed = this.copied.monitors || this.copied.alarms || this.latest !== this.base.clock;
    const state = changed ? { ...this.base, monitors: this.monitors, alarms: this.alarms, clock: this.latest } : this.base;
    return { state, drafts: this.drafts };
  }
}

function isFiniteNumber(value: JsonValue | undefined): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function equipmentOf(payload: JsonValue): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const id = payload.equipmentId;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
