/**
 * The floor on back-to-back appends (main/bus/appendFloor.ts) and the ingest publisher that
 * uses it: a message into an idle publisher goes to the bus at once; what arrives while a batch
 * is in flight waits until the floor has passed since that batch was sent, or until enough
 * events wait, so that a steady stream makes fewer, larger appends and no event waits longer
 * than the floor. The bus has no floor: a caller that waits for each batch is not held.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppendFloor, type AppendFloorOptions } from '../../main/bus/appendFloor';
import { EventBus } from '../../main/bus/eventBus';
import type { StagedAppend } from '../../main/bus/stagedAppend';
import { IngestPublisher } from '../../main/ingest/ingestPublisher';
import type { PlantEvent } from '../../shared/events/event';
import type { PublishInput } from '../../shared/events/validate';
import type { AppendInput } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const FLOOR: AppendFloorOptions = { ms: 10, events: 4 };
/** How long the fake store takes to commit an append, and then to make it durable. */
const COMMIT_MS = 1;
const DURABLE_MS = 2;

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
afterEach(() => void vi.useRealTimers());

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** An append as the store saw it: the names of its events and when it was sent (fake ms). */
interface Sent {
  readonly names: string[];
  readonly at: number;
}

/** An in-memory store whose appends take COMMIT_MS to commit and DURABLE_MS more to be durable (on the fake clock). */
class SlowStore extends InMemoryEventStore {
  readonly sent: Sent[] = [];

  async appendStaged(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StagedAppend> {
    this.sent.push({ names: events.map((e) => (e.payload as { name: string }).name), at: performance.now() });
    await new Promise((resolve) => setTimeout(resolve, COMMIT_MS));
    const stored = await this.append(events, deliveries);
    return { durable: new Promise((resolve) => setTimeout(() => resolve(stored), DURABLE_MS)) };
  }
}

/** Publishes one event every ms for `ms`, then waits until all are stored; returns when each was published. */
async function stream(publish: (name: string) => Promise<unknown>, ms: number): Promise<Map<string, number>> {
  const publishedAt = new Map<string, number>();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < ms; i++) {
    publishedAt.set(`e${i}`, performance.now());
    all.push(publish(`e${i}`));
    await vi.advanceTimersByTimeAsync(1);
  }
  const done = Promise.all(all);
  await vi.advanceTimersByTimeAsync(100);
  await done;
  return publishedAt;
}

/** The longest any event waited from its publish until its append was sent. */
function longestWait(sent: readonly Sent[], publishedAt: Map<string, number>): number {
  return Math.max(...sent.flatMap(({ names, at }) => names.map((name) => at - (publishedAt.get(name) as number))));
}

describe('append floor', () => {
  it('lets the first append go at once, and one that follows wait until the floor has passed since it', async () => {
    const floor = new AppendFloor(FLOOR);
    let done = false;
    await floor.wait(1);
    floor.sent();
    void floor.wait(1).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(FLOOR.ms - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('ends the wait once enough events wait, and does not wait for that many', async () => {
    const floor = new AppendFloor(FLOOR);
    floor.sent();
    let done = false;
    void floor.wait(1).then(() => (done = true));
    floor.queued(FLOOR.events - 1);
    await turns();
    expect(done).toBe(false);
    floor.queued(FLOOR.events);
    await turns();
    expect(done).toBe(true);
    floor.sent();
    await floor.wait(FLOOR.events);
    expect(performance.now()).toBe(0);
  });

  it('names a floor it cannot use', () => {
    expect(() => new AppendFloor({ ms: -1, events: 0 })).toThrow('append floor: ms must be 0 or more and events 1 or more (got -1 ms, 0 events)');
  });
});

describe('append floor: none in the bus', () => {
  /**
   * A caller that sends its next batch only once the one before is stored (as the plant inbound
   * does), beside a steady trickle of other publishes (derived events, one a ms) that keeps the
   * bus from ever being idle; fake ms until the caller's rounds are stored.
   */
  async function waitingCaller(bus: EventBus, rounds: number): Promise<number> {
    let done = false;
    const caller = (async () => {
      for (let i = 0; i < rounds; i++) await bus.publishBatch([{ type: 'equipment.telemetry.recorded', payload: { name: `c${i}` } }]);
      done = true;
    })();
    const started = performance.now();
    const trickle: Promise<unknown>[] = [];
    for (let n = 0; !done && n < 10_000; n++) {
      trickle.push(bus.publish({ type: 'equipment.telemetry.recorded', payload: { name: `t${n}` } }));
      await vi.advanceTimersByTimeAsync(1);
    }
    const took = performance.now() - started;
    await caller;
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(trickle);
    return took;
  }

  it('does not hold a caller that waits for each batch: its rounds take about what the store takes', async () => {
    const rounds = 20;
    const took = await waitingCaller(new EventBus({ store: new SlowStore() }), rounds);
    // A round is about one append's commit and sync (3 ms), twice that at worst behind another append.
    expect(took).toBeLessThanOrEqual(rounds * 2 * (COMMIT_MS + DURABLE_MS) + 5);
  });
});

describe('append floor: the ingest publisher', () => {
  type Batch = readonly (PlantEvent | PublishInput)[];

  /** A bus whose batches take COMMIT_MS + DURABLE_MS to be stored. */
  function ingestOn(floor: AppendFloorOptions) {
    const sent: Sent[] = [];
    const bus = {
      async publishBatch(batch: Batch) {
        sent.push({ names: batch.map((e) => (e.payload as { name: string }).name), at: performance.now() });
        await new Promise((resolve) => setTimeout(resolve, COMMIT_MS + DURABLE_MS));
        return batch;
      },
    };
    const publisher = new IngestPublisher({ bus, appendFloor: floor });
    const publish = (name: string) => {
      publisher.enqueue({ type: 'equipment.telemetry.recorded', payload: { name } });
      return Promise.resolve();
    };
    return { sent, publisher, publish };
  }

  it('hands a message into an idle publisher to the bus at once', async () => {
    const { sent, publish } = ingestOn(FLOOR);
    await publish('a');
    await turns();
    expect(sent).toEqual([{ names: ['a'], at: 0 }]);
  });

  it('groups a stream of messages into fewer batches, and no message waits longer than the floor for its batch', async () => {
    const without = ingestOn({ ms: 0, events: 1 });
    await stream(without.publish, 100);
    const { sent, publisher, publish } = ingestOn({ ms: 10, events: 128 });
    const publishedAt = await stream(publish, 100);
    await publisher.idle();
    expect(sent.flatMap((s) => s.names)).toHaveLength(100);
    expect(without.sent.length).toBeGreaterThanOrEqual(30);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(longestWait(sent, publishedAt)).toBeLessThanOrEqual(10);
  });
});
