/**
 * Bus throughput, publish → processed, on the in-memory store or on the product's store path
 * (busStore.ts), next to the same workload on Node's EventEmitter with async handlers.
 *
 * The clock runs from the first publish until the handlers have processed every event (for
 * 10 subscribers, all 10 × N deliveries). Publishes are kept `inFlight` at a time, as many
 * concurrent producers would; the bus groups them into shared store transactions.
 */
import { EventEmitter } from 'node:events';
import { EventBus } from '../../main/bus/eventBus';
import type { EventStore } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { perSecond } from './stats';
import { TELEMETRY_TYPE, type TelemetryInput } from './workload';

/** A promise resolved by the handler that takes the `target`-th event. */
function countdown(target: number): { tick: () => void; done: Promise<void> } {
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  if (target === 0) finish();
  return {
    tick: () => {
      seen += 1;
      if (seen === target) finish();
    },
    done,
  };
}

/** Events per second through an EventBus with `subscribers` handlers, on `store` (a fresh in-memory one by default). */
export async function measureBus(inputs: readonly TelemetryInput[], subscribers: number, inFlight: number, store?: EventStore): Promise<number> {
  const bus = new EventBus({ store: store ?? new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText }), source: 'simulator' });
  const { tick, done } = countdown(inputs.length * subscribers);
  for (let s = 0; s < subscribers; s++) {
    bus.addHandler('equipment.*', async () => tick(), { name: `bench-${s + 1}` });
  }
  // Let the subscribers finish their start-up (recovery of pending deliveries: none here).
  await bus.drain();

  let next = 0;
  const producer = async () => {
    while (next < inputs.length) {
      const input = inputs[next++] as TelemetryInput;
      await bus.publish(input);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, inputs.length) }, producer));
  await done;
  const elapsed = performance.now() - started;

  await bus.drain();
  await bus.close();
  return perSecond(inputs.length, elapsed);
}

/** Events per second through Node's EventEmitter with `subscribers` async listeners. */
export async function measureEmitter(inputs: readonly TelemetryInput[], subscribers: number): Promise<number> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(subscribers + 1);
  const { tick, done } = countdown(inputs.length * subscribers);
  for (let s = 0; s < subscribers; s++) {
    emitter.on(TELEMETRY_TYPE, async () => tick());
  }
  const started = performance.now();
  for (const input of inputs) emitter.emit(input.type, input);
  await done;
  const elapsed = performance.now() - started;
  emitter.removeAllListeners();
  return perSecond(inputs.length, elapsed);
}
