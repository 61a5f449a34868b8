/**
 * The messages between main's StoreClient and the store host, whatever carries them (an
 * Electron MessagePort, a WebSocket in browser mode). Requests travel in batches; the host
 * answers each batch with one batch of responses, in order.
 *
 * The host is the far side of a process boundary: `parseStoreRequest` checks the method
 * name against the list below and every argument's shape before the store sees it.
 */
import { z } from 'zod';
import { checkStatusArgs } from './deliveryCheck';
import type { StoredEvent } from '../events/event';

export const STORE_METHODS = [
  'append', 'get', 'getBySeq', 'query', 'count', 'headSeq', 'updateStatuses', 'putDeliveries', 'getDelivery',
  'pendingDeliveries', 'deliveriesOf', 'deadLetters', 'saveSnapshot', 'nearestSnapshot', 'chainHead',
] as const;
export type StoreMethod = (typeof STORE_METHODS)[number];

export interface StoreRequest {
  readonly id: number;
  readonly method: StoreMethod;
  readonly args: readonly unknown[];
}

export type StoreResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: StoreError };

/**
 * What an append answers over the link: the first seq and each event's hash. The client has
 * the events it sent; the rest of each stored event (seq, subject) follows from them, so
 * the events do not travel back.
 */
export interface AppendReply {
  readonly first: number;
  readonly hashes: readonly string[];
}

export function appendReplyOf(stored: readonly StoredEvent[]): AppendReply {
  return { first: stored[0]?.seq ?? 0, hashes: stored.map((event) => event.hash ?? '') };
}

/** Checks an append's reply for `count` events; throws an Error naming what is wrong. */
export function parseAppendReply(candidate: unknown, count: number): AppendReply {
  const reply = candidate as Partial<AppendReply> | null;
  if (reply === null || typeof reply !== 'object' || !Array.isArray(reply.hashes) || reply.hashes.length !== count) {
    throw new TypeError(`append reply: must carry ${count} hashes`);
  }
  if (count > 0 && !(Number.isSafeInteger(reply.first) && (reply.first as number) >= 1)) throw new TypeError('append reply: first must be a seq of at least 1');
  if (!reply.hashes.every((hash) => typeof hash === 'string')) throw new TypeError('append reply: every hash must be a string');
  return reply as AppendReply;
}

/** An error as it crosses: validation errors keep the field and rule they name. */
export interface StoreError {
  readonly name: string;
  readonly message: string;
  readonly field?: string;
  readonly rule?: string;
}

export type StoreMessage =
  | { readonly kind: 'requests'; readonly requests: readonly StoreRequest[] }
  | { readonly kind: 'responses'; readonly responses: readonly StoreResponse[] }
  /** The host's first message: it is ready to serve. */
  | { readonly kind: 'ready' };

const text = z.string().min(1).max(200);
const ms = z.number().refine(Number.isFinite, 'must be finite');
const snapshot = z.object({ key: text, seq: z.number().int().nonnegative(), maxTimestamp: ms, state: z.json(), createdAt: ms }).strict();
const bounds = z.object({ toSeq: z.number().optional(), toTime: z.number().optional() }).strict();
const many = <T extends z.ZodType>(item: T) => z.array(item).max(100_000);

/**
 * Argument shapes per method. Events and queries are checked again, field by field, by the
 * store; delivery records and status updates by deliveryCheck.ts.
 */
const ARGS: Record<Exclude<StoreMethod, 'putDeliveries' | 'updateStatuses'>, z.ZodType<readonly unknown[]>> = {
  append: z.union([z.tuple([many(z.unknown())]), z.tuple([many(z.unknown()), many(z.array(text).max(1_000))])]),
  get: z.tuple([text]),
  getBySeq: z.tuple([z.number()]),
  query: z.tuple([z.unknown()]),
  count: z.union([z.tuple([]), z.tuple([z.unknown()])]),
  headSeq: z.tuple([]),
  getDelivery: z.tuple([text, text]),
  pendingDeliveries: z.tuple([text]),
  deliveriesOf: z.tuple([text]),
  deadLetters: z.tuple([]),
  saveSnapshot: z.tuple([snapshot]),
  nearestSnapshot: z.union([z.tuple([text]), z.tuple([text, bounds])]),
  chainHead: z.tuple([]),
};

/** Checks one request from the other side; throws an Error naming what is wrong. */
export function parseStoreRequest(candidate: unknown): StoreRequest {
  if (candidate === null || typeof candidate !== 'object') throw new TypeError('request: must be an object');
  const { id, method, args } = candidate as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new TypeError('request.id: must be an integer');
  if (typeof method !== 'string' || !(STORE_METHODS as readonly string[]).includes(method)) {
    throw new TypeError(`request.method: "${String(method)}" is not a store method`);
  }
  if (method === 'putDeliveries' || method === 'updateStatuses') return { id, method, args: checkStatusArgs(method, args) };
  const parsed = ARGS[method as keyof typeof ARGS].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`${method}(${['args', ...(issue?.path ?? [])].join('.')}): ${issue?.message ?? 'invalid arguments'}`);
  }
  return { id, method: method as StoreMethod, args: parsed.data };
}

/** Checks a message's envelope; the requests or responses inside are checked one by one. */
export function parseStoreMessage(candidate: unknown): StoreMessage {
  if (candidate === null || typeof candidate !== 'object') throw new TypeError('message: must be an object');
  const message = candidate as Record<string, unknown>;
  if (message.kind === 'ready') return { kind: 'ready' };
  if (message.kind === 'requests' && Array.isArray(message.requests)) return message as unknown as StoreMessage;
  if (message.kind === 'responses' && Array.isArray(message.responses)) return message as unknown as StoreMessage;
  throw new TypeError(`message.kind: "${String(message.kind)}" is not a store message`);
}
