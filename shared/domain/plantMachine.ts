/**
 * One simulated machine: its status machine (orders, short stops, breakdowns, repairs), its
 * quality measurements and its physics (temperature, vibration and speed drifting towards
 * targets, with noise, and rising as wear builds up before a breakdown).
 *
 * The functions here change the working copy of a simulation step in place; the step
 * (plantSimulation.ts) copies the state first, so callers never see a mutation.
 */
import type { JsonObject, Priority } from '../events/event';
import type { PublishInput } from '../events/validate';
import { FAILURE_MODES, MICRO_STOP_REASONS, type PlantConfig, type PlantEquipment } from './plantConfig';
import { simulatedEventId, type SeededRandom } from './plantRandom';

export type MachineStep = 'start' | 'order-start' | 'order-end' | 'stop' | 'resume' | 'breakdown' | 'repair-start' | 'repair-end';

export interface SimulatedOrder {
  orderId: string;
  correlationId: string;
  product: string;
  quantity: number;
  /** Running time still needed to finish the order. */
  remainingMs: number;
  startedAt: number;
  startedEventId: string;
  failedChecks: number;
}

export interface SimulatedRepair {
  maintenanceId: string;
  correlationId: string;
  reason: string;
  downAt: number;
  /** The latest event of the repair, the cause of the next one. */
  lastEventId: string;
}

export interface MachineState {
  status: string;
  lastStatusEventId: string | null;
  next: MachineStep;
  nextAt: number;
  /** The next quality measurement, while running. */
  measureAt: number | null;
  order: SimulatedOrder | null;
  repair: SimulatedRepair | null;
  /** Wear when it last stopped running: a breakdown comes when it reaches 1. */
  wear: number;
  runningSince: number | null;
  timeToFailureMs: number;
  failureMode: string;
  /** Which way measurements drift as the machine wears (+1 or -1). */
  drift: number;
  temperature: number;
  vibration: number;
  speed: number;
  physicsAt: number;
}

/** The mutable working state of one step; `events` collects what it emits. */
export interface StepContext {
  readonly config: PlantConfig;
  readonly random: SeededRandom;
  readonly events: PublishInput[];
  readonly stamp: number;
  readonly runTag: string;
  counters: { ids: number; orders: number; maintenance: number; owed: number };
}

const AMBIENT = 22;
const REPAIR_ACTIONS: Readonly<Record<string, string>> = {
  'bearing wear': 'replaced bearing',
  overheating: 'cleaned cooling circuit',
  'motor fault': 'replaced motor drive',
  jam: 'cleared jam',
  'hydraulic leak': 'replaced hydraulic seal',
  'sensor fault': 'replaced sensor',
};

interface EmitOptions {
  readonly id?: string;
  readonly causationId?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly priority?: Priority;
}

export function newId(ctx: StepContext, at: number): string {
  return simulatedEventId(at, ctx.counters.ids++, ctx.stamp);
}

/** Adds an event; plant events (not telemetry) take the place of a telemetry sample. */
export function emit(ctx: StepContext, at: number, type: string, payload: JsonObject, options: EmitOptions = {}): string {
  const timestamp = Math.floor(at);
  const id = options.id ?? newId(ctx, timestamp);
  const event: PublishInput = { id, type, payload, source: ctx.config.source, timestamp, priority: options.priority ?? 'NORMAL' };
  if (options.correlationId !== undefined) event.correlationId = options.correlationId;
  if (options.causationId !== undefined) event.causationId = options.causationId;
  ctx.events.push(event);
  if (type !== 'equipment.telemetry.recorded') ctx.counters.owed += 1;
  return id;
}

export function initialMachine(ctx: StepContext, at: number): MachineState {
  const machine: MachineState = {
    status: 'unknown', lastStatusEventId: null, next: 'start', nextAt: at, measureAt: null, order: null, repair: null,
    wear: 0, runningSince: null, timeToFailureMs: 0, failureMode: '', drift: 1,
    temperature: AMBIENT, vibration: 0, speed: 0, physicsAt: at,
  };
  renewLife(ctx, machine);
  return machine;
}

/** A repaired (or new) machine: how long it will run until the next breakdown, and how. */
function renewLife(ctx: StepContext, machine: MachineState): void {
  machine.wear = 0;
  machine.timeToFailureMs = ctx.config.timing.meanTimeToFailureMs * ctx.random.between(0.5, 1.5);
  machine.failureMode = ctx.random.pick(FAILURE_MODES);
  machine.drift = ctx.random.next() < 0.5 ? -1 : 1;
}

export function wearAt(machine: MachineState, at: number): number {
  const running = machine.runningSince === null ? 0 : (at - machine.runningSince) / machine.timeToFailureMs;
  return Math.min(1, machine.wear + running);
}

const base = (equipment: PlantEquipment) => ({ equipmentId: equipment.equipmentId, lineId: equipment.lineId });
const isoTime = (at: number) => new Date(Math.floor(at)).toISOString();

