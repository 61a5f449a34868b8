import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES, alarmIdOf, parseAlarmId, ruleWatches } from '../../shared/domain/alarms/rules';
import type { AlarmRule } from '../../shared/domain/alarms/rules';
import { validateAlarmRule, validateAlarmRules } from '../../shared/domain/alarms/validateRule';
import { validationErrorOf } from '../support/errors';

const threshold = {
  id: 'temp-high', name: 'Temperature high', enabled: true, priority: 'HIGH', kind: 'threshold',
  field: 'temperature', comparator: 'above', limit: 85, deadband: 2, onDelayMs: 0, offDelayMs: 0,
};
const outOfSpec = { id: 'oos', name: 'Out of spec', enabled: true, priority: 'NORMAL', kind: 'outOfSpec' };
const countInWindow = { id: 'checks', name: 'Checks', enabled: true, priority: 'HIGH', kind: 'countInWindow', eventType: 'quality.check.failed', count: 3, windowMs: 600_000 };
const absence = { id: 'quiet', name: 'Quiet', enabled: true, priority: 'NORMAL', kind: 'absence', eventType: 'equipment.telemetry.recorded', timeoutMs: 60_000 };
const downTooLong = { id: 'down', name: 'Down', enabled: true, priority: 'CRITICAL', kind: 'downTooLong', durationMs: 900_000 };

const without = (rule: Record<string, unknown>, key: string): Record<string, unknown> => {
  const copy = { ...rule };
  delete copy[key];
  return copy;
};

