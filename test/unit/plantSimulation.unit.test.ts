import { describe, expect, it } from 'vitest';
import { createPlantConfig, createPlantState, generatePlantEvents, holdPlant, simulatePlant, type PlantSimulationState } from '../../shared/domain/plantSimulation';
import { canonicalJson } from '../../shared/domain/stateHash';
import { EventValidationError, validatePublishInput, type PublishInput } from '../../shared/events/validate';
import { deepFreeze } from '../support/deepFreeze';

const T0 = Date.UTC(2024, 0, 1, 6);
const MINUTE = 60_000;

type Payload = Record<string, unknown>;
const payloadOf = (event: PublishInput) => event.payload as Payload;

/** `minutes` of the default plant at `rate`, asked for one second at a time. */
function run(minutes: number, rate: number, seed = 7): PublishInput[] {
  const config = createPlantConfig({ seed });
  let state = createPlantState(config, T0);
  const events: PublishInput[] = [];
  for (let s = 1; s <= minutes * 60; s++) {
    const step = simulatePlant(config, state, { until: T0 + s * 1000, rate });
    state = step.state;
    events.push(...step.events);
  }
  return events;
}

const twoHours = run(120, 20);
const byId = new Map(twoHours.map((event) => [event.id as string, event]));
const ofType = (type: string) => twoHours.filter((event) => event.type === type);

describe('plant simulation: determinism', () => {
  it('gives the same events, ids included, for the same seed, and other events for another seed', () => {
    const once = JSON.stringify(run(2, 200));
    expect(JSON.stringify(run(2, 200))).toBe(once);
    expect(JSON.stringify(run(2, 200, 8))).not.toBe(once);
  });

  it('gives the same events whether the time is asked for in one window or in many', () => {
    const config = createPlantConfig({ seed: 3 });
    const whole = simulatePlant(config, createPlantState(config, T0), { until: T0 + 5 * MINUTE, rate: 100 });
    let state = createPlantState(config, T0);
    const pieces: PublishInput[] = [];
    for (let t = 100; t <= 5 * MINUTE; t += 100) {
      const step = simulatePlant(config, state, { until: T0 + t, rate: 100 });
      state = step.state;
      pieces.push(...step.events);
    }
    expect(pieces).toEqual(whole.events);
    expect(state).toEqual(whole.state);
  });

  it('never changes the state it is given', () => {
    const config = createPlantConfig();
    const state = deepFreeze(createPlantState(config, T0));
    const copy = structuredClone(state) as PlantSimulationState;
    expect(() => simulatePlant(config, state, { until: T0 + MINUTE, rate: 500 })).not.toThrow();
    expect(state).toEqual(copy);
  });
});

