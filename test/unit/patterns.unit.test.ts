import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern, validatePattern } from '../../shared/events/patterns';
import { EventValidationError } from '../../shared/events/validate';

describe('matchesPattern', () => {
  it.each([
    // a pattern without * matches exactly
    ['equipment.status.changed', 'equipment.status.changed', true],
    ['equipment.status.changed', 'equipment.status.changed.late', false],
    ['equipment.status', 'equipment.status.changed', false],
    // a trailing * matches one or more remaining segments
    ['equipment.*', 'equipment.status.changed', true],
    ['equipment.*', 'equipment.telemetry.recorded', true],
    ['equipment.*', 'equipment.status', true],
    ['equipment.*', 'equipment', false],
    ['equipment.*', 'quality.check.failed', false],
    ['equipment.*', 'equipments.status.changed', false],
    ['maintenance.*', 'maintenance.scheduled', true],
    // an inner * matches exactly one segment
    ['equipment.*.changed', 'equipment.status.changed', true],
    ['equipment.*.changed', 'equipment.mode.changed', true],
    ['equipment.*.changed', 'equipment.changed', false],
    ['equipment.*.changed', 'equipment.a.b.changed', false],
    ['*.order.started', 'production.order.started', true],
    ['*.order.started', 'production.order.completed', false],
    ['*.*.failed', 'quality.check.failed', true],
    ['*.*.failed', 'maintenance.failed', false],
    // both kinds together
    ['*.status.*', 'equipment.status.changed', true],
    ['*.status.*', 'equipment.status', false],
    // a lone * matches every type
    ['*', 'maintenance.scheduled', true],
    ['*', 'equipment.status.changed', true],
    // segments with digits and dashes
    ['line-3.*', 'line-3.sensor.value-recorded', true],
    ['line-3.*', 'line-30.sensor.value-recorded', false],
  ])('%s against %s is %s', (pattern, type, expected) => {
    expect(matchesPattern(pattern, type)).toBe(expected);
  });

  it('does not match types that break the type rules', () => {
    expect(matchesPattern('equipment.*', 'equipment.Status.changed')).toBe(false);
    expect(matchesPattern('equipment.*', 'equipment..changed')).toBe(false);
    expect(matchesPattern('*', '')).toBe(false);
  });
});

describe('compilePattern', () => {
  it('returns the same matcher for the same pattern (cached)', () => {
    expect(compilePattern('quality.*')).toBe(compilePattern('quality.*'));
  });

  it('keeps matching correctly after the cache has been emptied', () => {
    for (let i = 0; i < 1_500; i++) compilePattern(`p${i}.*`);
    expect(compilePattern('p7.*')('p7.x.y')).toBe(true);
    expect(compilePattern('p7.*')('p8.x.y')).toBe(false);
  });
});

describe('validatePattern', () => {
  it('returns a well-formed pattern', () => {
    expect(validatePattern('equipment.*.changed')).toBe('equipment.*.changed');
  });

  it.each(['', 'Equipment.*', 'equipment.**', 'equipment.st*', 'equipment..changed', '.equipment', 'equipment.', 'equipment status', 'a'.repeat(201), 'équipement.*'])(
    'rejects %j naming the field "pattern"',
    (pattern) => {
      expect(() => compilePattern(pattern)).toThrow(EventValidationError);
      expect(thrownBy(() => validatePattern(pattern))).toMatchObject({ name: 'EventValidationError', field: 'pattern' });
      expect(() => matchesPattern(pattern, 'equipment.status.changed')).toThrow(/^pattern: /);
    },
  );

  it('rejects a pattern that is not a string', () => {
    expect(() => validatePattern(42)).toThrow(/pattern: must be a string/);
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}
