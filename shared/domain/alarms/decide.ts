/**
 * The ISA-18.2 transitions of one alarm, as a pure decision: given the alarm's state, a
 * process condition or an operator command, and the time, it returns the `alarm.*` event
 * drafts and the state they lead to (the drafts folded with `evolveAlarm`, so replaying
 * them always gives the same state). A command the state does not allow throws
 * AlarmCommandError; a condition never throws (an unchanged condition yields no event).
 */
import type { JsonObject } from '../../events/event';
import { ALARM_EVENT_TYPES, evolveAlarm } from './lifecycle';
import type { AlarmEventType, AlarmState, AlarmStateName, EventDraft } from './lifecycle';
import { DEFAULT_MAX_SHELVE_MS } from './rules';

/** The process condition behind the alarm, as a monitor sees it. */
export interface AlarmCondition {
  kind: 'condition';
  active: boolean;
  value?: number | null;
  limit?: number | null;
}

/**
 * Operator commands. Leaving SHELVED, SUPPRESSED or OUT_OF_SERVICE needs `conditionActive`,
 * whether the condition is active at that moment (the alarm then comes back ACTIVE_UNACK).
 */
export type AlarmCommandInput =
  | { kind: 'acknowledge'; note?: string; user?: string }
  | { kind: 'shelve'; reason: string; durationMs: number; user?: string; maxShelveMs?: number }
  | { kind: 'unshelve'; conditionActive: boolean; user?: string }
  | { kind: 'expireShelve'; conditionActive: boolean }
  | { kind: 'suppress'; reason?: string; user?: string }
  | { kind: 'unsuppress'; conditionActive: boolean; user?: string }
  | { kind: 'removeFromService'; reason?: string; user?: string }
  | { kind: 'returnToService'; conditionActive: boolean; user?: string };

export type AlarmInput = AlarmCondition | AlarmCommandInput;

/** Where a transition came from: the plant event (or command) id and its correlation id. */
export interface AlarmCause {
  causationId?: string;
  correlationId?: string;
}

export interface AlarmDecision {
  state: AlarmState;
  events: EventDraft[];
}

/** A command refused: its message says which alarm, which command and why. */
export class AlarmCommandError extends Error {
  override name = 'AlarmCommandError';
  constructor(readonly alarmId: string, readonly command: string, readonly why: string) {
    super(`${alarmId}: cannot ${command}: ${why}`);
  }
}

const MAX_TEXT = 1000;
const NOT_ANNUNCIATED: ReadonlySet<AlarmStateName> = new Set(['SHELVED', 'SUPPRESSED', 'OUT_OF_SERVICE']);

export function decideAlarm(alarm: AlarmState, input: AlarmInput, now: number, cause: AlarmCause = {}): AlarmDecision {
  const refuse = (why: string): never => {
    throw new AlarmCommandError(alarm.alarmId, input.kind, why);
  };
  const out = new Transitions(alarm, now, cause);
  const s = alarm.state;
  switch (input.kind) {
    case 'condition': {
      const reading = { value: input.value ?? null, limit: input.limit ?? null };
      if (input.active && (s === 'NORMAL' || s === 'RTN_UNACK')) out.add(ALARM_EVENT_TYPES.raised, 'ACTIVE_UNACK', {}, { raisedAt: now, ...reading });
      if (!input.active && s === 'ACTIVE_UNACK') out.add(ALARM_EVENT_TYPES.cleared, 'RTN_UNACK', {}, reading);
      if (!input.active && s === 'ACTIVE_ACK') out.add(ALARM_EVENT_TYPES.cleared, 'NORMAL', {}, { raisedAt: null, ...reading }).normalize();
      break;
    }
    case 'acknowledge': {
      if (s !== 'ACTIVE_UNACK' && s !== 'RTN_UNACK') refuse(ackRefusal(s));
      const extra = texts({ note: input.note, user: input.user }, refuse);
      if (s === 'ACTIVE_UNACK') out.add(ALARM_EVENT_TYPES.acknowledged, 'ACTIVE_ACK', extra);
      else out.add(ALARM_EVENT_TYPES.acknowledged, 'NORMAL', extra, { raisedAt: null }).normalize();
      break;
    }
    case 'shelve': {
      if (NOT_ANNUNCIATED.has(s)) refuse(`the alarm is ${s}`);
      const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
      if (reason.length === 0) refuse('a reason is required');
      const max = input.maxShelveMs ?? DEFAULT_MAX_SHELVE_MS;
      const duration = input.durationMs;
      if (typeof duration !== 'number' || !Number.isInteger(duration) || duration <= 0) refuse('durationMs must be a positive whole number of milliseconds');
      if (duration > max) refuse(`durationMs ${duration} exceeds the maximum shelving time of ${max} ms`);
      const extra = texts({ reason, user: input.user }, refuse);
      out.add(ALARM_EVENT_TYPES.shelved, 'SHELVED', { ...extra, until: now + duration, durationMs: duration });
      break;
    }
    case 'unshelve':
    case 'expireShelve': {
      if (s !== 'SHELVED') refuse(`the alarm is ${s}, not SHELVED`);
      if (input.kind === 'expireShelve' && (alarm.shelved === null || now < alarm.shelved.until)) refuse('the shelving has not expired yet');
      const type = input.kind === 'unshelve' ? ALARM_EVENT_TYPES.unshelved : ALARM_EVENT_TYPES.shelveExpired;
      out.comeBack(type, input.conditionActive, input.kind === 'unshelve' ? texts({ user: input.user }, refuse) : {});
      break;
    }
    case 'suppress':
    case 'removeFromService': {
      const target: AlarmStateName = input.kind === 'suppress' ? 'SUPPRESSED' : 'OUT_OF_SERVICE';
      if (s === 'OUT_OF_SERVICE' || s === target) refuse(`the alarm is already ${s}`);
      if (input.kind === 'suppress' && s === 'SHELVED') refuse('the alarm is SHELVED: unshelve it first');
      const type = input.kind === 'suppress' ? ALARM_EVENT_TYPES.suppressed : ALARM_EVENT_TYPES.removedFromService;
      out.add(type, target, texts({ reason: input.reason, user: input.user }, refuse));
      break;
    }
    case 'unsuppress':
    case 'returnToService': {
      const from: AlarmStateName = input.kind === 'unsuppress' ? 'SUPPRESSED' : 'OUT_OF_SERVICE';
      if (s !== from) refuse(`the alarm is ${s}, not ${from}`);
      const type = input.kind === 'unsuppress' ? ALARM_EVENT_TYPES.unsuppressed : ALARM_EVENT_TYPES.returnedToService;
      out.comeBack(type, input.conditionActive, texts({ user: input.user }, refuse));
      break;
    }
    default:
      refuse('unknown command');
  }
  return { state: out.state, events: out.events };
}

