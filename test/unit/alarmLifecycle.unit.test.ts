import { describe, expect, it } from 'vitest';
import { AlarmCommandError, decideAlarm } from '../../shared/domain/alarms/decide';
import type { AlarmInput } from '../../shared/domain/alarms/decide';
import { ALARM_EVENT_TYPES, evolveAlarm, evolveAlarms, initialAlarmState, readAlarmPayload } from '../../shared/domain/alarms/lifecycle';
import type { AlarmState, EventDraft } from '../../shared/domain/alarms/lifecycle';
import { validatePublishInput, validateType } from '../../shared/events/validate';
import { deepFreeze } from '../support/deepFreeze';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const NEW = initialAlarmState({ alarmId: 'temp-high:press-1', ruleId: 'temp-high', ruleKind: 'threshold', ruleName: 'Temperature high', equipmentId: 'press-1', priority: 'HIGH' });

const on = (value = 91): AlarmInput => ({ kind: 'condition', active: true, value, limit: 85 });
const off = (value = 80): AlarmInput => ({ kind: 'condition', active: false, value, limit: 85 });
const ack = (note?: string): AlarmInput => (note === undefined ? { kind: 'acknowledge', user: 'ana' } : { kind: 'acknowledge', note, user: 'ana' });

/** Given the inputs applied one second apart from T0, the alarm state and every draft so far. */
function given(...inputs: AlarmInput[]): { state: AlarmState; drafts: EventDraft[]; when: (input: AlarmInput, at?: number) => { state: AlarmState; events: EventDraft[] } } {
  let state = NEW;
  const drafts: EventDraft[] = [];
  inputs.forEach((input, i) => {
    const decision = decideAlarm(state, input, T0 + i * 1000, { causationId: `cause-${i}` });
    state = decision.state;
    drafts.push(...decision.events);
  });
  const frozen = deepFreeze(state);
  return { state: frozen, drafts, when: (input, at = T0 + inputs.length * 1000) => decideAlarm(frozen, input, at, { causationId: 'cause-now', correlationId: 'corr-now' }) };
}

const types = (events: EventDraft[]): string[] => events.map((event) => event.type);
const replay = (drafts: EventDraft[]): AlarmState | null => drafts.reduce<AlarmState | null>(evolveAlarm, null);

