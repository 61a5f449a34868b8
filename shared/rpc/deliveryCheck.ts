/**
 * The store host's check of delivery records and status updates, the two arguments the bus
 * sends for every event it delivers. The same rules as storeProtocol.ts's schemas had, written
 * out by hand: a generic schema walk cost the store host about a tenth of its time per event
 * on the bus's path. A problem is thrown as `args.0.<index>.<field>: <what is wrong>`.
 */
import { EVENT_STATUSES } from '../events/event';

const DELIVERY_STATUSES: ReadonlySet<unknown> = new Set(['PUBLISHED', 'DELIVERED', 'PROCESSED', 'FAILED']);
const STATUSES: ReadonlySet<unknown> = new Set(EVENT_STATUSES);
const DELIVERY_KEYS: ReadonlySet<string> = new Set([
  'eventId', 'seq', 'subscriber', 'status', 'attempts', 'lastError', 'errors', 'nextAttemptAt', 'deadLetteredAt', 'discardedAt', 'discardReason', 'updatedAt',
]);
const ERROR_KEYS: ReadonlySet<string> = new Set(['attempt', 'at', 'message']);
const UPDATE_KEYS: ReadonlySet<string> = new Set(['eventId', 'status']);
const MAX_ITEMS = 100_000;

class ArgsProblem extends TypeError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

type Fields = Record<string, unknown>;

function objectAt(value: unknown, path: string, keys: ReadonlySet<string>): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ArgsProblem(path, 'must be an object');
  for (const key in value) if (!keys.has(key)) throw new ArgsProblem(path, `unknown field "${key}"`);
  return value as Fields;
}

function listAt(value: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new ArgsProblem(path, 'must be a list');
  if (value.length > max) throw new ArgsProblem(path, `at most ${max} items`);
  return value;
}

function text(fields: Fields, key: string, path: string, min: number, max: number, optional = false): void {
  const value = fields[key];
  if (optional && value === undefined) return;
  if (typeof value !== 'string') throw new ArgsProblem(`${path}.${key}`, 'must be text');
  if (value.length < min || value.length > max) throw new ArgsProblem(`${path}.${key}`, `must be ${min} to ${max} characters`);
}

function whole(fields: Fields, key: string, path: string, min: number): void {
  const value = fields[key];
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ArgsProblem(`${path}.${key}`, `must be a whole number of at least ${min}`);
}

function time(fields: Fields, key: string, path: string, optional = false): void {
  const value = fields[key];
  if (optional && value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgsProblem(`${path}.${key}`, 'must be a finite number');
}

function choice(fields: Fields, key: string, path: string, allowed: ReadonlySet<unknown>): void {
  if (!allowed.has(fields[key])) throw new ArgsProblem(`${path}.${key}`, `must be one of ${[...allowed].join(', ')}`);
}

function checkDelivery(value: unknown, path: string): void {
  const fields = objectAt(value, path, DELIVERY_KEYS);
  text(fields, 'eventId', path, 1, 200);
  whole(fields, 'seq', path, 1);
  text(fields, 'subscriber', path, 1, 200);
  choice(fields, 'status', path, DELIVERY_STATUSES);
  whole(fields, 'attempts', path, 0);
  text(fields, 'lastError', path, 0, 10_000, true);
  listAt(fields.errors, `${path}.errors`, 100).forEach((error, i) => {
    const at = `${path}.errors.${i}`;
    const item = objectAt(error, at, ERROR_KEYS);
    whole(item, 'attempt', at, 0);
    time(item, 'at', at);
    text(item, 'message', at, 0, 10_000);
  });
  for (const key of ['nextAttemptAt', 'deadLetteredAt', 'discardedAt']) time(fields, key, path, true);
  text(fields, 'discardReason', path, 0, 1_000, true);
  time(fields, 'updatedAt', path);
}

function checkUpdate(value: unknown, path: string): void {
  const fields = objectAt(value, path, UPDATE_KEYS);
  text(fields, 'eventId', path, 1, 200);
  choice(fields, 'status', path, STATUSES);
}

/** Checks `putDeliveries`' or `updateStatuses`' arguments; throws an Error naming the method, the place and the problem. */
export function checkStatusArgs(method: 'putDeliveries' | 'updateStatuses', args: unknown): readonly unknown[] {
  try {
    const list = listAt(args, 'args', Number.MAX_SAFE_INTEGER);
    if (list.length !== 1) throw new ArgsProblem('args', 'must hold one list');
    const check = method === 'putDeliveries' ? checkDelivery : checkUpdate;
    listAt(list[0], 'args.0', MAX_ITEMS).forEach((item, i) => check(item, `args.0.${i}`));
    return list;
  } catch (error) {
    if (error instanceof ArgsProblem) throw new TypeError(`${method}(${error.path}): ${error.problem}`);
    throw error;
  }
}