function setStatus(ctx: StepContext, eq: PlantEquipment, machine: MachineState, at: number, newStatus: string, reason: string, options: EmitOptions = {}): string {
  const id = emit(ctx, at, 'equipment.status.changed', { ...base(eq), oldStatus: machine.status, newStatus, reason }, options);
  machine.status = newStatus;
  machine.lastStatusEventId = id;
  return id;
}

function enterRunning(ctx: StepContext, machine: MachineState, at: number): void {
  const { timing } = ctx.config;
  machine.runningSince = at;
  machine.measureAt = at + ctx.random.within(timing.measurementEveryMs);
  const order = machine.order as SimulatedOrder;
  const candidates: [MachineStep, number][] = [
    ['order-end', at + order.remainingMs],
    ['breakdown', at + Math.max(0, 1 - machine.wear) * machine.timeToFailureMs],
    ['stop', at + ctx.random.exponential(timing.meanTimeBetweenStopsMs)],
  ];
  const [next, nextAt] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  machine.next = next;
  machine.nextAt = nextAt;
}

function leaveRunning(machine: MachineState, at: number): void {
  if (machine.runningSince === null) return;
  const ran = Math.max(0, at - machine.runningSince);
  machine.wear = Math.min(1, machine.wear + ran / machine.timeToFailureMs);
  if (machine.order) machine.order.remainingMs = Math.max(0, machine.order.remainingMs - ran);
  machine.runningSince = null;
  machine.measureAt = null;
}

function waitForOrder(ctx: StepContext, machine: MachineState, at: number): void {
  machine.next = 'order-start';
  machine.nextAt = at + ctx.random.within(ctx.config.timing.idleBetweenOrdersMs);
}

/** Carries out the machine's next planned step at its time. */
export function advanceMachine(ctx: StepContext, eq: PlantEquipment, machine: MachineState): void {
  const at = machine.nextAt;
  const { timing } = ctx.config;
  switch (machine.next) {
    case 'start':
      setStatus(ctx, eq, machine, at, 'idle', 'simulator started');
      machine.next = 'order-start';
      machine.nextAt = at + ctx.random.between(0, timing.idleBetweenOrdersMs[1]);
      return;
    case 'order-start': {
      const orderId = `PO-${ctx.runTag}-${String(++ctx.counters.orders).padStart(5, '0')}`;
      const id = newId(ctx, Math.floor(at));
      const product = `${eq.kind.product}-${String.fromCharCode(65 + ctx.random.integer(0, 3))}`;
      const quantity = ctx.random.integer(4, 40) * 50;
      emit(ctx, at, 'production.order.started', { ...base(eq), orderId, product, quantity }, { id, correlationId: id });
      machine.order = { orderId, correlationId: id, product, quantity, remainingMs: ctx.random.within(timing.orderMs), startedAt: Math.floor(at), startedEventId: id, failedChecks: 0 };
      setStatus(ctx, eq, machine, at, 'running', `order ${orderId} started`, { causationId: id, correlationId: id });
      enterRunning(ctx, machine, at);
      return;
    }
    case 'order-end': {
      leaveRunning(machine, at);
      const order = machine.order as SimulatedOrder;
      const scrapCount = Math.min(order.quantity, Math.round(order.quantity * 0.01 * order.failedChecks));
      const completed = emit(ctx, at, 'production.order.completed', {
        ...base(eq), orderId: order.orderId, product: order.product, quantity: order.quantity,
        goodCount: order.quantity - scrapCount, scrapCount, durationMs: Math.floor(at) - order.startedAt,
      }, { causationId: order.startedEventId, correlationId: order.correlationId });
      machine.order = null;
      setStatus(ctx, eq, machine, at, 'idle', 'order completed', { causationId: completed, correlationId: order.correlationId });
      waitForOrder(ctx, machine, at);
      return;
    }
    case 'stop': {
      leaveRunning(machine, at);
      setStatus(ctx, eq, machine, at, 'idle', ctx.random.pick(MICRO_STOP_REASONS), { correlationId: machine.order?.correlationId });
      machine.next = 'resume';
      machine.nextAt = at + ctx.random.within(timing.stopMs);
      return;
    }
    case 'resume':
      setStatus(ctx, eq, machine, at, 'running', 'resumed', { causationId: machine.lastStatusEventId ?? undefined, correlationId: machine.order?.correlationId });
      enterRunning(ctx, machine, at);
      return;
    case 'breakdown': {
      leaveRunning(machine, at);
      const down = setStatus(ctx, eq, machine, at, 'down', machine.failureMode, { correlationId: machine.order?.correlationId, priority: 'HIGH' });
      const maintenanceId = `MNT-${ctx.runTag}-${String(++ctx.counters.maintenance).padStart(5, '0')}`;
      const delay = ctx.random.within(timing.maintenanceDelayMs);
      const scheduled = emit(ctx, at, 'maintenance.scheduled', {
        ...base(eq), maintenanceId, kind: 'corrective', reason: machine.failureMode, scheduledFor: isoTime(at + delay),
      }, { causationId: down, correlationId: down, priority: 'HIGH' });
      machine.repair = { maintenanceId, correlationId: down, reason: machine.failureMode, downAt: Math.floor(at), lastEventId: scheduled };
      machine.next = 'repair-start';
      machine.nextAt = at + delay;
      return;
    }
    case 'repair-start': {
      const repair = machine.repair as SimulatedRepair;
      repair.lastEventId = setStatus(ctx, eq, machine, at, 'maintenance', `${repair.maintenanceId}: ${repair.reason}`, { causationId: repair.lastEventId, correlationId: repair.correlationId });
      machine.next = 'repair-end';
      machine.nextAt = at + ctx.random.within(timing.repairMs);
      return;
    }
    case 'repair-end': {
      const repair = machine.repair as SimulatedRepair;
      const done = emit(ctx, at, 'maintenance.completed', {
        ...base(eq), maintenanceId: repair.maintenanceId, action: REPAIR_ACTIONS[repair.reason] ?? 'repaired', durationMs: Math.floor(at) - repair.downAt,
      }, { causationId: repair.lastEventId, correlationId: repair.correlationId });
      machine.repair = null;
      renewLife(ctx, machine);
      const resumes = machine.order !== null;
      setStatus(ctx, eq, machine, at, resumes ? 'running' : 'idle', 'maintenance completed', { causationId: done, correlationId: repair.correlationId });
      if (resumes) enterRunning(ctx, machine, at);
      else waitForOrder(ctx, machine, at);
      return;
    }
  }
}

