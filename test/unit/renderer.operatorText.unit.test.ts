/**
 * What the operator reads: durations never in ms, 24-hour times with their zone, relative
 * times, units from the payloads, typed dates that stop at four year digits, and the compare
 * view in sentences.
 */
import { describe, expect, test } from 'vitest';
import { initialEquipmentState, type EquipmentState } from '../../shared/domain/equipment';
import type { EquipmentDiff } from '../../shared/domain/equipmentDiff';
import { maskDateTime, readDateTime, toDateTimeText } from '../../renderer/common/dateEntry';
import { formatClock, formatDuration, formatRelative, formatTime, formatTimeWithZone, formatTimeZone } from '../../renderer/common/format';
import { formatReading, unitLabel } from '../../renderer/common/units';
import { diffSentences } from '../../renderer/features/equipment/diffSentences';
import { formatAxisNumber } from '../../renderer/features/health/metricsHistory';
import { telemetryReadings } from '../../renderer/features/equipment/readings';

const at = (h: number, m: number, s: number) => new Date(2026, 11, 3, h, m, s).getTime();

describe('durations and times', () => {
  test('durations are in s, min, h and d, never in ms', () => {
    expect(formatDuration(400)).toBe('0.4 s');
    expect(formatDuration(5_000)).toBe('5 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(754_000)).toBe('12 min 34 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 d');
    for (const ms of [0, 1, 999, 1_500, 59_999, 3_599_999]) expect(formatDuration(ms)).not.toMatch(/ms/);
  });

  test('times are 24-hour, and the zone is named as an offset from UTC', () => {
    expect(formatClock(at(20, 5, 9), true)).toBe('20:05:09');
    expect(formatTimeWithZone(at(20, 5, 9))).toMatch(/^2026-12-03 20:05:09 UTC/);
    // The timeline's rows: local time to the millisecond, every field at its width.
    expect(formatTime(at(20, 5, 9) + 7)).toBe('2026-12-03 20:05:09.007');
    expect(formatTime(new Date(2026, 0, 2, 3, 4, 5, 60).getTime())).toBe('2026-01-02 03:04:05.060');
    expect(formatTime(new Date(2026, 11, 31, 23, 59, 59, 999).getTime())).toBe('2026-12-31 23:59:59.999');
    expect(formatTime(null)).toBe('—');
    expect(formatTimeZone(0, 0)).toBe('UTC');
    expect(formatTimeZone(0, 60)).toBe('UTC+01:00');
    expect(formatTimeZone(0, -330)).toBe('UTC−05:30');
  });

  test('relative times say how long ago in the largest unit', () => {
    const now = at(12, 0, 0);
    expect(formatRelative(now - 2_000, now)).toBe('just now');
    expect(formatRelative(now - 45_000, now)).toBe('45 s ago');
    expect(formatRelative(now - 5 * 60_000 - 30_000, now)).toBe('5 min ago');
    expect(formatRelative(now - 2 * 3_600_000 - 60_000, now)).toBe('2 h ago');
    expect(formatRelative(now + 10 * 60_000, now)).toBe('in 10 min');
  });
});

describe('chart axes', () => {
  test('ticks have at most three significant digits, k and M for large numbers, no long run of zeros', () => {
    expect([0, 0.5, 0.123456, 12.3456, 999, 1_500, 25_000, 1_234_567].map(formatAxisNumber)).toEqual(['0', '0.5', '0.123', '12.3', '999', '1.5k', '25k', '1.23M']);
    expect(formatAxisNumber(0.000123)).toBe('1e-4');
  });
});

describe('units', () => {
  test('payload units are written as an operator writes them, after the value', () => {
    expect(unitLabel('degC')).toBe('°C');
    expect(unitLabel('um')).toBe('µm');
    expect(formatReading(91.234567, 'degC')).toBe('91.2346 °C');
    expect(formatReading(2.0, 'mm')).toBe('2 mm');
    expect(formatReading(12_000, 'rpm')).toBe('12\u202f000 rpm');
    expect(formatReading(7.5, null)).toBe('7.5');
    expect(formatReading(null, 'mm')).toBe('—');
  });

  test('a card lists every telemetry reading the payloads carried, with its unit, and not the sample time', () => {
    const state: EquipmentState = {
      ...initialEquipmentState('oven-1'),
      lastTelemetry: { temperature: 180.5, vibration: 0.3, speed: 2, humidity: 41, at: 1_000 },
      telemetryUnits: { temperature: 'degC', speed: 'm/min' },
    };
    expect(telemetryReadings(state)).toEqual([
      { name: 'humidity', value: 41, unit: null },
      { name: 'speed', value: 2, unit: 'm/min' },
      { name: 'temperature', value: 180.5, unit: 'degC' },
      { name: 'vibration', value: 0.3, unit: null },
    ]);
  });
});

describe('typed date and time', () => {
  test('digits get their separators, and a fifth year digit becomes the month', () => {
    expect(maskDateTime('2026')).toBe('2026');
    expect(maskDateTime('20261')).toBe('2026-1');
    expect(maskDateTime('2026-12-03 08:11:22')).toBe('2026-12-03 08:11:22');
    expect(maskDateTime('202612030811229999')).toBe('2026-12-03 08:11:22');
    expect(maskDateTime('275760-01-01')).toBe('2757-60-01 01');
  });

  test('a complete entry is read as local time, seconds optional; a wrong one gets one sentence', () => {
    expect(readDateTime('2026-12-03 08:11:22')).toEqual({ ok: true, ms: at(8, 11, 22) });
    expect(readDateTime('2026-12-03 08:11')).toEqual({ ok: true, ms: at(8, 11, 0) });
    expect(readDateTime('')).toEqual({ ok: true, ms: null });
    expect(readDateTime(toDateTimeText(at(23, 59, 59)))).toEqual({ ok: true, ms: at(23, 59, 59) });
    const problems = ['2026-13-01 00:00', '2026-02-30 00:00', '2026-12-03 24:00', '2026-12-03'].map((t) => readDateTime(t));
    expect(problems.map((p) => (p.ok ? 'accepted' : p.problem))).toEqual([
      'There is no month 13: use 01 to 12.',
      '2026-02 has no day 30: it has 28 days.',
      'Hours go from 00 to 23, minutes and seconds from 00 to 59.',
      'Type the date and time as YYYY-MM-DD HH:MM:SS (seconds may be left out).',
    ]);
  });
});

describe('the compare view in sentences', () => {
  const before: EquipmentState = {
    ...initialEquipmentState('cnc-1'),
    status: 'idle',
    statusSince: at(8, 0, 0),
    lastTelemetry: { temperature: 40, vibration: 1, speed: 0, at: at(8, 0, 0) },
    telemetryUnits: { temperature: 'degC' },
    lastMeasurements: { diameter: { value: 25.001, lowerLimit: 24.98, upperLimit: 25.02, isWithinSpec: true, at: at(8, 0, 0), unit: 'mm' } },
  };
  const after: EquipmentState = {
    ...before,
    status: 'running',
    statusSince: at(8, 11, 22),
    reason: 'order PO-7 started',
    currentOrderId: 'PO-7',
    lastTelemetry: { ...before.lastTelemetry, temperature: 61.5, at: at(8, 12, 0) },
    lastMeasurements: { diameter: { value: 25.031, lowerLimit: 24.98, upperLimit: 25.02, isWithinSpec: false, at: at(8, 12, 0), unit: 'mm' } },
    outOfSpecCount: 1,
  };
  const ref = (seq: number, type: string, time: number) => ({ id: `e-${seq}`, seq, type, timestamp: time });
  const status = ref(10, 'equipment.status.changed', at(8, 11, 22));
  const order = ref(9, 'production.order.started', at(8, 11, 22));
  const measured = ref(12, 'quality.measurement.recorded', at(8, 12, 0));
  const hot = ref(11, 'equipment.telemetry.recorded', at(8, 12, 0));
  const change = (path: string, b: unknown, a: unknown, causes: ReturnType<typeof ref>[]) => ({ path, before: b, after: a, causes, causeCount: causes.length }) as EquipmentDiff['changes'][number];
  const diff: EquipmentDiff = {
    equipmentId: 'cnc-1', from: at(8, 0, 0), to: at(8, 15, 0), before, after, events: 4,
    changes: [
      change('status', 'idle', 'running', [status]),
      change('statusSince', at(8, 0, 0), at(8, 11, 22), [status]),
      change('reason', null, 'order PO-7 started', [status]),
      change('currentOrderId', null, 'PO-7', [order]),
      change('lastMeasurements.diameter.value', 25.001, 25.031, [measured]),
      change('lastMeasurements.diameter.isWithinSpec', true, false, [measured]),
      change('lastMeasurements.diameter.at', at(8, 0, 0), at(8, 12, 0), [measured]),
      change('outOfSpecCount', 0, 1, [measured]),
      change('lastTelemetry.temperature', 40, 61.5, [hot]),
      change('lastTelemetry.at', at(8, 0, 0), at(8, 12, 0), [hot]),
      change('maintenance.scheduled', {}, null, []),
    ],
  };

  test('each change is one sentence with units and 24-hour times, without field paths or epoch numbers', () => {
    const sentences = diffSentences(diff);
    expect(sentences.map((s) => s.text)).toEqual([
      'cnc-1: idle → running at 08:11:22, order PO-7 (order PO-7 started)',
      'cnc-1: order PO-7 started',
      'cnc-1: diameter 25.001 mm → 25.031 mm (in spec → out of spec)',
      'cnc-1: 1 more out-of-spec measurements (1 in all)',
      'cnc-1: temperature 40 °C → 61.5 °C',
    ]);
    for (const s of sentences) expect(s.text).not.toMatch(/lastMeasurements|statusSince|\d{13}/);
  });

  test('each sentence carries the events that caused it, for the links to the timeline', () => {
    const sentences = diffSentences(diff);
    expect(sentences[0]?.causes.map((c) => c.id)).toEqual(['e-10']);
    expect(sentences[2]?.causes.map((c) => c.id)).toEqual(['e-12']);
  });
});
