/**
 * A clock an alarm test moves by hand. The alarm monitor reads `monitorNow` once a tick, so
 * counting those reads tells the test that the monitor has run at the time it set
 * (`letTick`); other readers (the simulator) use `now`, which is not counted.
 */
import { expect, vi } from 'vitest';

export interface HandClock {
  /** For the alarm monitor: the time, counted as one tick. */
  readonly monitorNow: () => number;
  readonly now: () => number;
  readonly set: (at: number) => void;
  readonly ticks: () => number;
}

export function handClock(start: number): HandClock {
  let now = start;
  let reads = 0;
  return {
    monitorNow: () => (reads++, now),
    now: () => now,
    set: (at) => void (now = at),
    ticks: () => reads,
  };
}

/** Lets the monitor tick a few times at the clock's current time. */
export async function letTick(time: HandClock): Promise<void> {
  const seen = time.ticks();
  await vi.waitFor(() => expect(time.ticks()).toBeGreaterThan(seen + 3));
}
