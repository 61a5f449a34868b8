/** Alarms everywhere: counts by priority, each equipment's alarms, units of alarm values, sortable tables, and the rule editor's form. */
import { describe, expect, test } from 'vitest';
import type { AlarmRule, AlarmState } from '../../shared/domain/alarms';
import { initialEquipmentState, type EquipmentState } from '../../shared/domain/equipment';
import { nextSort, sortRows } from '../../renderer/common/sorting';
import { alarmSortValue, alarmsByEquipment, alarmUnit, unackedByPriority } from '../../renderer/features/alarms/alarmSummary';
import { formToCandidate, generateRuleId, knownNames, newRuleForm, ruleToForm } from '../../renderer/features/alarms/ruleFields';

const alarm = (ruleId: string, equipmentId: string, extra: Partial<AlarmState>): AlarmState => ({
  alarmId: `${ruleId}:${equipmentId}`, ruleId, ruleKind: 'threshold', ruleName: ruleId, equipmentId, priority: 'NORMAL', state: 'ACTIVE_UNACK',
  since: 1_000, raisedAt: 1_000, value: null, limit: null, acknowledged: null, shelved: null, reason: null, ...extra,
});

const alarms = [
  alarm('hot', 'press-1', { priority: 'HIGH', raisedAt: 5_000 }),
  alarm('down', 'press-1', { priority: 'CRITICAL', state: 'ACTIVE_ACK', raisedAt: 9_000 }),
  alarm('spec', 'cnc-1', { priority: 'NORMAL', state: 'RTN_UNACK', ruleKind: 'outOfSpec' }),
  alarm('hot', 'cnc-10', { priority: 'HIGH', state: 'SHELVED' }),
  alarm('silent', 'cnc-2', { priority: 'LOW', state: 'NORMAL', raisedAt: null }),
];

describe('alarm counts and equipment in alarm', () => {
  test('only alarms waiting for an acknowledgement are counted, per priority', () => {
    expect(unackedByPriority(alarms)).toEqual({ CRITICAL: 0, HIGH: 1, NORMAL: 1, LOW: 0 });
  });

  test('an equipment card gets its annunciated alarms, the highest priority first; shelved and normal ones stay off', () => {
    const by = alarmsByEquipment(alarms);
    expect(by.get('press-1')?.map((a) => a.ruleId)).toEqual(['down', 'hot']);
    expect(by.get('cnc-1')?.map((a) => a.ruleId)).toEqual(['spec']);
    expect(by.has('cnc-10')).toBe(false);
    expect(by.has('cnc-2')).toBe(false);
  });

  test("an alarm's value takes the unit of the telemetry field or measured parameter it watches", () => {
    const rule: AlarmRule = { id: 'hot', name: 'Hot', enabled: true, priority: 'HIGH', kind: 'threshold', field: 'temperature', comparator: 'above', limit: 85, deadband: 2, onDelayMs: 0, offDelayMs: 0 };
    const press: EquipmentState = { ...initialEquipmentState('press-1'), telemetryUnits: { temperature: 'degC' } };
    expect(alarmUnit(alarms[0] as AlarmState, rule, press)).toBe('degC');
    expect(alarmUnit(alarms[0] as AlarmState, rule, undefined)).toBeNull();
    const cnc: EquipmentState = { ...initialEquipmentState('cnc-1'), lastMeasurements: { diameter: { value: 25, lowerLimit: 24, upperLimit: 26, isWithinSpec: true, at: 0, unit: 'mm' } } };
    expect(alarmUnit(alarms[2] as AlarmState, undefined, cnc)).toBe('mm');
  });
});

describe('sortable tables', () => {
  test('a column sorts ascending, a second click descending; text in natural order, priority by rank, empty values last', () => {
    const now = 10_000;
    const by = (key: Parameters<typeof alarmSortValue>[1], direction: 'asc' | 'desc') => sortRows(alarms, { key, direction }, (a, k) => alarmSortValue(a, k, now)).map((a) => a.alarmId);
    expect(by('equipment', 'asc')).toEqual(['spec:cnc-1', 'silent:cnc-2', 'hot:cnc-10', 'hot:press-1', 'down:press-1']);
    expect(by('priority', 'desc').slice(0, 3)).toEqual(['down:press-1', 'hot:press-1', 'hot:cnc-10']);
    expect(by('duration', 'desc')).toEqual(['spec:cnc-1', 'hot:cnc-10', 'hot:press-1', 'down:press-1', 'silent:cnc-2']);
    expect(by('duration', 'asc').at(-1)).toBe('silent:cnc-2');
    expect(nextSort(null, 'name')).toEqual({ key: 'name', direction: 'asc' });
    expect(nextSort({ key: 'name', direction: 'asc' }, 'name')).toEqual({ key: 'name', direction: 'desc' });
    expect(nextSort({ key: 'name', direction: 'desc' }, 'kind')).toEqual({ key: 'kind', direction: 'asc' });
  });
});

describe('rule editor form', () => {
  test('delays are typed in seconds and stored in milliseconds, and read back in seconds', () => {
    const form = { ...newRuleForm('threshold'), name: 'Hot', field: 'temperature', limit: '90', onDelayMs: '2.5', offDelayMs: '10' };
    const candidate = formToCandidate(form);
    expect(candidate).toMatchObject({ onDelayMs: 2_500, offDelayMs: 10_000 });
    expect(ruleToForm(candidate as unknown as AlarmRule)).toMatchObject({ onDelayMs: '2.5', offDelayMs: '10', limit: '90' });
    expect(formToCandidate({ ...newRuleForm('absence'), name: 'Quiet', eventType: 'x.*', timeoutMs: 'soon' })).toMatchObject({ timeoutMs: 'soon' });
  });

  test('an empty id is made from the name, new among the ids in use', () => {
    expect(generateRuleId('Oven too hot!', new Set())).toBe('oven-too-hot');
    expect(generateRuleId('Oven too hot', new Set(['oven-too-hot', 'oven-too-hot-2']))).toBe('oven-too-hot-3');
    expect(generateRuleId('°°°', new Set())).toBe('rule');
    expect(formToCandidate({ ...newRuleForm(), name: 'Oven too hot' }, new Set(['oven-too-hot']))).toMatchObject({ id: 'oven-too-hot-2' });
    expect(formToCandidate({ ...newRuleForm(), id: 'mine', name: 'Oven too hot' })).toMatchObject({ id: 'mine' });
  });

  test('the pickers offer the known equipment, its telemetry fields and measured parameters', () => {
    const press: EquipmentState = {
      ...initialEquipmentState('press-1'),
      lastTelemetry: { temperature: 40, vibration: null, speed: 3, pressure: 120, at: 5 },
      lastMeasurements: { thickness: { value: 2, lowerLimit: null, upperLimit: null, isWithinSpec: null, at: 0 } },
    };
    expect(knownNames([press, initialEquipmentState('cnc-1'), initialEquipmentState(null)])).toEqual({
      equipment: ['cnc-1', 'press-1'],
      telemetry: ['pressure', 'speed', 'temperature'],
      parameters: ['thickness'],
    });
  });
});