/** [what is wrong, candidate, the field the error must name] */
const INVALID: [string, unknown, string][] = [
  ['null', null, 'rule'],
  ['an array', [threshold], 'rule'],
  ['a string', 'threshold', 'rule'],
  ['no kind', without(threshold, 'kind'), 'kind'],
  ['an unknown kind', { ...threshold, kind: 'bogus' }, 'kind'],
  ['no id', without(threshold, 'id'), 'id'],
  ['a numeric id', { ...threshold, id: 42 }, 'id'],
  ['an empty id', { ...threshold, id: '' }, 'id'],
  ['an id with a colon', { ...threshold, id: 'temp:high' }, 'id'],
  ['an id starting with a space', { ...threshold, id: ' temp' }, 'id'],
  ['an id of 101 characters', { ...threshold, id: 'a'.repeat(101) }, 'id'],
  ['no name', without(threshold, 'name'), 'name'],
  ['a blank name', { ...threshold, name: '   ' }, 'name'],
  ['a name of 201 characters', { ...threshold, name: 'n'.repeat(201) }, 'name'],
  ['a numeric name', { ...threshold, name: 5 }, 'name'],
  ['enabled as text', { ...threshold, enabled: 'yes' }, 'enabled'],
  ['no priority', without(threshold, 'priority'), 'priority'],
  ['an unknown priority', { ...threshold, priority: 'URGENT' }, 'priority'],
  ['a lowercase priority', { ...threshold, priority: 'high' }, 'priority'],
  ['equipment as a string', { ...threshold, equipment: 'press-1' }, 'equipment'],
  ['an empty equipment id', { ...threshold, equipment: [''] }, 'equipment[0]'],
  ['a numeric equipment id', { ...threshold, equipment: ['press-1', 3] }, 'equipment[1]'],
  ['a repeated equipment id', { ...threshold, equipment: ['press-1', 'press-1'] }, 'equipment[1]'],
  ['maxShelveMs under a minute', { ...threshold, maxShelveMs: 1_000 }, 'maxShelveMs'],
  ['maxShelveMs over the site maximum', { ...threshold, maxShelveMs: 9 * 3_600_000 }, 'maxShelveMs'],
  ['a fractional maxShelveMs', { ...threshold, maxShelveMs: 60_000.5 }, 'maxShelveMs'],
  ['an unknown field', { ...threshold, colour: 'red' }, 'colour'],
  ['threshold: no field', without(threshold, 'field'), 'field'],
  ['threshold: an empty field', { ...threshold, field: '' }, 'field'],
  ['threshold: field equipmentId', { ...threshold, field: 'equipmentId' }, 'field'],
  ['threshold: a dotted field', { ...threshold, field: 'a.b' }, 'field'],
  ['threshold: field __proto__', { ...threshold, field: '__proto__' }, 'field'],
  ['threshold: no comparator', without(threshold, 'comparator'), 'comparator'],
  ['threshold: comparator >', { ...threshold, comparator: '>' }, 'comparator'],
  ['threshold: no limit', without(threshold, 'limit'), 'limit'],
  ['threshold: limit NaN', { ...threshold, limit: Number.NaN }, 'limit'],
  ['threshold: limit Infinity', { ...threshold, limit: Infinity }, 'limit'],
  ['threshold: limit as text', { ...threshold, limit: '85' }, 'limit'],
  ['threshold: a negative deadband', { ...threshold, deadband: -1 }, 'deadband'],
  ['threshold: deadband NaN', { ...threshold, deadband: Number.NaN }, 'deadband'],
  ['threshold: a negative onDelayMs', { ...threshold, onDelayMs: -1 }, 'onDelayMs'],
  ['threshold: a fractional onDelayMs', { ...threshold, onDelayMs: 1.5 }, 'onDelayMs'],
  ['threshold: offDelayMs of two days', { ...threshold, offDelayMs: 2 * 86_400_000 }, 'offDelayMs'],
  ['threshold: a count field', { ...threshold, count: 3 }, 'count'],
  ['outOfSpec: parameters as a string', { ...outOfSpec, parameters: 'width' }, 'parameters'],
  ['outOfSpec: a numeric parameter', { ...outOfSpec, parameters: [1] }, 'parameters[0]'],
  ['outOfSpec: a limit field', { ...outOfSpec, limit: 3 }, 'limit'],
  ['countInWindow: no count', without(countInWindow, 'count'), 'count'],
  ['countInWindow: count 0', { ...countInWindow, count: 0 }, 'count'],
  ['countInWindow: a fractional count', { ...countInWindow, count: 2.5 }, 'count'],
  ['countInWindow: count 1001', { ...countInWindow, count: 1001 }, 'count'],
  ['countInWindow: no windowMs', without(countInWindow, 'windowMs'), 'windowMs'],
  ['countInWindow: windowMs 999', { ...countInWindow, windowMs: 999 }, 'windowMs'],
  ['countInWindow: windowMs of eight days', { ...countInWindow, windowMs: 8 * 86_400_000 }, 'windowMs'],
  ['countInWindow: an uppercase eventType', { ...countInWindow, eventType: 'Quality.Check' }, 'eventType'],
  ['countInWindow: an empty eventType', { ...countInWindow, eventType: '' }, 'eventType'],
  ['countInWindow: a numeric eventType', { ...countInWindow, eventType: 5 }, 'eventType'],
  ['countInWindow: an empty segment', { ...countInWindow, eventType: 'quality..failed' }, 'eventType'],
  ['absence: no timeoutMs', without(absence, 'timeoutMs'), 'timeoutMs'],
  ['absence: timeoutMs 500', { ...absence, timeoutMs: 500 }, 'timeoutMs'],
  ['absence: timeoutMs as text', { ...absence, timeoutMs: '60s' }, 'timeoutMs'],
  ['absence: an eventType with a space', { ...absence, eventType: 'equipment telemetry' }, 'eventType'],
  ['downTooLong: no durationMs', without(downTooLong, 'durationMs'), 'durationMs'],
  ['downTooLong: durationMs 0', { ...downTooLong, durationMs: 0 }, 'durationMs'],
  ['downTooLong: durationMs of 31 days', { ...downTooLong, durationMs: 31 * 86_400_000 }, 'durationMs'],
  ['downTooLong: a field field', { ...downTooLong, field: 'temperature' }, 'field'],
];

