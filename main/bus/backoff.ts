/** Retry timing: exponential backoff with jitter, and the retry policy's defaults. */

export interface RetryPolicy {
  /** Attempts in all, the first delivery included, before the delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** Delay before the first retry. */
  readonly baseDelayMs: number;
  /** No retry waits longer than this. */
  readonly maxDelayMs: number;
  /** Fraction of the delay that is randomised (0 = none, 1 = anywhere from 0 to the delay). */
  readonly jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 30_000, jitter: 0.5 };

/**
 * The delay before retry number `failedAttempts` (1 after the first failure): the base delay
 * doubled for each further failure, capped, then shortened by a random share of up to `jitter`
 * so that subscribers failing together do not retry in lockstep.
 */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}
