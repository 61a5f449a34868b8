import { afterEach, beforeEach, vi } from 'vitest';

/** Every test of the file runs on fake timers whose clock starts at `now`; real timers again after each. */
export function useFakeTimersFrom(now: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ now });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