function ackRefusal(state: AlarmStateName): string {
  if (state === 'NORMAL') return 'the alarm is NORMAL: there is nothing to acknowledge';
  if (state === 'ACTIVE_ACK') return 'the alarm is already acknowledged';
  return `the alarm is ${state} and not annunciated`;
}

/** Copies the optional texts that are given, refusing empty or over-long ones. */
function texts(fields: Record<string, string | undefined>, refuse: (why: string) => never): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim().length === 0) refuse(`${key} must be a non-empty string when given`);
    if (value.length > MAX_TEXT) refuse(`${key} must be at most ${MAX_TEXT} characters`);
    out[key] = value;
  }
  return out;
}

/** Collects drafts and folds each into the state as it goes. */
class Transitions {
  state: AlarmState;
  readonly events: EventDraft[] = [];
  /** The state before the latest transition, and when its episode was raised. */
  private before: AlarmState;

  constructor(alarm: AlarmState, private readonly now: number, private readonly cause: AlarmCause) {
    this.state = alarm;
    this.before = alarm;
  }

  add(type: AlarmEventType, stateAfter: AlarmStateName, extra: JsonObject, changes: Partial<Pick<AlarmState, 'raisedAt' | 'value' | 'limit'>> = {}): this {
    const a = this.state;
    const payload: JsonObject = {
      alarmId: a.alarmId, ruleId: a.ruleId, ruleKind: a.ruleKind, ruleName: a.ruleName, equipmentId: a.equipmentId, priority: a.priority,
      stateBefore: a.state, stateAfter,
      raisedAt: changes.raisedAt !== undefined ? changes.raisedAt : a.raisedAt,
      value: changes.value !== undefined ? changes.value : a.value,
      limit: changes.limit !== undefined ? changes.limit : a.limit,
      ...extra,
    };
    const draft: EventDraft = { type, timestamp: this.now, priority: a.priority, payload };
    if (this.cause.correlationId !== undefined) draft.correlationId = this.cause.correlationId;
    if (this.cause.causationId !== undefined) draft.causationId = this.cause.causationId;
    this.events.push(draft);
    this.before = a;
    this.state = evolveAlarm(a, draft) ?? a;
    return this;
  }

  /** Closes the episode the latest transition ended: `alarm.normalized`, with how long it lasted. */
  normalize(): this {
    const raisedAt = this.before.raisedAt;
    const stateBefore = this.before.state;
    const episode: JsonObject = raisedAt === null ? {} : { episodeRaisedAt: raisedAt, durationMs: this.now - raisedAt };
    this.state = { ...this.state, state: stateBefore };
    return this.add(ALARM_EVENT_TYPES.normalized, 'NORMAL', episode);
  }

  /** Leaves SHELVED, SUPPRESSED or OUT_OF_SERVICE: ACTIVE_UNACK when the condition is active, else NORMAL. */
  comeBack(type: AlarmEventType, conditionActive: boolean, extra: JsonObject): this {
    if (!conditionActive) return this.add(type, 'NORMAL', extra, { raisedAt: null });
    return this.add(type, 'ACTIVE_UNACK', extra, { raisedAt: this.state.raisedAt ?? this.now });
  }
}
