/**
 * The plant simulator as a producer: on a timer it asks the pure simulation
 * (shared/domain/plantSimulation.ts) for what happened since the last tick and publishes it
 * with `bus.publishBatch`. The simulated clock follows the wall clock.
 *
 * It never throws at the process: a failed publish (an overloaded or closed bus) is counted
 * and reported, and the plant goes on. When publishing falls behind, or the process was
 * asleep, the plant is held still instead of producing a burst: no event is lost or invented.
 */
import type { SimulatorStatus } from '../../shared/api/statusTypes';
export type { SimulatorStatus } from '../../shared/api/statusTypes';
import type { StoredEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import { EventValidationError } from '../../shared/events/validate';
import { createPlantConfig, type PlantConfig, type PlantOptions } from '../../shared/domain/plantConfig';
import { createPlantState, holdPlant, MAX_RATE, simulatePlant, type PlantSimulationState } from '../../shared/domain/plantSimulation';
import { errorText, globalTimers, type ProducerTimers } from './timers';
import { logErrorAs } from '../core/logError';

export interface PlantSimulatorOptions {
  readonly bus: { publishBatch(events: readonly PublishInput[]): Promise<StoredEvent[]> };
  /** The plant (seed, lines, equipment per line, timing); checked, an error names the bad field. */
  readonly plant?: PlantOptions;
  /** False switches the simulator off (a real deployment): `start` then does nothing. Default true. */
  readonly enabled?: boolean;
  /** Events per second, 0..100,000. Default 20. */
  readonly rate?: number;
  /** How often it publishes. Default 100 ms. */
  readonly tickMs?: number;
  /** Batches awaiting the bus before the plant is held. Default 4. */
  readonly maxInFlight?: number;
  /** A longer gap since the last tick (the process slept) is skipped, not caught up. Default 5 s. */
  readonly maxCatchUpMs?: number;
  readonly now?: () => number;
  readonly timers?: ProducerTimers;
  readonly onError?: (error: unknown) => void;
  /** Told when `pause` and `resume` change whether the plant is held, so consumers can tell a paused feed from a silent plant. */
  readonly onPausedChange?: (paused: boolean) => void;
}


function positive(value: number | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new EventValidationError(field, 'must be a number above 0');
  return value;
}

export function checkRate(rate: unknown): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= MAX_RATE)) {
    throw new EventValidationError('rate', `must be a number of events per second from 0 to ${MAX_RATE}`);
  }
  return rate;
}

export class PlantSimulator {
  readonly config: PlantConfig;
  readonly enabled: boolean;
  private readonly bus: PlantSimulatorOptions['bus'];
  private readonly tickMs: number;
  private readonly maxInFlight: number;
  private readonly maxCatchUpMs: number;
  private readonly now: () => number;
  private readonly timers: ProducerTimers;
  private readonly onError: (error: unknown) => void;
  private readonly onPausedChange: (paused: boolean) => void;
  private readonly inFlightBatches = new Set<Promise<void>>();
  private state: PlantSimulationState | null = null;
  private timer: unknown = null;
  private rate: number;
  private paused = false;
  private counts = { generated: 0, published: 0, failedEvents: 0, failedBatches: 0, heldMs: 0 };
  private lastError: string | null = null;

  constructor(options: PlantSimulatorOptions) {
    this.config = createPlantConfig(options.plant ?? {});
    this.enabled = options.enabled ?? true;
    this.bus = options.bus;
    this.rate = checkRate(options.rate ?? 20);
    this.tickMs = positive(options.tickMs, 'tickMs', 100);
    this.maxInFlight = Math.floor(positive(options.maxInFlight, 'maxInFlight', 4));
    this.maxCatchUpMs = positive(options.maxCatchUpMs, 'maxCatchUpMs', 5_000);
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? globalTimers;
    this.onError = options.onError ?? logErrorAs('[simulator]');
    this.onPausedChange = options.onPausedChange ?? (() => undefined);
  }

  /** Starts publishing (resuming the same plant after a stop); does nothing when switched off. */
  start(): void {
    if (!this.enabled || this.timer !== null) return;
    const now = this.now();
    this.state = this.state ? holdPlant(this.state, now) : createPlantState(this.config, now);
    this.schedule();
  }

  /** Stops the timer and waits for the batches already handed to the bus. */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await Promise.all(this.inFlightBatches);
  }

  /** Holds the plant still: nothing is generated until `resume`. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.onPausedChange(true);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.state) this.state = holdPlant(this.state, this.now());
    this.onPausedChange(false);
  }

  setRate(rate: number): void {
    this.rate = checkRate(rate);
  }

  status(): SimulatorStatus {
    return {
      enabled: this.enabled, running: this.timer !== null, paused: this.paused, rate: this.rate, seed: this.config.seed,
      equipment: this.config.equipment.length, simulatedTime: this.state?.clock ?? null, ...this.counts,
      inFlight: this.inFlightBatches.size, lastError: this.lastError,
    };
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => {
      try {
        this.tick();
      } catch (error) {
        this.fail(error);
      }
      if (this.timer !== null) this.schedule();
    }, this.tickMs);
  }

  private tick(): void {
    if (!this.state) return;
    const now = this.now();
    if (this.paused || this.rate === 0) {
      this.state = holdPlant(this.state, now);
      return;
    }
    if (this.inFlightBatches.size >= this.maxInFlight) return this.hold(now);
    if (now - this.state.clock > this.maxCatchUpMs) this.hold(now - this.tickMs);
    const maxEvents = Math.max(1_000, Math.ceil((this.rate * this.tickMs * 4) / 1000));
    const step = simulatePlant(this.config, this.state, { until: now, rate: this.rate, maxEvents });
    this.state = step.state;
    if (step.events.length > 0) this.publish(step.events);
  }

  private hold(until: number): void {
    const state = this.state as PlantSimulationState;
    if (until > state.clock) this.counts.heldMs += until - state.clock;
    this.state = holdPlant(state, until);
  }

  private publish(events: PublishInput[]): void {
    this.counts.generated += events.length;
    const batch = (async () => {
      try {
        await this.bus.publishBatch(events);
        this.counts.published += events.length;
      } catch (error) {
        this.counts.failedBatches += 1;
        this.counts.failedEvents += events.length;
        this.fail(error);
      }
    })();
    this.inFlightBatches.add(batch);
    void batch.finally(() => this.inFlightBatches.delete(batch));
  }

  private fail(error: unknown): void {
    this.lastError = errorText(error);
    try {
      this.onError(error);
    } catch {
      // A failing error listener must not stop the simulator.
    }
  }
}
