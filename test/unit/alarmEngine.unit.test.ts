import { describe, expect, it } from 'vitest';
import { commandAlarms } from '../../shared/domain/alarms/commands';
import type { AlarmEngineCommand } from '../../shared/domain/alarms/commands';
import { createAlarmEngine, evaluateAlarms, evaluateAlarmsInOrder, listActiveAlarms, setAlarmRules, tickAlarms } from '../../shared/domain/alarms/engine';
import type { AlarmEngineState } from '../../shared/domain/alarms/engine';
import { evolveAlarms } from '../../shared/domain/alarms/lifecycle';
import type { EventDraft } from '../../shared/domain/alarms/lifecycle';
import type { MonitoredEvent } from '../../shared/domain/alarms/monitors';
import { DEFAULT_ALARM_RULES } from '../../shared/domain/alarms/rules';
import { validateAlarmRule } from '../../shared/domain/alarms/validateRule';
import type { AlarmRule } from '../../shared/domain/alarms/rules';
import type { JsonObject } from '../../shared/events/event';
import { EventValidationError, validatePublishInput } from '../../shared/events/validate';

const T0 = 1_700_000_000_000;
const S = 1000;
const MIN = 60 * S;
let ids = 0;

const rule = (candidate: Record<string, unknown>): AlarmRule => validateAlarmRule({ enabled: true, priority: 'HIGH', ...candidate });
const TEMP = rule({ id: 'temp', name: 'Temp high', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 85, deadband: 2, onDelayMs: 5 * S, offDelayMs: 10 * S });
const LOW_SPEED = rule({ id: 'slow', name: 'Speed low', priority: 'LOW', kind: 'threshold', field: 'speed', comparator: 'below', limit: 100, deadband: 10, equipment: ['press-1'] });
const OOS = rule({ id: 'oos', name: 'Out of spec', kind: 'outOfSpec' });
const CHECKS = rule({ id: 'checks', name: '3 failed checks', kind: 'countInWindow', count: 3, windowMs: 10 * MIN });
const QUIET = rule({ id: 'quiet', name: 'No telemetry', kind: 'absence', timeoutMs: MIN });
const DOWN = rule({ id: 'down', name: 'Down too long', priority: 'CRITICAL', kind: 'downTooLong', durationMs: 15 * MIN });

function event(type: string, at: number, payload: JsonObject, correlationId?: string): MonitoredEvent {
  ids += 1;
  const made: MonitoredEvent = { id: `evt-${ids}`, type, timestamp: at, payload: { equipmentId: 'press-1', ...payload } };
  return correlationId === undefined ? made : { ...made, correlationId };
}
const telemetry = (at: number, readings: JsonObject) => event('equipment.telemetry.recorded', at, readings);

/** An engine driven through steps, keeping every draft it emitted. */
class Plant {
  state: AlarmEngineState;
  readonly drafts: EventDraft[] = [];
  constructor(rules: AlarmRule[], options: { maxShelveMs?: number } = {}) {
    this.state = createAlarmEngine(rules, options);
  }
  see(e: MonitoredEvent): EventDraft[] {
    return this.keep(evaluateAlarms(this.state, e));
  }
  tick(now: number): EventDraft[] {
    return this.keep(tickAlarms(this.state, now));
  }
  command(command: AlarmEngineCommand, now: number) {
    const result = commandAlarms(this.state, command, now);
    this.keep(result);
    return result;
  }
  alarm(id: string) {
    return this.state.alarms[id];
  }
  private keep(step: { state: AlarmEngineState; drafts: EventDraft[] }): EventDraft[] {
    this.state = step.state;
    this.drafts.push(...step.drafts);
    return step.drafts;
  }
}
const types = (drafts: EventDraft[]) => drafts.map((d) => d.type);

