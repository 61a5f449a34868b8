/**
 * The plant simulator's pure core: given the plant, its simulation state and a time window,
 * it returns the events that happened in the window (ready for `bus.publishBatch`) and the
 * next state. Deterministic: the same seed, start time and requests give the same events,
 * ids included. The input state is never changed.
 *
 * Pacing: a telemetry clock ticks `rate` times per simulated second; each tick samples the
 * next machine in turn, except that every plant event (status, order, quality, maintenance)
 * takes the place of one sample, so the plant emits `rate` events per second in all. The
 * plant's own events follow their own timing (plantConfig.ts), whatever the rate; below
 * about one event per second they set the pace.
 */
import type { PublishInput } from '../events/validate';
import { EventValidationError } from '../events/validate';
import type { PlantConfig } from './plantConfig';
import { advanceMachine, initialMachine, measure, sampleTelemetry, type MachineState, type StepContext } from './plantMachine';
import { SeededRandom, seedStamp } from './plantRandom';

export { createPlantConfig, DEFAULT_TIMING, EQUIPMENT_KINDS, type PlantConfig, type PlantOptions, type PlantTiming } from './plantConfig';

export interface PlantSimulationState {
  /** Everything before this simulated time has been generated. */
  clock: number;
  /** The generator state (see plantRandom.ts). */
  random: number;
  /** Short tag of this run in order and maintenance ids. */
  runTag: string;
  counters: StepContext['counters'];
  /** When the telemetry clock ticks next. */
  nextTickAt: number;
  /** The machine the next telemetry sample is taken from. */
  cursor: number;
  /** One per `config.equipment`, in the same order. */
  machines: MachineState[];
}

export interface SimulationRequest {
  /** Generate what happens before this simulated time (ms). */
  readonly until: number;
  /** Events per simulated second; 0 holds the plant still. */
  readonly rate: number;
  /** Stop early after this many events (the state then resumes where it stopped). */
  readonly maxEvents?: number;
}

export interface SimulationStep {
  readonly events: PublishInput[];
  readonly state: PlantSimulationState;
}

/** The highest rate accepted, in events per second. */
export const MAX_RATE = 100_000;

/** A fresh plant at `startTime`: every machine's status is unknown and becomes idle at once. */
export function createPlantState(config: PlantConfig, startTime: number): PlantSimulationState {
  if (!Number.isFinite(startTime) || startTime <= 0) throw new EventValidationError('startTime', 'must be milliseconds since the epoch');
  const stamp = seedStamp(config.seed);
  const ctx: StepContext = {
    config, random: new SeededRandom(stamp), events: [], stamp,
    runTag: ((stamp ^ Math.floor(startTime / 1000)) >>> 0).toString(36).slice(-4).toUpperCase(),
    counters: { ids: 0, orders: 0, maintenance: 0, owed: 0 },
  };
  const machines = config.equipment.map(() => initialMachine(ctx, startTime));
  return { clock: startTime, random: ctx.random.state, runTag: ctx.runTag, counters: ctx.counters, nextTickAt: startTime, cursor: 0, machines };
}

function checkRequest(request: SimulationRequest): void {
  if (typeof request.until !== 'number' || Number.isNaN(request.until)) throw new EventValidationError('until', 'must be a time in milliseconds');
  if (typeof request.rate !== 'number' || !(request.rate >= 0 && request.rate <= MAX_RATE)) {
    throw new EventValidationError('rate', `must be a number of events per second from 0 to ${MAX_RATE}`);
  }
  const max = request.maxEvents;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) throw new EventValidationError('maxEvents', 'must be a whole number of at least 1');
}

/** The events of the window [state.clock, until), and the state after it. */
export function simulatePlant(config: PlantConfig, state: PlantSimulationState, request: SimulationRequest): SimulationStep {
  checkRequest(request);
  if (state.machines.length !== config.equipment.length) throw new EventValidationError('state', 'was made for another plant');
  const work = structuredClone(state);
  if (request.rate === 0) {
    if (Number.isFinite(request.until)) shiftTimes(work, request.until - work.clock);
    return { events: [], state: work };
  }
  if (!Number.isFinite(request.until) && request.maxEvents === undefined) throw new EventValidationError('until', 'must be finite unless maxEvents is given');
  const ctx: StepContext = {
    config, random: new SeededRandom(work.random), events: [], stamp: seedStamp(config.seed), runTag: work.runTag, counters: work.counters,
  };
  const period = 1000 / request.rate;
  const owedCap = Math.max(20, Math.ceil(request.rate * 2));
  const maxEvents = request.maxEvents ?? Number.POSITIVE_INFINITY;
  const { machines } = work;
  for (;;) {
    let dueAt = Number.POSITIVE_INFINITY;
    let who = -1;
    let measurement = false;
    for (let i = 0; i < machines.length; i++) {
      const machine = machines[i] as MachineState;
      if (machine.nextAt < dueAt) [dueAt, who, measurement] = [machine.nextAt, i, false];
      if (machine.measureAt !== null && machine.measureAt < dueAt) [dueAt, who, measurement] = [machine.measureAt, i, true];
    }
    if (work.nextTickAt < dueAt) [dueAt, who] = [work.nextTickAt, -1];
    if (dueAt >= request.until) {
      work.clock = Math.max(work.clock, request.until);
      break;
    }
    if (ctx.events.length >= maxEvents) {
      work.clock = Math.max(work.clock, dueAt);
      break;
    }
    if (who >= 0) {
      const equipment = config.equipment[who]!;
      if (measurement) measure(ctx, equipment, machines[who]!);
      else advanceMachine(ctx, equipment, machines[who]!);
    } else {
      work.nextTickAt += period;
      if (ctx.counters.owed > 0) ctx.counters.owed -= 1;
      else {
        sampleTelemetry(ctx, config.equipment[work.cursor]!, machines[work.cursor]!, dueAt);
        work.cursor = (work.cursor + 1) % machines.length;
      }
    }
    ctx.counters.owed = Math.min(ctx.counters.owed, owedCap);
  }
  work.random = ctx.random.state;
  return { events: ctx.events, state: work };
}

/** `count` events from the state on, as fast as `rate` makes them (for benchmarks and tests). */
export function generatePlantEvents(config: PlantConfig, state: PlantSimulationState, count: number, rate: number): SimulationStep {
  if (!(rate > 0)) throw new EventValidationError('rate', 'must be above 0 to generate a count of events');
  return simulatePlant(config, state, { until: Number.POSITIVE_INFINITY, rate, maxEvents: count });
}

/** The plant held still from its clock until `until`: nothing happens, nothing wears. */
export function holdPlant(state: PlantSimulationState, until: number): PlantSimulationState {
  const work = structuredClone(state);
  shiftTimes(work, until - work.clock);
  return work;
}

function shiftTimes(work: PlantSimulationState, delta: number): void {
  if (!(delta > 0)) return;
  work.clock += delta;
  work.nextTickAt += delta;
  for (const machine of work.machines) {
    machine.nextAt += delta;
    if (machine.measureAt !== null) machine.measureAt += delta;
    if (machine.runningSince !== null) machine.runningSince += delta;
    machine.physicsAt += delta;
  }
}
