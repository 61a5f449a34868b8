/**
 * A floor on how often appends follow one another. Every append costs the store host a share
 * of its own whatever its size (a transaction, a commit, a round trip), and a faster append
 * settles sooner, so that a steady stream sent "as soon as the one before settled" turns into
 * ever more, ever smaller appends (2,190 of 18 events in 20 s at 2,000 events/s). An append
 * that follows the one before (back to back) therefore waits until `ms` have passed since
 * that one was sent, or until `events` wait for it, whichever comes first. Only back-to-back
 * appends are held: the first one after a pause (a lone message into an idle publisher) is
 * the caller's to send at once.
 *
 * The ingest publisher uses it: it gathers what its sources push, and that is where the
 * end-to-end path forms its appends. The bus does not: a caller that sends its next batch only
 * once the one before is stored (the plant inbound), beside other publishes that keep the bus
 * busy, would be held to one batch per floor (in the bus, a 20 ms floor put the plant fan-out's
 * p50 at 2.6 s instead of 0.5 ms).
 */
export interface AppendFloorOptions {
  /** The least time between the sending of two appends that follow one another. */
  readonly ms: number;
  /** Events waiting that go at once all the same. */
  readonly events: number;
}

/**
 * 20 ms: at 2,000 events/s on a loaded machine (load 10-15) an append settled about every
 * 12 ms, so a floor of 10 ms seldom held one back (1,259 appends in 20 s against 1,431), while
 * 20 ms made 858, and the store host spent 142 instead of 185 ms of CPU per 1,000 events.
 * On a quieter machine (load 4) appends settled every 7 ms: 2,834 of 14 events without the
 * floor, 1,011 of 40 with it, and the store host spent 135 instead of 250 ms.
 * 64 events: about what 5,000 events/s (where the latency goal is measured) gather while an
 * append settles, so there the floor seldom holds an append back.
 */
export const APPEND_FLOOR: AppendFloorOptions = { ms: 20, events: 64 };

export class AppendFloor {
  private sentAt = Number.NEGATIVE_INFINITY;
  private wake: (() => void) | null = null;

  constructor(private readonly options: AppendFloorOptions = APPEND_FLOOR) {
    if (!(options.ms >= 0) || !(options.events >= 1)) throw new Error(`append floor: ms must be 0 or more and events 1 or more (got ${options.ms} ms, ${options.events} events)`);
  }

  /** An append was sent now. */
  sent(): void {
    this.sentAt = performance.now();
  }

  /** Resolves once an append of `waiting` events may follow the last one sent (see above). */
  async wait(waiting: number): Promise<void> {
    const left = this.sentAt + this.options.ms - performance.now();
    if (left <= 0 || waiting >= this.options.events) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake?.(), left);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Now `waiting` events wait: a wait ends early once they are enough. */
  queued(waiting: number): void {
    if (waiting >= this.options.events) this.wake?.();
  }
}