describe('alarm rules: validation', () => {
  it('has at least 50 invalid rules to reject', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(50);
  });

  it.each(INVALID)('given a rule with %s, when validated, then it is rejected naming the field', (_what, candidate, field) => {
    const before = JSON.stringify(candidate);
    const error = validationErrorOf(() => validateAlarmRule(candidate));
    expect(error.field).toBe(field);
    expect(error.message).toBe(`${field}: ${error.rule}`);
    expect(error.rule.length).toBeGreaterThan(5);
    expect(JSON.stringify(candidate)).toBe(before);
  });

  it('given the example rules, then the messages read as the brief asks', () => {
    expect(validationErrorOf(() => validateAlarmRule({ ...threshold, limit: 'x' })).message).toBe('limit: must be a finite number');
    expect(validationErrorOf(() => validateAlarmRule({ ...countInWindow, windowMs: 10 })).message).toBe('windowMs: must be at least 1000');
  });

  it('given the default rule set, then every rule is valid, ids are unique, and it covers every kind', () => {
    const rules = validateAlarmRules(DEFAULT_ALARM_RULES);
    expect(rules).toEqual(DEFAULT_ALARM_RULES);
    expect(new Set(rules.map((rule) => rule.kind))).toEqual(new Set(['threshold', 'outOfSpec', 'countInWindow', 'absence', 'downTooLong']));
    expect(rules.find((rule) => rule.kind === 'countInWindow')).toMatchObject({ count: 3, windowMs: 600_000, eventType: 'quality.check.failed' });
    expect(rules.find((rule) => rule.kind === 'absence')).toMatchObject({ timeoutMs: 60_000 });
    expect(rules.find((rule) => rule.kind === 'downTooLong')).toMatchObject({ durationMs: 900_000 });
  });

  it('given a minimal rule, when validated, then defaults are filled in on a fresh copy', () => {
    const candidate = { id: 'v', name: 'Vibration', priority: 'LOW', kind: 'threshold', field: 'vibration', comparator: 'below', limit: 1 };
    const rule = validateAlarmRule(candidate);
    expect(rule).toEqual({ ...candidate, enabled: true, deadband: 0, onDelayMs: 0, offDelayMs: 0 });
    expect(validateAlarmRule({ id: 'c', name: 'C', priority: 'LOW', kind: 'countInWindow', count: 2, windowMs: 1000 })).toMatchObject({ eventType: 'quality.check.failed' });
    expect(validateAlarmRule({ id: 'a', name: 'A', priority: 'LOW', kind: 'absence', timeoutMs: 1000 })).toMatchObject({ eventType: 'equipment.telemetry.recorded' });
  });

  it('given a rule set, when an item is bad or ids repeat, then the error names rules[i].field', () => {
    expect(validationErrorOf(() => validateAlarmRules({})).field).toBe('rules');
    expect(validationErrorOf(() => validateAlarmRules([outOfSpec, { ...threshold, limit: null }])).field).toBe('rules[1].limit');
    const duplicate = validationErrorOf(() => validateAlarmRules([outOfSpec, { ...downTooLong, id: 'oos' }]));
    expect(duplicate.field).toBe('rules[1].id');
    expect(duplicate.rule).toContain('unique');
  });

  it('alarm ids join rule and equipment and split back at the first colon; equipment lists filter', () => {
    expect(alarmIdOf('temp-high', 'line:1/press')).toBe('temp-high:line:1/press');
    expect(parseAlarmId('temp-high:line:1/press')).toEqual({ ruleId: 'temp-high', equipmentId: 'line:1/press' });
    expect(parseAlarmId('no-colon')).toBeNull();
    expect(parseAlarmId(':x')).toBeNull();
    const rule = validateAlarmRule({ ...threshold, equipment: ['press-1'] }) as AlarmRule;
    expect(ruleWatches(rule, 'press-1')).toBe(true);
    expect(ruleWatches(rule, 'press-2')).toBe(false);
    expect(ruleWatches(validateAlarmRule({ ...threshold, equipment: [] }), 'press-2')).toBe(true);
  });
});