describe('alarm engine: threshold rules', () => {
  it('given a reading above the limit, when the on-delay has not passed, then nothing; when it passes, then raised, caused by the first reading', () => {
    const plant = new Plant([TEMP]);
    const first = telemetry(T0, { temperature: 90 });
    expect(plant.see(first)).toEqual([]);
    expect(plant.see(telemetry(T0 + 3 * S, { temperature: 91 }))).toEqual([]);
    expect(plant.tick(T0 + 4999)).toEqual([]);
    const raised = plant.tick(T0 + 5 * S);
    expect(types(raised)).toEqual(['alarm.raised']);
    expect(raised[0]).toMatchObject({ timestamp: T0 + 5 * S, causationId: first.id, correlationId: first.id, priority: 'HIGH', payload: { alarmId: 'temp:press-1', value: 91, limit: 85 } });
  });

  it('given a short excursion, when it ends before the on-delay, then no alarm at all', () => {
    const plant = new Plant([TEMP]);
    plant.see(telemetry(T0, { temperature: 90 }));
    plant.see(telemetry(T0 + 4 * S, { temperature: 80 }));
    expect(plant.tick(T0 + 60 * S)).toEqual([]);
    expect(plant.drafts).toEqual([]);
  });

  it('given a raised alarm, when the value falls inside the deadband, then it holds; beyond it for the off-delay, then cleared', () => {
    const plant = new Plant([TEMP]);
    plant.see(telemetry(T0, { temperature: 90 }));
    plant.tick(T0 + 5 * S);
    expect(plant.see(telemetry(T0 + 6 * S, { temperature: 84 }))).toEqual([]); // below 85 but above 83
    expect(plant.tick(T0 + 30 * S)).toEqual([]);
    plant.see(telemetry(T0 + 31 * S, { temperature: 82.9 }));
    expect(plant.tick(T0 + 40 * S)).toEqual([]);
    const cleared = plant.tick(T0 + 41 * S);
    expect(types(cleared)).toEqual(['alarm.cleared']);
    expect(cleared[0]?.payload).toMatchObject({ stateAfter: 'RTN_UNACK', value: 82.9 });
  });

  it('given a below rule without delays watching press-1, then it raises and clears on the reading itself, and ignores press-2 and other fields', () => {
    const plant = new Plant([LOW_SPEED]);
    expect(plant.see({ ...telemetry(T0, { speed: 50 }), payload: { equipmentId: 'press-2', speed: 50 } })).toEqual([]);
    expect(plant.see(telemetry(T0, { temperature: 50 }))).toEqual([]);
    expect(types(plant.see(telemetry(T0 + S, { speed: 99 })))).toEqual(['alarm.raised']);
    expect(plant.see(telemetry(T0 + 2 * S, { speed: 105 }))).toEqual([]); // inside limit + deadband
    expect(types(plant.see(telemetry(T0 + 3 * S, { speed: 110 })))).toEqual(['alarm.cleared']);
    expect(plant.drafts[0]?.priority).toBe('LOW');
  });

  it('given a disabled rule, then it never fires', () => {
    const plant = new Plant([{ ...LOW_SPEED, enabled: false }]);
    expect(plant.see(telemetry(T0, { speed: 1 }))).toEqual([]);
  });
});

