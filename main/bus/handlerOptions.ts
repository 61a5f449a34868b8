/** Options of `addHandler`, checked when the handler is added. */
import type { RetryPolicy } from './backoff';

export interface HandlerOptions {
  /** Durable name: deliveries not acknowledged under this name are redelivered after a restart. Defaults to the pattern. */
  readonly name?: string;
  /** Queue capacity; `publish` waits when it is full. */
  readonly queueCapacity?: number;
  /** Handler calls running at once (1 keeps order). Ignored for batch handlers. */
  readonly concurrency?: number;
  /** Attempts in all before the delivery is dead-lettered. */
  readonly maxAttempts?: number;
  readonly retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  /** Deliver arrays of up to `maxSize` events, waiting at most `maxWaitMs` to fill one. */
  readonly batch?: { readonly maxSize: number; readonly maxWaitMs: number };
}

export interface ParsedHandlerOptions {
  readonly name?: string;
  readonly capacity: number;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly batch?: { readonly maxSize: number; readonly maxWaitMs: number };
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${field}: must be a whole number of at least 1 (got ${String(value)})`);
  }
  return value;
}

function nonNegative(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${field}: must be a finite number of at least 0 (got ${String(value)})`);
  }
  return value;
}

export function parseHandlerOptions(options: HandlerOptions, defaults: { capacity: number; retry: RetryPolicy }): ParsedHandlerOptions {
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '' || options.name.length > 200)) {
    throw new TypeError('name: must be a non-empty string of at most 200 characters');
  }
  const retry: RetryPolicy = {
    maxAttempts: positiveInteger(options.maxAttempts, 'maxAttempts', defaults.retry.maxAttempts),
    baseDelayMs: nonNegative(options.retry?.baseDelayMs, 'retry.baseDelayMs', defaults.retry.baseDelayMs),
    maxDelayMs: nonNegative(options.retry?.maxDelayMs, 'retry.maxDelayMs', defaults.retry.maxDelayMs),
    jitter: nonNegative(options.retry?.jitter, 'retry.jitter', defaults.retry.jitter),
  };
  if (retry.jitter > 1) throw new RangeError(`retry.jitter: must be between 0 and 1 (got ${retry.jitter})`);
  const batch = options.batch && {
    maxSize: positiveInteger(options.batch.maxSize, 'batch.maxSize', 100),
    maxWaitMs: nonNegative(options.batch.maxWaitMs, 'batch.maxWaitMs', 10),
  };
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    capacity: positiveInteger(options.queueCapacity, 'queueCapacity', defaults.capacity),
    concurrency: positiveInteger(options.concurrency, 'concurrency', 1),
    retry,
    ...(batch ? { batch } : {}),
  };
}