const decimalsFor = (tolerance: number) => Math.max(0, Math.ceil(-Math.log10(tolerance)) + 2);
const fixed = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** A quality measurement of the running order; an out-of-spec one fails a check, caused by it. */
export function measure(ctx: StepContext, eq: PlantEquipment, machine: MachineState): void {
  const at = machine.measureAt as number;
  const { kind } = eq;
  const order = machine.order as SimulatedOrder;
  const wear = wearAt(machine, at);
  const decimals = decimalsFor(kind.tolerance);
  const sigma = kind.tolerance * (0.28 + 0.9 * wear ** 4);
  const value = fixed(kind.nominal + machine.drift * 0.6 * wear * wear * kind.tolerance + sigma * ctx.random.gaussian(), decimals);
  const lowerLimit = fixed(kind.nominal - kind.tolerance, decimals);
  const upperLimit = fixed(kind.nominal + kind.tolerance, decimals);
  const isWithinSpec = value >= lowerLimit && value <= upperLimit;
  const common = { ...base(eq), orderId: order.orderId, parameter: kind.parameter };
  const measurement = emit(ctx, at, 'quality.measurement.recorded', {
    ...common, value, unit: kind.unit, lowerLimit, upperLimit, isWithinSpec, timestamp: isoTime(at),
  }, { correlationId: order.correlationId });
  if (!isWithinSpec) {
    order.failedChecks += 1;
    const side = value > upperLimit ? `above upper limit ${upperLimit}` : `below lower limit ${lowerLimit}`;
    emit(ctx, at, 'quality.check.failed', {
      ...common, value, lowerLimit, upperLimit, measurementId: measurement, reason: `${kind.parameter} ${value} ${kind.unit} ${side} ${kind.unit}`,
    }, { causationId: measurement, correlationId: order.correlationId, priority: 'HIGH' });
  }
  machine.measureAt = at + ctx.random.within(ctx.config.timing.measurementEveryMs);
}

/** Moves `value` towards `target` over `dt` with time constant `tau`. */
const relax = (value: number, target: number, dt: number, tau: number) => target + (value - target) * Math.exp(-dt / tau);

/** A telemetry sample at `at`: the physics move on since the last sample, with noise. */
export function sampleTelemetry(ctx: StepContext, eq: PlantEquipment, machine: MachineState, at: number): void {
  const dt = Math.max(0, at - machine.physicsAt);
  machine.physicsAt = at;
  const { kind } = eq;
  const running = machine.status === 'running';
  const strain = running ? wearAt(machine, at) ** 3 : 0;
  const load = running ? 1 : machine.status === 'idle' ? 0.35 : 0.1;
  const random = ctx.random;
  machine.temperature = relax(machine.temperature, AMBIENT + kind.heat * load + 28 * strain, dt, 90_000) + 0.15 * random.gaussian();
  const vibrationTarget = running ? kind.vibration * (1 + 4 * strain) : 0.05;
  machine.vibration = Math.max(0, relax(machine.vibration, vibrationTarget, dt, 3_000) + (0.02 + 0.04 * vibrationTarget) * random.gaussian());
  const speedTarget = running ? kind.speed * (1 - 0.1 * strain) : 0;
  machine.speed = Math.max(0, relax(machine.speed, speedTarget, dt, 2_000) + (running ? 0.004 * kind.speed * random.gaussian() : 0));
  emit(ctx, at, 'equipment.telemetry.recorded', {
    ...base(eq), temperature: fixed(machine.temperature, 2), vibration: fixed(machine.vibration, 3), speed: fixed(machine.speed, 1),
    units: { temperature: 'degC', vibration: 'mm/s', speed: kind.speedUnit },
  }, { priority: 'LOW' });
}
