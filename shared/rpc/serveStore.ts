/**
 * The store host's side of the store RPC: takes request batches from main, runs them on
 * the store one after another (so appends keep their order), and answers each batch with one
 * message. A request that fails validation gets an error response; the store never sees it.
 * An append is answered with its first seq and hashes only (storeProtocol.ts: AppendReply).
 *
 * Plain TypeScript over a MessageLink, with no DOM: the store host page serves its Dexie
 * store with it, and tests and the benchmark serve their stores with it in Node.
 */
import { EventValidationError } from '../events/validate';
import type { EventStore } from '../store/eventStore';
import type { MessageLink } from './link';
import type { StoredEvent } from '../events/event';
import { appendReplyOf, parseStoreMessage, parseStoreRequest, type StoreError, type StoreResponse } from './storeProtocol';

function errorOf(error: unknown): StoreError {
  if (error instanceof EventValidationError) return { name: error.name, message: error.message, field: error.field, rule: error.rule };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function serveStore(store: EventStore, link: MessageLink): void {
  let queue: Promise<void> = Promise.resolve();
  link.onMessage((raw) => {
    queue = queue.then(() => handle(raw));
  });
  link.send({ kind: 'ready' });

  async function handle(raw: unknown): Promise<void> {
    let requests: readonly unknown[];
    try {
      const message = parseStoreMessage(raw);
      if (message.kind !== 'requests') return;
      requests = message.requests;
    } catch (error) {
      console.warn('[store host] ignored a message:', errorOf(error).message);
      return;
    }
    // Requests run in order. Consecutive appends and snapshots are handed to the store
    // together, without waiting for each, so that it can write them in one group commit (it
    // keeps their order); any other request waits until the writes before it have settled.
    const settled: Promise<StoreResponse>[] = [];
    let appends: Promise<unknown>[] = [];
    for (const candidate of requests) {
      const id = typeof (candidate as { id?: unknown })?.id === 'number' ? (candidate as { id: number }).id : -1;
      let request: ReturnType<typeof parseStoreRequest>;
      try {
        request = parseStoreRequest(candidate);
      } catch (error) {
        settled.push(Promise.resolve({ id, ok: false, error: errorOf(error) }));
        continue;
      }
      const grouped = request.method === 'append' || request.method === 'saveSnapshot';
      if (!grouped) {
        await Promise.allSettled(appends);
        appends = [];
      }
      const call = store[request.method] as (...args: readonly unknown[]) => Promise<unknown>;
      const running = Promise.resolve()
        .then(() => call.apply(store, [...request.args]))
        .then((value) => (request.method === 'append' ? appendReplyOf(value as StoredEvent[]) : value));
      const response = running.then(
        (value): StoreResponse => ({ id, ok: true, value: value ?? null }),
        (error: unknown): StoreResponse => ({ id, ok: false, error: errorOf(error) }),
      );
      settled.push(response);
      if (grouped) appends.push(running);
      else await response;
    }
    const responses = await Promise.all(settled);
    link.send({ kind: 'responses', responses });
  }
}