describe('alarm engine: out of spec, count in window, absence, down too long', () => {
  const measurement = (at: number, parameter: string, value: number, extra: JsonObject = {}) =>
    event('quality.measurement.recorded', at, { parameter, value, lowerLimit: 10, upperLimit: 11, ...extra });

  it('given out-of-spec measurements of two parameters, then raised once, and cleared only when both are back in spec', () => {
    const plant = new Plant([OOS]);
    const raised = plant.see(measurement(T0, 'width', 11.4, { isWithinSpec: false }));
    expect(raised[0]).toMatchObject({ type: 'alarm.raised', payload: { value: 11.4, limit: 11 } });
    expect(plant.see(measurement(T0 + S, 'height', 9))).toEqual([]); // outside limits, no verdict given
    expect(plant.see(measurement(T0 + 2 * S, 'width', 10.5, { isWithinSpec: true }))).toEqual([]);
    expect(types(plant.see(measurement(T0 + 3 * S, 'height', 10.2)))).toEqual(['alarm.cleared']);
  });

  it('given a parameter filter, then other parameters are ignored', () => {
    const plant = new Plant([rule({ ...OOS, parameters: ['width'] })]);
    expect(plant.see(measurement(T0, 'height', 50))).toEqual([]);
    expect(types(plant.see(measurement(T0, 'width', 50)))).toEqual(['alarm.raised']);
  });

  it('given 3 failed checks within 10 minutes, then raised by the third; when the oldest leaves the window, then cleared', () => {
    const plant = new Plant([CHECKS]);
    plant.see(event('quality.check.failed', T0, {}));
    plant.see(event('quality.check.failed', T0 + 4 * MIN, {}));
    const third = event('quality.check.failed', T0 + 9 * MIN, {}, 'order-7');
    const raised = plant.see(third);
    expect(raised[0]).toMatchObject({ type: 'alarm.raised', causationId: third.id, correlationId: 'order-7', payload: { ruleKind: 'countInWindow', value: 3, limit: 3 } });
    expect(plant.tick(T0 + 10 * MIN - 1)).toEqual([]);
    const cleared = plant.tick(T0 + 10 * MIN);
    expect(cleared[0]).toMatchObject({ type: 'alarm.cleared', payload: { value: 2 } });
  });

  it('given failed checks spread wider than the window, then no alarm; other equipment counts separately', () => {
    const plant = new Plant([CHECKS]);
    plant.see(event('quality.check.failed', T0, {}));
    plant.see(event('quality.check.failed', T0 + 6 * MIN, {}));
    plant.see({ ...event('quality.check.failed', T0 + 7 * MIN, {}), payload: { equipmentId: 'press-2' } });
    expect(plant.see(event('quality.check.failed', T0 + 11 * MIN, {}))).toEqual([]);
  });

  it('given telemetry then silence, when 60 s pass, then raised with the silence; the next telemetry clears it', () => {
    const plant = new Plant([QUIET]);
    plant.see(telemetry(T0, { temperature: 70 }));
    expect(plant.tick(T0 + MIN - 1)).toEqual([]);
    expect(plant.tick(T0 + MIN)[0]).toMatchObject({ type: 'alarm.raised', payload: { value: MIN, limit: MIN } });
    const back = telemetry(T0 + 2 * MIN, { temperature: 70 });
    expect(plant.see(back)[0]).toMatchObject({ type: 'alarm.cleared', causationId: back.id });
  });

  it('given equipment heard only through status events, or named by the rule and never heard, then its silence is timed too', () => {
    const plant = new Plant([rule({ ...QUIET, equipment: ['press-1', 'press-9'] })]);
    plant.see(event('equipment.status.changed', T0, { newStatus: 'running' }));
    plant.tick(T0 + 30 * S);
    const raised = plant.tick(T0 + MIN);
    expect(raised.map((d) => d.payload.equipmentId)).toEqual(['press-1']);
    expect(plant.tick(T0 + 90 * S).map((d) => d.payload.equipmentId)).toEqual(['press-9']);
  });

  it('given equipment down, when 15 minutes pass, then nothing; just after, raised (caused by the down event); running again clears', () => {
    const plant = new Plant([DOWN]);
    const down = event('equipment.status.changed', T0, { newStatus: 'down', reason: 'jam' });
    plant.see(down);
    plant.see(event('equipment.status.changed', T0 + MIN, { newStatus: 'down', reason: 'still jammed' }));
    expect(plant.tick(T0 + 15 * MIN)).toEqual([]);
    expect(plant.tick(T0 + 15 * MIN + 1)[0]).toMatchObject({ type: 'alarm.raised', priority: 'CRITICAL', causationId: down.id, payload: { value: 15 * MIN + 1 } });
    expect(types(plant.see(event('equipment.status.changed', T0 + 20 * MIN, { newStatus: 'running' })))).toEqual(['alarm.cleared']);
  });

  it('ignores alarm.* events and events naming no equipment, returning the same state', () => {
    const plant = new Plant(DEFAULT_ALARM_RULES as AlarmRule[]);
    const before = plant.state;
    expect(evaluateAlarms(before, { id: 'a', type: 'alarm.raised', timestamp: T0, payload: { equipmentId: 'press-1' } }).state).toBe(before);
    expect(evaluateAlarms(before, { id: 'b', type: 'quality.check.failed', timestamp: T0, payload: { line: 'l1' } }).state).toBe(before);
    expect(evaluateAlarms(before, { id: 'c', type: 'quality.check.failed', timestamp: T0, payload: 'text' }).state).toBe(before);
  });

  it('given a run of events, when evaluated together, then the drafts and the state are those of one event at a time, and the state before is untouched', () => {
    const rules = [TEMP, LOW_SPEED, OOS, CHECKS, QUIET, DOWN];
    const run: MonitoredEvent[] = [
      telemetry(T0, { temperature: 90, speed: 50 }),
      event('quality.measurement.recorded', T0 + S, { parameter: 'bore', value: 12, upperLimit: 10 }),
      telemetry(T0 + 6 * S, { temperature: 91, speed: 150 }),
      { id: 'other', type: 'equipment.telemetry.recorded', timestamp: T0 + 7 * S, payload: { equipmentId: 'press-2', temperature: 99 } },
      { id: 'own', type: 'alarm.raised', timestamp: T0 + 8 * S, payload: { equipmentId: 'press-1' } },
      ...[9, 10, 11].map((s) => event('quality.check.failed', T0 + s * S, {})),
      telemetry(T0 + 13 * S, { temperature: 92 }),
      event('equipment.status.changed', T0 + 14 * S, { newStatus: 'down' }),
      telemetry(T0 + 30 * S, { temperature: 20 }),
    ];
    const oneByOne = new Plant(rules);
    for (const e of run) oneByOne.see(e);
    const before = createAlarmEngine(rules);
    const copyOfBefore = structuredClone(before);
    const together = evaluateAlarmsInOrder(before, run);
    expect(types(oneByOne.drafts)).toEqual(expect.arrayContaining(['alarm.raised']));
    expect(together.drafts).toEqual(oneByOne.drafts);
    expect(together.state).toEqual(oneByOne.state);
    expect(before).toEqual(copyOfBefore);
  });
});

