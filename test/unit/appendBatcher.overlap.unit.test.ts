/**
 * Two appends in flight (main/bus/appendBatcher.ts): the bus sends its next batch once the
 * store has committed the one before, while that one is made durable; publishes still settle
 * only after their own append is durable, in the order of their batches, and a batch the
 * store refuses is never overtaken.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import type { StagedAppend } from '../../main/bus/stagedAppend';
import type { StoredEvent } from '../../shared/events/event';
import type { AppendInput } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** One append as the store saw it: what it was sent, and the test's hands on its two stages. */
interface AppendCall {
  readonly names: string[];
  readonly commit: Deferred<void>;
  readonly durable: Deferred<void>;
}

/** An in-memory store whose appends commit and become durable when the test says so. */
class StagedStore extends InMemoryEventStore {
  readonly calls: AppendCall[] = [];

  async appendStaged(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StagedAppend> {
    const call: AppendCall = { names: events.map((e) => (e.payload as { name: string }).name), commit: deferred(), durable: deferred() };
    this.calls.push(call);
    await call.commit.promise;
    const stored = await this.append(events, deliveries);
    return { durable: call.durable.promise.then(() => stored) };
  }
}

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function setUp(overlapAt = 1) {
  const store = new StagedStore();
  const bus = new EventBus({ store, overlapAt });
  const settled: string[] = [];
  const publish = (name: string) =>
    bus.publish({ type: 'equipment.telemetry.recorded', payload: { name } }).then(
      (event: StoredEvent) => void settled.push(`${name} stored as ${event.seq}`),
      (error: Error) => void settled.push(`${name} failed: ${error.message}`),
    );
  return { store, bus, settled, publish };
}

/** a committed and on its way to disk, b and c published while it was committed. */
async function aCommittedBAndCWaiting(overlapAt: number) {
  const set = setUp(overlapAt);
  const a = set.publish('a');
  await turns();
  const b = set.publish('b');
  const c = set.publish('c');
  set.store.calls[0]!.commit.resolve();
  await turns();
  return { ...set, a, b, c };
}

/** a committed with nothing waiting, so the bus waits for it to settle; b published after that. */
async function bPublishedAfterACommitted(overlapAt: number) {
  const set = setUp(overlapAt);
  const a = set.publish('a');
  await turns();
  set.store.calls[0]!.commit.resolve();
  await turns();
  const b = set.publish('b');
  await turns();
  return { ...set, a, b };
}

/** a committed and on its way to disk, b sent behind it and committed too. */
async function bothCommitted() {
  const set = setUp();
  const a = set.publish('a');
  await turns();
  set.store.calls[0]!.commit.resolve();
  const b = set.publish('b');
  await turns();
  set.store.calls[1]!.commit.resolve();
  return { ...set, a, b };
}

describe('append batcher: a second append in flight', () => {
  it('sends the next batch once the one before is committed, and settles both in order, each after its own durability', async () => {
    const { store, settled, publish } = setUp();
    const a = publish('a');
    await turns();
    const b = publish('b');
    const c = publish('c');
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a']]);
    store.calls[0]!.commit.resolve();
    await turns();
    // a is committed but not durable: b and c go to the store together, a is not answered yet.
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c']]);
    expect(settled).toEqual([]);
    store.calls[1]!.commit.resolve();
    store.calls[1]!.durable.resolve();
    await turns();
    // b and c are durable first, but wait for a.
    expect(settled).toEqual([]);
    store.calls[0]!.durable.resolve();
    await Promise.all([a, b, c]);
    expect(settled).toEqual(['a stored as 1', 'b stored as 2', 'c stored as 3']);
  });

  it('sends a batch published only after the one before was committed (as the ingest does) before that one is durable', async () => {
    // The bus found nothing waiting when a was committed; b comes later, a is not durable yet.
    const { store, settled, a, b } = await bPublishedAfterACommitted(1);
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b']]);
    store.calls[1]!.commit.resolve();
    store.calls[1]!.durable.resolve();
    await turns();
    expect(settled).toEqual([]);
    store.calls[0]!.durable.resolve();
    await Promise.all([a, b]);
    expect(settled).toEqual(['a stored as 1', 'b stored as 2']);
  });

  it('holds a late batch smaller than overlapAt until the one before has settled', async () => {
    const { store, settled, a, b } = await bPublishedAfterACommitted(2);
    expect(store.calls.map((call) => call.names)).toEqual([['a']]);
    store.calls[0]!.durable.resolve();
    await a;
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b']]);
    store.calls[1]!.commit.resolve();
    store.calls[1]!.durable.resolve();
    await b;
    expect(settled).toEqual(['a stored as 1', 'b stored as 2']);
  });

  it('keeps at most two appends in flight: a third batch waits until the first has settled', async () => {
    const { store, settled, publish, a, b } = await bothCommitted();
    const c = publish('c');
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b']]);
    store.calls[0]!.durable.resolve();
    await a;
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b'], ['c']]);
    store.calls[1]!.durable.resolve();
    store.calls[2]!.commit.resolve();
    store.calls[2]!.durable.resolve();
    await Promise.all([b, c]);
    expect(settled).toEqual(['a stored as 1', 'b stored as 2', 'c stored as 3']);
  });

  it('retries a refused batch unit by unit before anything queued behind it is sent', async () => {
    const { store, settled, publish, a, b, c } = await aCommittedBAndCWaiting(1);
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c']]);
    const d = publish('d');
    store.calls[1]!.commit.reject(new Error('refused together'));
    await turns();
    // b alone is sent next; d waits behind c.
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c'], ['b']]);
    store.calls[2]!.commit.reject(new Error('b is bad'));
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c'], ['b'], ['c']]);
    store.calls[3]!.commit.resolve();
    await turns();
    // c is committed while a is still on its way to disk: d waits for a (two in flight at most).
    expect(store.calls).toHaveLength(4);
    store.calls[0]!.durable.resolve();
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c'], ['b'], ['c'], ['d']]);
    for (const call of [store.calls[3]!, store.calls[4]!]) call.durable.resolve();
    store.calls[4]!.commit.resolve();
    await Promise.all([a, b, c, d]);
    expect(settled).toEqual(['a stored as 1', 'b failed: b is bad', 'c stored as 2', 'd stored as 3']);
  });

  it('sends fewer events than the overlap mark only once the batch before has settled, together', async () => {
    const { store, settled, publish, a, b, c } = await aCommittedBAndCWaiting(3);
    expect(store.calls.map((call) => call.names)).toEqual([['a']]);
    const d = publish('d');
    store.calls[0]!.durable.resolve();
    await turns();
    expect(store.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c', 'd']]);
    store.calls[1]!.commit.resolve();
    store.calls[1]!.durable.resolve();
    await Promise.all([a, b, c, d]);
    expect(settled).toEqual(['a stored as 1', 'b stored as 2', 'c stored as 3', 'd stored as 4']);
  });

  it('fails both batches when the first cannot be made durable after the second was sent', async () => {
    const { store, settled, a, b } = await bothCommitted();
    // The journal fails a's write and, chained on it, b's.
    store.calls[0]!.durable.reject(new Error('journal write failed'));
    store.calls[1]!.durable.reject(new Error('journal: expected seq 1 next, got 2'));
    await Promise.all([a, b]);
    expect(settled).toEqual(['a failed: journal write failed', 'b failed: journal: expected seq 1 next, got 2']);
  });
});