describe('plant simulation: rates', () => {
  it('emits the requested number of events per second, whatever the mix', () => {
    for (const [rate, seconds] of [[1_000, 60], [50, 600], [5_000, 10]] as const) {
      const config = createPlantConfig({ seed: rate });
      const { events } = simulatePlant(config, createPlantState(config, T0), { until: T0 + seconds * 1000, rate });
      const expected = rate * seconds;
      expect(events.length).toBeGreaterThanOrEqual(expected);
      expect(events.length).toBeLessThanOrEqual(expected + Math.max(20, rate * 2));
    }
  });

  it('keeps the plant events at their own realistic pace, with telemetry making up the rest', () => {
    const perEquipmentHour = (type: string) => ofType(type).length / 12 / 2;
    expect(perEquipmentHour('production.order.started')).toBeGreaterThan(3);
    expect(perEquipmentHour('production.order.started')).toBeLessThan(15);
    expect(perEquipmentHour('quality.measurement.recorded')).toBeGreaterThan(60);
    expect(perEquipmentHour('quality.measurement.recorded')).toBeLessThan(360);
    expect(ofType('maintenance.scheduled').length).toBeGreaterThan(5);
    expect(ofType('quality.check.failed').length).toBeLessThan(ofType('quality.measurement.recorded').length * 0.2);
    expect(ofType('equipment.telemetry.recorded').length).toBeGreaterThan(twoHours.length * 0.8);
  });

  it('holds the plant still at rate 0, then goes on from there', () => {
    const config = createPlantConfig();
    const start = simulatePlant(config, createPlantState(config, T0), { until: T0 + MINUTE, rate: 100 });
    const held = simulatePlant(config, start.state, { until: T0 + 10 * MINUTE, rate: 0 });
    expect(held.events).toEqual([]);
    expect(held.state.clock).toBe(T0 + 10 * MINUTE);
    const after = simulatePlant(config, held.state, { until: T0 + 11 * MINUTE, rate: 100 });
    expect(after.events[0]!.timestamp).toBeGreaterThanOrEqual(T0 + 10 * MINUTE);
    expect(holdPlant(start.state, T0 + 10 * MINUTE)).toEqual(held.state);
  });

  it('generates a count of events, stopping where it can go on', () => {
    const config = createPlantConfig();
    const first = generatePlantEvents(config, createPlantState(config, T0), 1_000, 500);
    expect(first.events.length).toBeGreaterThanOrEqual(1_000);
    expect(first.events.length).toBeLessThan(1_010);
    const next = generatePlantEvents(config, first.state, 1_000, 500);
    expect(next.events[0]!.timestamp).toBeGreaterThanOrEqual(first.events.at(-1)!.timestamp!);
    expect(() => generatePlantEvents(config, first.state, 10, 0)).toThrow(EventValidationError);
  });
});

