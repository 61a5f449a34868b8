import { describe, expect, it } from 'vitest';
import type { EquipmentEvent, EquipmentState } from '../../shared/domain/equipment';
import { EQUIPMENT_EVENT_TYPES, applyEvent, evolveEquipment, initialEquipmentState } from '../../shared/domain/equipment';
import type { JsonValue } from '../../shared/events/event';
import { deepFreeze } from '../support/deepFreeze';

const T0 = 1_700_000_000_000;
let clock = T0;
let seq = 0;

/** A stored-looking event for press-1 unless the payload names other equipment. */
function event(type: string, payload: Record<string, JsonValue> = {}, at?: number): EquipmentEvent {
  clock = at ?? clock + 1_000;
  seq += 1;
  return { type, timestamp: clock, payload: { equipmentId: 'press-1', ...payload }, seq };
}

/** Given the past events, when one more happens, the state is: */
function given(...history: EquipmentEvent[]): { when: (next: EquipmentEvent) => EquipmentState; state: EquipmentState } {
  const state = history.reduce(evolveEquipment, initialEquipmentState());
  return { state, when: (next) => evolveEquipment(state, next) };
}

describe('equipment state', () => {
  it('starts unknown, with nothing recorded', () => {
    expect(initialEquipmentState('press-9')).toMatchObject({
      equipmentId: 'press-9', status: 'unknown', statusSince: null, currentOrderId: null,
      lastMeasurements: {}, outOfSpecCount: 0, lastSeq: 0, eventCount: 0,
    });
  });

  it('given nothing, when the status changes, then it has that status since the event time, with the reason', () => {
    const changed = event('equipment.status.changed', { newStatus: 'down', oldStatus: 'running', reason: 'jam' }, T0 + 5_000);
    const state = given().when(changed);
    expect(state).toMatchObject({ equipmentId: 'press-1', status: 'down', statusSince: T0 + 5_000, reason: 'jam', eventCount: 1, lastSeq: changed.seq, lastEventAt: T0 + 5_000 });
  });

  it('given a reason, when the status changes without one, then the reason is cleared', () => {
    const state = given(event('equipment.status.changed', { newStatus: 'down', reason: 'jam' })).when(event('equipment.status.changed', { newStatus: 'running' }));
    expect(state.status).toBe('running');
    expect(state.reason).toBeNull();
  });

  it('given telemetry, when a partial reading arrives, then the other readings keep their last values', () => {
    const { when } = given(event('equipment.telemetry.recorded', { temperature: 71.5, vibration: 0.2, speed: 1200 }));
    const state = when(event('equipment.telemetry.recorded', { temperature: 74, pressure: 6.1, mode: 'auto' }, T0 + 99_000));
    expect(state.lastTelemetry).toEqual({ temperature: 74, vibration: 0.2, speed: 1200, pressure: 6.1, at: T0 + 99_000 });
  });

  it('when a measurement is recorded, then it is kept per parameter with its own time, and out-of-spec ones are counted', () => {
    const { when } = given(
      event('quality.measurement.recorded', { parameter: 'dimension', value: 10.5, isWithinSpec: true, lowerLimit: 10, upperLimit: 11, timestamp: '2024-05-01T12:30:00.000Z' }),
    );
    const state = when(event('quality.measurement.recorded', { parameter: 'weight', value: 3.4, isWithinSpec: false, lowerLimit: 3.5, upperLimit: 3.7 }, T0 + 50_000));
    expect(state.lastMeasurements).toEqual({
      dimension: { value: 10.5, lowerLimit: 10, upperLimit: 11, isWithinSpec: true, at: Date.parse('2024-05-01T12:30:00.000Z') },
      weight: { value: 3.4, lowerLimit: 3.5, upperLimit: 3.7, isWithinSpec: false, at: T0 + 50_000 },
    });
    expect(state.outOfSpecCount).toBe(1);
  });

  it('when a measurement gives limits but no verdict, then the verdict is worked out from the limits', () => {
    const state = given().when(event('quality.measurement.recorded', { parameter: 'dimension', value: 11.2, upperLimit: 11 }));
    expect(state.lastMeasurements.dimension).toMatchObject({ isWithinSpec: false, lowerLimit: null, upperLimit: 11 });
    expect(state.outOfSpecCount).toBe(1);
  });

  it('when quality checks fail, then they are counted', () => {
    const state = given(event('quality.check.failed')).when(event('quality.check.failed'));
    expect(state.failedCheckCount).toBe(2);
  });

  it('given a running order, when another order completes, then the current order stays; when it completes, it clears', () => {
    const { state, when } = given(event('production.order.started', { orderId: 'PO-1' }));
    expect(state.currentOrderId).toBe('PO-1');
    expect(when(event('production.order.completed', { orderId: 'PO-0' })).currentOrderId).toBe('PO-1');
    expect(when(event('production.order.completed', { orderId: 'PO-1' })).currentOrderId).toBeNull();
  });

  it('given scheduled maintenance, when it is completed, then it is no longer scheduled and is the last completed', () => {
    const scheduled = event('maintenance.scheduled', { maintenanceId: 'M-7', scheduledFor: '2024-06-01T06:00:00.000Z' });
    const { state, when } = given(scheduled);
    expect(state.maintenance.scheduled).toEqual({ maintenanceId: 'M-7', scheduledAt: scheduled.timestamp, dueAt: Date.parse('2024-06-01T06:00:00.000Z') });
    const completed = event('maintenance.completed', { maintenanceId: 'M-7' });
    expect(when(completed).maintenance).toEqual({ scheduled: null, lastCompleted: { maintenanceId: 'M-7', completedAt: completed.timestamp } });
    expect(when(event('maintenance.completed', { maintenanceId: 'M-8' })).maintenance.scheduled?.maintenanceId).toBe('M-7');
  });

  it('given press-1, when events about other equipment, of other types, or naming none arrive, then the state is the same object', () => {
    const { state, when } = given(event('equipment.status.changed', { newStatus: 'running' }));
    expect(when(event('equipment.status.changed', { equipmentId: 'press-2', newStatus: 'down' }))).toBe(state);
    expect(when(event('alarm.raised', { severity: 'high' }))).toBe(state);
    expect(when({ type: 'equipment.status.changed', timestamp: T0, payload: { newStatus: 'down' } })).toBe(state);
    expect(when({ type: 'equipment.status.changed', timestamp: T0, payload: ['press-1'] })).toBe(state);
  });

  it('never mutates the state it is given', () => {
    const { state, when } = given(event('quality.measurement.recorded', { parameter: 'dimension', value: 1, isWithinSpec: true }));
    const frozen = deepFreeze(structuredClone(state));
    for (const type of EQUIPMENT_EVENT_TYPES) {
      expect(() => evolveEquipment(frozen, event(type, { newStatus: 'idle', parameter: 'dimension', value: 2, isWithinSpec: false, orderId: 'PO', temperature: 3 }))).not.toThrow();
    }
    expect(frozen).toEqual(state);
    expect(when).toBeTypeOf('function');
  });

  it('never throws on odd payloads, ignores fields of the wrong type, and stays plain JSON', () => {
    const odd: JsonValue[] = [null, 'text', 42, true, [], { nested: { deep: [1] } }, -1, '', { value: 'x' }];
    let state = initialEquipmentState();
    for (const type of EQUIPMENT_EVENT_TYPES) {
      for (const value of odd) {
        const payload: Record<string, JsonValue> = {};
        for (const field of ['newStatus', 'reason', 'temperature', 'parameter', 'value', 'isWithinSpec', 'lowerLimit', 'upperLimit', 'timestamp', 'orderId', 'maintenanceId', 'scheduledFor']) payload[field] = value;
        state = evolveEquipment(state, event(type, payload));
        state = evolveEquipment(state, { type, timestamp: T0, payload: value });
      }
      state = evolveEquipment(state, event(type, JSON.parse('{"__proto__":{"x":1},"parameter":"__proto__","value":1}') as Record<string, JsonValue>));
    }
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(Object.getPrototypeOf(state.lastMeasurements)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(state.lastTelemetry)).toBe(Object.prototype);
    // Only non-empty strings become a status; no measurement had a string parameter and a numeric value.
    expect(state.status).toBe('text');
    expect(state.lastMeasurements).toEqual({});
    expect(state.currentOrderId).toBeNull();
    expect(state.eventCount).toBe(EQUIPMENT_EVENT_TYPES.length * 10);
  });
});

