/**
 * The audit benchmark's store, in a worker thread: the in-memory store filled with the
 * benchmark's events and served over the store RPC (serveStore), as the store host page
 * serves the Dexie store. The export in the main thread reads it through a StoreClient, so,
 * as in the application, the store's million events live in another heap than the export's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JsonObject } from '../../shared/events/event';
import type { MessageLink } from '../../shared/rpc/link';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { serveStore } from '../../shared/rpc/serveStore';
import { telemetryEvents } from './workload';

/** What a worker's port and the Worker object both offer. */
interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A worker port (or the Worker, from the main thread) as a MessageLink; closing is the benchmark's own business. */
export function workerPortLink(port: PortLike): MessageLink {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => void port.on('message', listener),
    onClose: () => undefined,
    close: () => undefined,
  };
}

async function main(count: number): Promise<void> {
  const store = new InMemoryEventStore();
  for (let i = 0; i < count; i += 10_000) {
    const events = telemetryEvents(Math.min(10_000, count - i)).map((event, j) => ({ ...event, payload: { ...(event.payload as JsonObject), n: i + j } }));
    await store.append(events);
  }
  serveStore(store, workerPortLink(parentPort!));
}

if (parentPort) void main((workerData as { count: number }).count);