describe('alarm engine: commands and shelving', () => {
  function raisedPlant(): Plant {
    const plant = new Plant([LOW_SPEED, OOS], { maxShelveMs: 2 * 3_600_000 });
    plant.see(telemetry(T0, { speed: 10 }));
    plant.see(event('quality.measurement.recorded', T0, { parameter: 'w', value: 1, isWithinSpec: false }));
    return plant;
  }

  it('when several alarms are acknowledged at once, then the allowed ones are and the others are listed with reasons', () => {
    const plant = raisedPlant();
    const result = plant.command({ kind: 'acknowledge', alarmIds: ['slow:press-1', 'oos:press-1', 'nope:press-1', 'slow:press-1'], note: 'seen', user: 'ana', causationId: 'cmd-1' }, T0 + S);
    expect(types(result.drafts)).toEqual(['alarm.acknowledged', 'alarm.acknowledged']);
    expect(result.drafts[0]).toMatchObject({ causationId: 'cmd-1', payload: { note: 'seen', user: 'ana' } });
    expect(result.rejected.map((r) => r.alarmId)).toEqual(['nope:press-1', 'slow:press-1']);
    expect(result.rejected[1]?.reason).toContain('already acknowledged');
  });

  it('when a shelving is malformed, then the command throws naming the field; when too long, then each alarm is rejected', () => {
    const plant = raisedPlant();
    expect(() => plant.command({ kind: 'shelve', alarmIds: ['slow:press-1'], durationMs: MIN }, T0)).toThrow(EventValidationError);
    expect(() => plant.command({ kind: 'shelve', alarmIds: [], reason: 'r', durationMs: MIN }, T0)).toThrow('alarmIds: must be a non-empty array');
    expect(() => plant.command({ kind: 'nap' as 'shelve', alarmIds: ['slow:press-1'] }, T0)).toThrow(/^kind: /);
    const tooLong = plant.command({ kind: 'shelve', alarmIds: ['slow:press-1'], reason: 'r', durationMs: 3 * 3_600_000 }, T0);
    expect(tooLong.rejected[0]?.reason).toContain('maximum shelving time of 7200000');
    expect(tooLong.drafts).toEqual([]);
  });

  it('given a shelved active alarm, when the shelving expires on a tick, then it is back ACTIVE_UNACK; if it cleared meanwhile, NORMAL', () => {
    const plant = raisedPlant();
    plant.command({ kind: 'shelve', alarmIds: ['slow:press-1', 'oos:press-1'], reason: 'known issue', durationMs: 10 * MIN, user: 'bo' }, T0 + S);
    expect(plant.see(event('quality.measurement.recorded', T0 + 2 * S, { parameter: 'w', value: 1, isWithinSpec: true }))).toEqual([]);
    expect(plant.tick(T0 + S + 10 * MIN - 1)).toEqual([]);
    const expired = plant.tick(T0 + S + 10 * MIN);
    expect(expired.map((d) => [d.type, d.payload.alarmId, d.payload.stateAfter])).toEqual([
      ['alarm.shelve.expired', 'slow:press-1', 'ACTIVE_UNACK'],
      ['alarm.shelve.expired', 'oos:press-1', 'NORMAL'],
    ]);
  });

  it('given an alarm never raised, when removed from service, then conditions stay silent until it returns to service', () => {
    const plant = new Plant([LOW_SPEED]);
    expect(types(plant.command({ kind: 'removeFromService', alarmIds: ['slow:press-1'], reason: 'sensor swap' }, T0).drafts)).toEqual(['alarm.removed-from-service']);
    expect(plant.see(telemetry(T0 + S, { speed: 1 }))).toEqual([]);
    const back = plant.command({ kind: 'returnToService', alarmIds: ['slow:press-1'] }, T0 + 2 * S);
    expect(back.drafts[0]?.payload).toMatchObject({ stateAfter: 'ACTIVE_UNACK' });
    expect(types(plant.command({ kind: 'suppress', alarmIds: ['slow:press-1'] }, T0 + 3 * S).drafts)).toEqual(['alarm.suppressed']);
    expect(types(plant.command({ kind: 'unsuppress', alarmIds: ['slow:press-1'] }, T0 + 4 * S).drafts)).toEqual(['alarm.unsuppressed']);
    expect(types(plant.command({ kind: 'shelve', alarmIds: ['slow:press-1'], reason: 'r', durationMs: S }, T0 + 5 * S).drafts)).toEqual(['alarm.shelved']);
    expect(types(plant.command({ kind: 'unshelve', alarmIds: ['slow:press-1'] }, T0 + 6 * S).drafts)).toEqual(['alarm.unshelved']);
  });

  it('lists active alarms by priority, then most recent first', () => {
    const plant = new Plant([LOW_SPEED, DOWN, OOS]);
    plant.see(telemetry(T0, { speed: 1 }));
    plant.see(event('quality.measurement.recorded', T0 + S, { parameter: 'w', value: 1, isWithinSpec: false }));
    plant.see(event('equipment.status.changed', T0, { newStatus: 'down' }));
    plant.tick(T0 + 16 * MIN);
    expect(listActiveAlarms(plant.state).map((a) => a.alarmId)).toEqual(['down:press-1', 'oos:press-1', 'slow:press-1']);
  });
});