describe('applyEvent (the seed event-sourcing example)', () => {
  it('folds events from the seed\'s {} starting state', () => {
    const events = [
      event('equipment.status.changed', { equipmentId: 'equip-123', newStatus: 'maintenance', oldStatus: 'operational' }),
      event('equipment.telemetry.recorded', { equipmentId: 'equip-123', temperature: 40 }),
      event('equipment.status.changed', { equipmentId: 'equip-999', newStatus: 'down' }),
      event('equipment.status.changed', { equipmentId: 'equip-123', newStatus: 'running' }),
    ];
    const equipmentState = events.reduce((state, e) => applyEvent(state, e), {});
    expect(equipmentState).toMatchObject({ equipmentId: 'equip-123', status: 'running', eventCount: 3, lastSeq: events[3]!.seq, lastTelemetry: { temperature: 40 } });
  });

  it('reads missing or malformed fields of a partial state as initial', () => {
    const state = applyEvent({ equipmentId: 'press-1', eventCount: 4, maintenance: null as never }, event('maintenance.completed', {}));
    expect(state).toMatchObject({ equipmentId: 'press-1', eventCount: 5, status: 'unknown' });
    expect(state.maintenance.lastCompleted).not.toBeNull();
    expect(applyEvent(null, event('quality.check.failed')).failedCheckCount).toBe(1);
  });
});

describe('units from the payloads', () => {
  it('keeps the unit a measurement names and the units a telemetry payload names, reading by reading', () => {
    const { state, when } = given(
      event('quality.measurement.recorded', { parameter: 'thickness', value: 2.01, unit: 'mm' }),
      event('equipment.telemetry.recorded', { temperature: 61.5, speed: 60, units: { temperature: 'degC', speed: 'strokes/min' } }),
    );
    expect(state.lastMeasurements.thickness?.unit).toBe('mm');
    expect(state.telemetryUnits).toEqual({ temperature: 'degC', speed: 'strokes/min' });
    expect(state.lastTelemetry).not.toHaveProperty('units');
    const next = when(event('equipment.telemetry.recorded', { vibration: 1.2, units: { vibration: 'mm/s', speed: 'strokes/min', bad: 5 } }));
    expect(next.telemetryUnits).toEqual({ temperature: 'degC', speed: 'strokes/min', vibration: 'mm/s' });
    const same = when(event('equipment.telemetry.recorded', { temperature: 62, units: { temperature: 'degC' } }));
    expect(same.telemetryUnits).toBe(state.telemetryUnits);
  });
});
