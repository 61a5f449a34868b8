/**
 * The system producer: every few seconds it publishes `system.bus.health.reported` with the
 * bus's queue depths, rates and dead letters and the store's size, so that the health of the
 * system is recorded and replayed like everything else. A failed report is counted and
 * reported, never thrown at the process.
 */
import type { BusMetrics } from '../../shared/api/metrics';
import type { JsonObject, StoredEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import { EventValidationError } from '../../shared/events/validate';
import { errorText, globalTimers, type ProducerTimers } from './timers';
import { logErrorAs } from '../core/logError';

export const HEALTH_EVENT_TYPE = 'system.bus.health.reported';

export interface SystemHealthOptions {
  readonly bus: { publish(event: PublishInput): Promise<StoredEvent>; metrics(): BusMetrics };
  readonly store: { headSeq(): Promise<number> };
  /** How the store is reached (the store client), when it is not in process. */
  readonly storeStatus?: () => { connected: boolean; restarts: number };
  /** Default 5,000 ms. */
  readonly intervalMs?: number;
  readonly timers?: ProducerTimers;
  readonly onError?: (error: unknown) => void;
}

export interface SystemHealthStatus {
  readonly running: boolean;
  readonly reports: number;
  readonly failures: number;
  /** Reports skipped because the previous one was still being published. */
  readonly skipped: number;
  readonly lastError: string | null;
}

const rounded = (value: number) => Math.round(value * 100) / 100;

/** The report's payload (pure): totals, rates, one entry per subscriber queue, the store's size. */
export function healthPayload(metrics: BusMetrics, headSeq: number, link: { connected: boolean; restarts: number }, intervalMs: number): JsonObject {
  const queues = metrics.subscribers.map((s) => ({
    subscriber: s.name, pattern: s.pattern, depth: s.queueDepth, inFlight: s.inFlight,
    processedPerSecond: rounded(s.processedPerSecond), retries: s.retries, deadLetters: s.deadLetters, p95Ms: rounded(s.processingMs.p95),
  }));
  return {
    subject: 'system.bus',
    intervalMs,
    published: metrics.published,
    processed: metrics.processed,
    publishedPerSecond: rounded(metrics.publishedPerSecond),
    processedPerSecond: rounded(metrics.processedPerSecond),
    queueDepth: queues.reduce((sum, q) => sum + q.depth, 0),
    queues,
    retries: metrics.retries,
    deadLetters: metrics.deadLetters,
    pendingAppends: metrics.pendingAppends,
    pendingStatusWrites: metrics.pendingStatusWrites,
    store: { events: headSeq, headSeq, connected: link.connected, restarts: link.restarts },
  };
}

export class SystemHealthReporter {
  private readonly intervalMs: number;
  private readonly timers: ProducerTimers;
  private readonly onError: (error: unknown) => void;
  private timer: unknown = null;
  private pending: Promise<StoredEvent | null> | null = null;
  private counts = { reports: 0, failures: 0, skipped: 0 };
  private lastError: string | null = null;

  constructor(private readonly options: SystemHealthOptions) {
    const interval = options.intervalMs ?? 5_000;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 100) throw new EventValidationError('intervalMs', 'must be at least 100 ms');
    this.intervalMs = interval;
    this.timers = options.timers ?? globalTimers;
    this.onError = options.onError ?? logErrorAs('[system-health]');
  }

  start(): void {
    if (this.timer !== null) return;
    const loop = () => {
      this.timer = this.timers.setTimeout(() => {
        if (this.pending) this.counts.skipped += 1;
        else void this.reportNow();
        if (this.timer !== null) loop();
      }, this.intervalMs);
    };
    loop();
  }

  /** Stops the timer and waits for a report being published. */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.pending;
  }

  /** Publishes one report now; resolves with it, or null when it failed (counted and reported). */
  reportNow(): Promise<StoredEvent | null> {
    const report = (async () => {
      await Promise.resolve(); // `pending` is set before anything below can finish
      try {
        const headSeq = await this.options.store.headSeq();
        const link = this.options.storeStatus?.() ?? { connected: true, restarts: 0 };
        const payload = healthPayload(this.options.bus.metrics(), headSeq, link, this.intervalMs);
        const stored = await this.options.bus.publish({ type: HEALTH_EVENT_TYPE, payload, source: 'system-health', priority: 'LOW' });
        this.counts.reports += 1;
        return stored;
      } catch (error) {
        this.counts.failures += 1;
        this.lastError = errorText(error);
        try {
          this.onError(error);
        } catch {
          // A failing error listener must not stop the reports.
        }
        return null;
      } finally {
        this.pending = null;
      }
    })();
    this.pending = report;
    return report;
  }

  status(): SystemHealthStatus {
    return { running: this.timer !== null, ...this.counts, lastError: this.lastError };
  }
}