describe('alarm engine: rule changes, JSON state, replay', () => {
  it('given an active alarm, when its rule is disabled, then the condition clears and its monitor is dropped', () => {
    const plant = new Plant([LOW_SPEED]);
    plant.see(telemetry(T0, { speed: 1 }));
    const step = setAlarmRules(plant.state, [{ ...LOW_SPEED, enabled: false }], T0 + S);
    expect(types(step.drafts)).toEqual(['alarm.cleared']);
    expect(step.state.monitors).toEqual({});
    expect(() => setAlarmRules(plant.state, [{ ...LOW_SPEED, limit: 'x' }], T0)).toThrow('rules[0].limit: must be a finite number');
    expect(setAlarmRules(plant.state, [LOW_SPEED], T0).drafts).toEqual([]);
  });

  it('given a scripted shift, then the engine state is plain JSON, drafts are valid, and replaying the drafts gives the engine alarms', () => {
    const script = (rules: AlarmRule[]) => {
      const plant = new Plant(rules);
      let seed = 7;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 3000; i += 1) {
        const at = T0 + i * 2 * S;
        const equipmentId = `press-${1 + Math.floor(random() * 3)}`;
        const roll = random();
        const payload: JsonObject =
          roll < 0.5 ? { equipmentId, temperature: 80 + random() * 10, vibration: random() * 9, speed: random() * 200 }
            : roll < 0.6 ? { equipmentId, parameter: 'w', value: 10 + random() * 1.2, lowerLimit: 10, upperLimit: 11 }
              : roll < 0.7 ? { equipmentId }
                : { equipmentId, newStatus: random() < 0.5 ? 'down' : 'running' };
        const type = roll < 0.5 ? 'equipment.telemetry.recorded' : roll < 0.6 ? 'quality.measurement.recorded' : roll < 0.7 ? 'quality.check.failed' : 'equipment.status.changed';
        if (random() > 0.05 || i < 100) plant.see({ id: `e${i}`, type, timestamp: at, payload });
        if (i % 5 === 0) plant.tick(at + S);
        if (i % 40 === 0) {
          const ids = Object.keys(plant.state.alarms).slice(0, 3);
          const kinds = ['acknowledge', 'shelve', 'unshelve', 'suppress', 'unsuppress', 'removeFromService', 'returnToService'] as const;
          const kind = kinds[Math.floor(random() * kinds.length)] ?? 'acknowledge';
          if (ids.length > 0) plant.command({ kind, alarmIds: ids, reason: 'test', durationMs: 30 * S, note: 'n', user: 'u' }, at + S);
        }
      }
      return plant;
    };
    const plant = script(DEFAULT_ALARM_RULES as AlarmRule[]);
    expect(new Set(types(plant.drafts)).size).toBeGreaterThanOrEqual(8);
    expect(JSON.parse(JSON.stringify(plant.state))).toEqual(plant.state);
    for (const draft of plant.drafts) expect(() => validatePublishInput(draft)).not.toThrow();
    expect(plant.drafts.reduce(evolveAlarms, {})).toEqual(plant.state.alarms);
    expect(script(DEFAULT_ALARM_RULES as AlarmRule[]).drafts).toEqual(plant.drafts); // deterministic
  });

  it('given an engine restored from its JSON snapshot, then it continues exactly as the original', () => {
    const plant = new Plant([TEMP, CHECKS]);
    plant.see(telemetry(T0, { temperature: 99 }));
    plant.see(event('quality.check.failed', T0, {}));
    const restored = JSON.parse(JSON.stringify(plant.state)) as AlarmEngineState;
    const next = [telemetry(T0 + 6 * S, { temperature: 99 }), event('quality.check.failed', T0 + S, {}), event('quality.check.failed', T0 + 2 * S, {})];
    const run = (start: AlarmEngineState) => {
      let state = start;
      const drafts: EventDraft[] = [];
      for (const e of next) ({ state } = ((step) => (drafts.push(...step.drafts), step))(evaluateAlarms(state, e)));
      drafts.push(...tickAlarms(state, T0 + 20 * S).drafts);
      return drafts;
    };
    const original = run(plant.state);
    expect(types(original)).toEqual(['alarm.raised', 'alarm.raised']);
    expect(run(restored)).toEqual(original);
  });
});