describe('alarm life cycle (ISA-18.2)', () => {
  it('given NORMAL, when the condition becomes active, then alarm.raised moves it to ACTIVE_UNACK with value, limit and cause', () => {
    const { state, events } = given().when(on(91.5), T0);
    expect(types(events)).toEqual(['alarm.raised']);
    expect(events[0]).toMatchObject({
      timestamp: T0, priority: 'HIGH', causationId: 'cause-now', correlationId: 'corr-now',
      payload: { alarmId: 'temp-high:press-1', ruleId: 'temp-high', ruleKind: 'threshold', equipmentId: 'press-1', priority: 'HIGH', stateBefore: 'NORMAL', stateAfter: 'ACTIVE_UNACK', value: 91.5, limit: 85, raisedAt: T0 },
    });
    expect(state).toMatchObject({ state: 'ACTIVE_UNACK', since: T0, raisedAt: T0, value: 91.5, limit: 85 });
  });

  it('given NORMAL or ACTIVE, when the condition repeats itself, then nothing happens', () => {
    expect(given().when(off()).events).toEqual([]);
    expect(given(on()).when(on(99)).events).toEqual([]);
    expect(given(on(), ack()).when(on(99)).events).toEqual([]);
    expect(given(on(), off()).when(off()).events).toEqual([]);
  });

  it('given ACTIVE_UNACK, when acknowledged with a note, then ACTIVE_ACK records who and why', () => {
    const { state, events } = given(on()).when(ack('checking the cooler'), T0 + 5000);
    expect(types(events)).toEqual(['alarm.acknowledged']);
    expect(events[0]?.payload).toMatchObject({ stateBefore: 'ACTIVE_UNACK', stateAfter: 'ACTIVE_ACK', note: 'checking the cooler', user: 'ana' });
    expect(state).toMatchObject({ state: 'ACTIVE_ACK', acknowledged: { by: 'ana', note: 'checking the cooler', at: T0 + 5000 }, raisedAt: T0 });
  });

  it('given ACTIVE_UNACK, when the condition clears, then alarm.cleared moves it to RTN_UNACK, keeping the episode', () => {
    const { state, events } = given(on()).when(off(82));
    expect(types(events)).toEqual(['alarm.cleared']);
    expect(state).toMatchObject({ state: 'RTN_UNACK', raisedAt: T0, value: 82 });
  });

  it('given RTN_UNACK, when acknowledged, then it is NORMAL: alarm.acknowledged then alarm.normalized with the episode length', () => {
    const { state, events } = given(on(), off()).when(ack('ok'), T0 + 60_000);
    expect(types(events)).toEqual(['alarm.acknowledged', 'alarm.normalized']);
    expect(events[0]?.payload).toMatchObject({ stateBefore: 'RTN_UNACK', stateAfter: 'NORMAL', note: 'ok' });
    expect(events[1]?.payload).toMatchObject({ stateBefore: 'RTN_UNACK', stateAfter: 'NORMAL', episodeRaisedAt: T0, durationMs: 60_000, raisedAt: null });
    expect(state).toMatchObject({ state: 'NORMAL', raisedAt: null, acknowledged: null });
  });

  it('given ACTIVE_ACK, when the condition clears, then it is NORMAL: alarm.cleared then alarm.normalized', () => {
    const { state, events } = given(on(), ack()).when(off());
    expect(types(events)).toEqual(['alarm.cleared', 'alarm.normalized']);
    expect(events[1]?.payload).toMatchObject({ stateBefore: 'ACTIVE_ACK', stateAfter: 'NORMAL', durationMs: 2000 });
    expect(state.state).toBe('NORMAL');
  });

  it('given RTN_UNACK, when the condition comes back, then it is raised again (a new activation)', () => {
    const { state, events } = given(on(), off()).when(on(95), T0 + 9000);
    expect(types(events)).toEqual(['alarm.raised']);
    expect(state).toMatchObject({ state: 'ACTIVE_UNACK', raisedAt: T0 + 9000, value: 95 });
  });

  it('given an active alarm, when shelved with a reason, then SHELVED until now + duration, and conditions are not annunciated', () => {
    const shelve: AlarmInput = { kind: 'shelve', reason: 'sensor replaced', durationMs: HOUR, user: 'bo' };
    const { state, events } = given(on()).when(shelve, T0 + 1000);
    expect(types(events)).toEqual(['alarm.shelved']);
    expect(events[0]?.payload).toMatchObject({ reason: 'sensor replaced', until: T0 + 1000 + HOUR, durationMs: HOUR, user: 'bo', stateAfter: 'SHELVED' });
    expect(state).toMatchObject({ state: 'SHELVED', shelved: { reason: 'sensor replaced', until: T0 + 1000 + HOUR, by: 'bo', at: T0 + 1000 } });
    const shelved = given(on(), shelve);
    expect(shelved.when(off()).events).toEqual([]);
    expect(shelved.when(on()).events).toEqual([]);
  });

  it('given SHELVED, when unshelved or when the shelving expires, then it comes back ACTIVE_UNACK if active, NORMAL if not', () => {
    const shelved = given(on(), ack(), { kind: 'shelve', reason: 'noisy', durationMs: HOUR });
    const back = shelved.when({ kind: 'unshelve', conditionActive: true, user: 'bo' });
    expect(types(back.events)).toEqual(['alarm.unshelved']);
    expect(back.state).toMatchObject({ state: 'ACTIVE_UNACK', shelved: null, acknowledged: null, raisedAt: T0 });
    expect(shelved.when({ kind: 'unshelve', conditionActive: false }).state).toMatchObject({ state: 'NORMAL', raisedAt: null });
    const expired = shelved.when({ kind: 'expireShelve', conditionActive: true }, T0 + 2000 + HOUR);
    expect(types(expired.events)).toEqual(['alarm.shelve.expired']);
    expect(expired.state.state).toBe('ACTIVE_UNACK');
  });

  it('given NORMAL, when suppressed and later unsuppressed, then SUPPRESSED with its reason, then back by the condition', () => {
    const suppressed = given().when({ kind: 'suppress', reason: 'line stopped by design' });
    expect(types(suppressed.events)).toEqual(['alarm.suppressed']);
    expect(suppressed.state).toMatchObject({ state: 'SUPPRESSED', reason: 'line stopped by design' });
    const { state, events } = given({ kind: 'suppress', reason: 'x' }, on()).when({ kind: 'unsuppress', conditionActive: true });
    expect(types(events)).toEqual(['alarm.unsuppressed']);
    expect(state).toMatchObject({ state: 'ACTIVE_UNACK', reason: null, raisedAt: T0 + 2000 });
  });

  it('given SHELVED, when removed from service and returned, then OUT_OF_SERVICE drops the shelving, and returns NORMAL', () => {
    const removed = given(on(), { kind: 'shelve', reason: 'r', durationMs: 1000 }).when({ kind: 'removeFromService', reason: 'sensor out' });
    expect(types(removed.events)).toEqual(['alarm.removed-from-service']);
    expect(removed.state).toMatchObject({ state: 'OUT_OF_SERVICE', shelved: null, reason: 'sensor out' });
    const back = given({ kind: 'removeFromService' }).when({ kind: 'returnToService', conditionActive: false });
    expect(types(back.events)).toEqual(['alarm.returned-to-service']);
    expect(back.state).toMatchObject({ state: 'NORMAL', reason: null });
  });

  const REFUSALS: [string, AlarmInput[], AlarmInput, string][] = [
    ['acknowledge a NORMAL alarm', [], ack(), 'nothing to acknowledge'],
    ['acknowledge twice', [on(), ack()], ack(), 'already acknowledged'],
    ['acknowledge a SHELVED alarm', [on(), { kind: 'shelve', reason: 'r', durationMs: 1000 }], ack(), 'not annunciated'],
    ['acknowledge with an empty note', [on()], ack(''), 'note must be a non-empty string'],
    ['shelve without a reason', [on()], { kind: 'shelve', reason: ' ', durationMs: 1000 }, 'a reason is required'],
    ['shelve beyond the default 8 h', [on()], { kind: 'shelve', reason: 'r', durationMs: 8 * HOUR + 1 }, 'exceeds the maximum shelving time of 28800000'],
    ['shelve beyond a given maximum', [on()], { kind: 'shelve', reason: 'r', durationMs: HOUR, maxShelveMs: HOUR - 1 }, 'exceeds the maximum'],
    ['shelve for no time', [on()], { kind: 'shelve', reason: 'r', durationMs: 0 }, 'positive whole number'],
    ['shelve a SHELVED alarm', [{ kind: 'shelve', reason: 'r', durationMs: 1000 }], { kind: 'shelve', reason: 'r', durationMs: 1000 }, 'is SHELVED'],
    ['shelve an OUT_OF_SERVICE alarm', [{ kind: 'removeFromService' }], { kind: 'shelve', reason: 'r', durationMs: 1000 }, 'is OUT_OF_SERVICE'],
    ['unshelve an alarm not shelved', [on()], { kind: 'unshelve', conditionActive: true }, 'not SHELVED'],
    ['expire a shelving early', [{ kind: 'shelve', reason: 'r', durationMs: HOUR }], { kind: 'expireShelve', conditionActive: false }, 'not expired'],
    ['suppress a SHELVED alarm', [{ kind: 'shelve', reason: 'r', durationMs: 1000 }], { kind: 'suppress' }, 'unshelve it first'],
    ['suppress twice', [{ kind: 'suppress' }], { kind: 'suppress' }, 'already SUPPRESSED'],
    ['unsuppress an alarm not suppressed', [], { kind: 'unsuppress', conditionActive: false }, 'not SUPPRESSED'],
    ['suppress an OUT_OF_SERVICE alarm', [{ kind: 'removeFromService' }], { kind: 'suppress' }, 'already OUT_OF_SERVICE'],
    ['remove from service twice', [{ kind: 'removeFromService' }], { kind: 'removeFromService' }, 'already OUT_OF_SERVICE'],
    ['return to service an alarm in service', [on()], { kind: 'returnToService', conditionActive: true }, 'not OUT_OF_SERVICE'],
  ];

  it.each(REFUSALS)('when asked to %s, then it is refused with a clear reason and nothing changes', (_what, history, input, why) => {
    const { when, state } = given(...history);
    let error: unknown;
    try {
      when(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AlarmCommandError);
    expect((error as AlarmCommandError).message).toContain(`temp-high:press-1: cannot ${input.kind}: `);
    expect((error as AlarmCommandError).message).toContain(why);
    // The state is deeply frozen, so a mutation would have thrown a TypeError instead; it still equals a fresh fold.
    expect(state).toEqual(given(...history).state);
  });

  it('every alarm event type is a valid past-tense event type, and every draft is a valid publish input', () => {
    for (const type of Object.values(ALARM_EVENT_TYPES)) expect(validateType(type)).toBe(type);
    const { drafts } = given(on(), ack('n'), off(), on(), { kind: 'shelve', reason: 'r', durationMs: 1000 }, { kind: 'expireShelve', conditionActive: true },
      { kind: 'suppress', reason: 's' }, { kind: 'unsuppress', conditionActive: false }, { kind: 'removeFromService' }, { kind: 'returnToService', conditionActive: true }, off(), ack());
    expect(new Set(types(drafts))).toEqual(new Set(Object.values(ALARM_EVENT_TYPES).filter((type) => type !== 'alarm.unshelved')));
    for (const draft of drafts) expect(() => validatePublishInput(draft)).not.toThrow();
  });

  it('given the drafts of a long history, when they are replayed with evolveAlarm, then the state is the one decide reached', () => {
    const history: AlarmInput[] = [on(), off(), on(), ack('a'), { kind: 'shelve', reason: 'r', durationMs: 500 }, { kind: 'expireShelve', conditionActive: true },
      ack(), off(), on(), { kind: 'suppress', reason: 's' }, { kind: 'unsuppress', conditionActive: true }, { kind: 'removeFromService', reason: 'x' },
      { kind: 'returnToService', conditionActive: true }, off(), ack('done')];
    for (let n = 1; n <= history.length; n += 1) {
      const { state, drafts } = given(...history.slice(0, n));
      expect(replay(drafts)).toEqual(state);
      expect(replay(JSON.parse(JSON.stringify(drafts)) as EventDraft[])).toEqual(state);
    }
  });

  it('evolveAlarm ignores other events, other alarms and malformed payloads (same object back)', () => {
    const { state, drafts } = given(on());
    expect(evolveAlarm(state, { type: 'equipment.status.changed', timestamp: T0, payload: { equipmentId: 'press-1' } })).toBe(state);
    expect(evolveAlarm(state, { ...(drafts[0] as EventDraft), payload: { ...(drafts[0] as EventDraft).payload, alarmId: 'other:press-1' } })).toBe(state);
    expect(evolveAlarm(state, { type: 'alarm.raised', timestamp: T0, payload: { alarmId: 'temp-high:press-1', stateAfter: 'BOGUS' } })).toBe(state);
    expect(readAlarmPayload([1, 2])).toBeNull();
    const alarms = evolveAlarms({}, drafts[0] as EventDraft);
    expect(alarms['temp-high:press-1']).toEqual(state);
    expect(evolveAlarms(alarms, { type: 'production.order.started', timestamp: T0, payload: {} })).toBe(alarms);
  });
});