describe('plant simulation: events', () => {
  it('are all valid publish inputs, unchanged by validation, with equipmentId and lineId, ordered in time', () => {
    const config = createPlantConfig();
    const lines = new Map(config.equipment.map((e) => [e.equipmentId, e.lineId]));
    let last = 0;
    const problems: string[] = [];
    for (const event of twoHours) {
      if (canonicalJson(validatePublishInput(event)) !== canonicalJson(event)) problems.push(`${event.id} changed by validation`);
      if (lines.get(payloadOf(event).equipmentId as string) !== payloadOf(event).lineId) problems.push(`${event.id} names no known equipment and line`);
      if (event.timestamp! < last) problems.push(`${event.id} goes back in time`);
      last = event.timestamp!;
    }
    expect(problems).toEqual([]);
    expect(new Set(twoHours.map((e) => e.id)).size).toBe(twoHours.length);
    expect(new Set(twoHours.map((e) => e.type))).toEqual(new Set([
      'equipment.status.changed', 'equipment.telemetry.recorded', 'production.order.started', 'production.order.completed',
      'quality.measurement.recorded', 'quality.check.failed', 'maintenance.scheduled', 'maintenance.completed',
    ]));
  });

  it('default plant: 2 lines of 6 equipment', () => {
    const config = createPlantConfig();
    expect(config.equipment.map((e) => e.equipmentId)).toEqual([
      'press-1', 'cnc-1', 'welder-1', 'paint-1', 'oven-1', 'packer-1', 'press-2', 'cnc-2', 'welder-2', 'paint-2', 'oven-2', 'packer-2',
    ]);
    expect(() => createPlantConfig({ lines: 0 })).toThrow(/^lines: /);
    expect(() => createPlantConfig({ timing: { repairMs: [5, 1] } })).toThrow(/^timing.repairMs: /);
    expect(() => createPlantConfig({ colour: 'red' } as never)).toThrow(/^colour: /);
  });

  it('status changes follow on from each other, with reasons', () => {
    const current = new Map<string, string>();
    for (const event of ofType('equipment.status.changed')) {
      const p = payloadOf(event);
      expect(p.oldStatus).toBe(current.get(p.equipmentId as string) ?? 'unknown');
      expect(['running', 'idle', 'maintenance', 'down']).toContain(p.newStatus);
      expect(typeof p.reason).toBe('string');
      current.set(p.equipmentId as string, p.newStatus as string);
    }
    expect(current.size).toBe(12);
  });

  it('causes come earlier, and each caused event follows from its cause', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const event of twoHours) {
      if (event.causationId !== undefined) {
        if (!seen.has(event.causationId)) problems.push(`${event.id}: its cause is not an earlier event`);
        else if (payloadOf(byId.get(event.causationId)!).equipmentId !== payloadOf(event).equipmentId) problems.push(`${event.id}: caused on other equipment`);
      }
      seen.add(event.id as string);
    }
    expect(problems).toEqual([]);
    for (const failed of ofType('quality.check.failed')) {
      const measurement = byId.get(failed.causationId!)!;
      expect(measurement.type).toBe('quality.measurement.recorded');
      expect(payloadOf(measurement)).toMatchObject({ isWithinSpec: false, value: payloadOf(failed).value });
      expect(measurement.correlationId).toBe(failed.correlationId);
    }
    for (const scheduled of ofType('maintenance.scheduled')) {
      const down = byId.get(scheduled.causationId!)!;
      expect(payloadOf(down)).toMatchObject({ newStatus: 'down' });
      expect(scheduled.correlationId).toBe(down.id);
      expect(payloadOf(scheduled).reason).toBe(payloadOf(down).reason);
    }
    const scheduledById = new Map(ofType('maintenance.scheduled').map((e) => [payloadOf(e).maintenanceId, e]));
    for (const completed of ofType('maintenance.completed')) {
      const scheduled = scheduledById.get(payloadOf(completed).maintenanceId)!;
      expect(completed.correlationId).toBe(scheduled.correlationId);
      expect(completed.timestamp!).toBeGreaterThan(scheduled.timestamp!);
    }
  });

  it('one correlation id per order, carried by the order\'s events', () => {
    const started = ofType('production.order.started');
    for (const order of started) {
      expect(order.correlationId).toBe(order.id);
      const related = twoHours.filter((e) => e.correlationId === order.id);
      expect(new Set(related.map((e) => payloadOf(e).equipmentId))).toEqual(new Set([payloadOf(order).equipmentId]));
      for (const e of related.filter((r) => r.type.startsWith('production.') || r.type.startsWith('quality.'))) expect(payloadOf(e).orderId).toBe(payloadOf(order).orderId);
    }
    const completed = ofType('production.order.completed');
    expect(completed.length).toBeGreaterThan(started.length - 13);
    for (const done of completed) {
      const start = byId.get(done.correlationId!)!;
      expect(start.type).toBe('production.order.started');
      expect(payloadOf(done).orderId).toBe(payloadOf(start).orderId);
    }
  });

  it('quality measurements carry value, limits and whether they are within spec, as in the seed', () => {
    for (const m of ofType('quality.measurement.recorded')) {
      const p = payloadOf(m) as { value: number; lowerLimit: number; upperLimit: number; isWithinSpec: boolean; timestamp: string };
      expect(p.isWithinSpec).toBe(p.value >= p.lowerLimit && p.value <= p.upperLimit);
      expect(Date.parse(p.timestamp)).toBe(m.timestamp);
    }
  });

  it('vibration and temperature rise before a breakdown', () => {
    const telemetry = ofType('equipment.telemetry.recorded');
    const downs = ofType('equipment.status.changed').filter((e) => payloadOf(e).newStatus === 'down');
    let rising = 0;
    for (const down of downs) {
      const id = payloadOf(down).equipmentId;
      const samples = telemetry.filter((t) => payloadOf(t).equipmentId === id && t.timestamp! < down.timestamp!);
      const before = samples.filter((t) => t.timestamp! >= down.timestamp! - 2 * MINUTE);
      const running = samples.filter((t) => (payloadOf(t).speed as number) > 0);
      const mean = (list: PublishInput[], key: string) => list.reduce((s, t) => s + (payloadOf(t)[key] as number), 0) / list.length;
      if (mean(before, 'vibration') > 1.5 * mean(running, 'vibration') && mean(before, 'temperature') > mean(running, 'temperature') + 3) rising += 1;
    }
    expect(downs.length).toBeGreaterThan(5);
    expect(rising / downs.length).toBeGreaterThan(0.8);
  });
});
