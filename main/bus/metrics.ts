/** Counters, rates and processing-time percentiles for the bus and each subscriber. */

/** Keeps the most recent processing times and answers percentiles over them. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 2048) {
    this.samples = new Float64Array(size);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
  }

  /** Percentiles (0..100) of the recorded window, nearest-rank; 0 when nothing was recorded. */
  percentiles(...ps: number[]): number[] {
    if (this.filled === 0) return ps.map(() => 0);
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number);
  }
}

/** Events per second over a sliding window of whole seconds. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.stamps = new Array<number>(windowSeconds).fill(-1);
  }

  /** Counts `count` events at `at` (ms since the epoch; now when not given). */
  add(count = 1, at = this.now()): void {
    const second = Math.floor(at / 1000);
    const slot = second % this.windowSeconds;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot] = (this.buckets[slot] as number) + count;
  }

  /** Average rate over the last full window (the current second included). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      const stamp = this.stamps[i] as number;
      if (stamp >= 0 && second - stamp < this.windowSeconds) total += this.buckets[i] as number;
    }
    return total / this.windowSeconds;
  }
}

export type { BusMetrics, SubscriberMetrics } from '../../shared/api/metrics';
