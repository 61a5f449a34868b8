/**
 * The EventStore contract: one suite, run against every implementation and environment
 * (InMemoryEventStore; DexieEventStore on fake-indexeddb and on Chromium's IndexedDB).
 * Each test gets a fresh, empty store from `makeStore`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyEvent } from '../../shared/domain/equipment';
import type { JsonObject, PlantEvent, StoredEvent } from '../../shared/events/event';
import { EventValidationError } from '../../shared/events/validate';
import { GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { EventQuery, EventStore, ReplayOptions } from '../../shared/store/eventStore';
import { generateInvalidEvents } from '../support/invalidEvents';
import { BASE_TIME, equipmentEvent, makeDelivery, makeEvent, makeEvents } from '../support/events';

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Opens a new store on the same data; the suite closes `store` first. Absent for stores that keep nothing. */
  readonly reopen?: () => Promise<EventStore>;
  readonly cleanup?: () => Promise<void>;
  /**
   * Changes the stored record of event `seq` behind the store's back (its database or its
   * internal arrays): `edit` returns the new record, or undefined to remove it. For the audit
   * chain tests.
   */
  readonly tamper?: TamperWithEvent;
}

export type TamperWithEvent = (seq: number, edit: (event: StoredEvent) => StoredEvent | undefined) => Promise<void>;

/** True when an error names `field` (or a part of it, e.g. `payload.a` for `payload`). */
function namesField(error: unknown, field: string): boolean {
  if (!(error instanceof EventValidationError)) return false;
  const named = error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`);
  return named && error.message.includes(error.field);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}

async function expectRejectsNaming(promise: Promise<unknown>, field: string): Promise<void> {
  const error = await rejection(promise);
  expect(namesField(error, field), `expected an error naming "${field}", got: ${String(error)}`).toBe(true);
}

/** Every event the query matches, following nextCursor to the end. */
async function allPages(store: EventStore, query: EventQuery): Promise<StoredEvent[][]> {
  const pages: StoredEvent[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ ...query, ...(cursor ? { cursor } : {}) });
    pages.push(page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

const seqs = (events: readonly StoredEvent[]) => events.map((e) => e.seq);

/** Everything observable about the events of a store, for before/after comparisons. */
async function contentOf(store: EventStore) {
  const events = (await allPages(store, { limit: 1000 })).flat();
  return { head: await store.headSeq(), count: await store.count(), events };
}

/** A varied fixture: 3 equipment, 3 sources, all priorities, 2 correlation flows, mixed types. */
function fixture(): PlantEvent[] {
  const types = ['equipment.status.changed', 'equipment.telemetry.recorded', 'quality.check.failed', 'maintenance.scheduled'];
  const priorities = ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const;
  return makeEvents(48, (i) => ({
    type: types[i % 4]!,
    source: `line-${i % 3}`,
    priority: priorities[i % 4]!,
    status: i % 6 === 5 ? 'CREATED' : 'PUBLISHED',
    timestamp: BASE_TIME + i * 60_000,
    payload: i % 8 === 7 ? ({ note: `Free Text ${i}` } as JsonObject) : { equipmentId: `press-${i % 3}`, newStatus: i % 2 ? 'running' : 'idle', code: `Code-${i}` },
    ...(i % 5 === 0 ? { correlationId: 'flow-a' } : i % 7 === 0 ? { correlationId: 'flow-b' } : {}),
  }));
}

const counter: ReplayOptions<{ n: number; sum: number }>['reducer'] = (state, event) => ({ n: state.n + 1, sum: state.sum + event.seq });

export interface ContractOptions {
  /** The store keeps its data across close(): register the close-and-reopen tests. */
  readonly reopens: boolean;
}

export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: ContractOptions = { reopens: false },
): void {
  describe(`EventStore contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    let store: EventStore;
    const cleanups: (() => Promise<void>)[] = [];

    async function fresh(): Promise<StoreUnderTest> {
      current = await makeStore();
      store = current.store;
      cleanups.push(async () => {
        await store.close().catch(() => undefined);
        await current?.cleanup?.();
      });
      return current;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    describe('append and read back', () => {
      it('appends one event, numbers it 1 and reads it back by id and by seq', async () => {
        await fresh();
        const event = equipmentEvent('equipment.status.changed', 'press-1', { newStatus: 'running' });
        const [stored] = await store.append([event]);
        expect(stored).toEqual({ ...event, seq: 1, subject: 'press-1', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(await store.get(event.id)).toEqual(stored);
        expect(await store.getBySeq(1)).toEqual(stored);
        expect(await store.headSeq()).toBe(1);
      });

      it('answers null for unknown ids and seqs', async () => {
        await fresh();
        await store.append([makeEvent()]);
        expect(await store.get(makeEvent().id)).toBeNull();
        expect(await store.getBySeq(0)).toBeNull();
        expect(await store.getBySeq(2)).toBeNull();
        expect(await store.getBySeq(1.5)).toBeNull();
      });

      it('numbers batches gap-free in order and returns the stored events', async () => {
        await fresh();
        expect(await store.headSeq()).toBe(0);
        const first = await store.append(makeEvents(5));
        const second = await store.append(makeEvents(3));
        expect(seqs(first)).toEqual([1, 2, 3, 4, 5]);
        expect(seqs(second)).toEqual([6, 7, 8]);
        expect(await store.append([])).toEqual([]);
        expect(await store.headSeq()).toBe(8);
        expect(await store.count()).toBe(8);
        for (const event of [...first, ...second]) expect(await store.getBySeq(event.seq)).toEqual(event);
      });

      it('keeps concurrent appends gap-free and each batch contiguous', async () => {
        await fresh();
        const batches = await Promise.all([1, 2, 3, 4].map(() => store.append(makeEvents(10))));
        const all = batches.flatMap(seqs).sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        for (const batch of batches) expect(seqs(batch)).toEqual(seqs(batch).map((_, i) => batch[0]!.seq + i));
      });

      it('stores the status as given and the subject named by the payload', async () => {
        await fresh();
        const [withSubject, without] = await store.append([
          makeEvent({ status: 'CREATED', payload: { orderId: 'order-9' } }),
          makeEvent({ payload: { value: 3 } }),
        ]);
        expect(withSubject).toMatchObject({ status: 'CREATED', subject: 'order-9' });
        expect(without!.subject).toBeUndefined();
        expect('subject' in (await store.get(without!.id))!).toBe(false);
      });

      it('cannot be changed through the objects it hands out', async () => {
        await fresh();
        const [stored] = await store.append([makeEvent({ payload: { equipmentId: 'press-1', nested: { a: 1 } } })]);
        const read = (await store.get(stored!.id))!;
        for (const target of [stored!, read]) {
          try {
            (target as { type: string }).type = 'tampered.type';
            ((target.payload as { nested: { a: number } }).nested).a = 99;
          } catch {
            // Frozen objects refuse the change: that is fine too.
          }
        }
        const again = (await store.get(stored!.id))!;
        expect(again.type).toBe('equipment.status.changed');
        expect(again.payload).toEqual({ equipmentId: 'press-1', nested: { a: 1 } });
      });
    });

    describe('bad input leaves the store unchanged', () => {
      it('rejects an id already stored, naming it, and writes nothing of the batch', async () => {
        await fresh();
        const [kept] = await store.append([makeEvent()], [['audit']]);
        const before = await contentOf(store);
        const fresh1 = makeEvent();
        const error = await rejection(store.append([fresh1, makeEvent({ id: kept!.id })], [['audit'], ['audit']]));
        expect(namesField(error, 'id')).toBe(true);
        expect(String(error)).toContain(kept!.id);
        expect(await contentOf(store)).toEqual(before);
        expect(await store.get(fresh1.id)).toBeNull();
        expect(await store.deliveriesOf(fresh1.id)).toEqual([]);
        const [next] = await store.append([makeEvent()]);
        expect(next!.seq).toBe(2);
      });

      it('rejects a batch repeating an id within itself', async () => {
        await fresh();
        const twin = makeEvent();
        await expectRejectsNaming(store.append([twin, { ...twin }]), 'id');
        expect(await contentOf(store)).toEqual({ head: 0, count: 0, events: [] });
      });

      it('rejects 1,000 generated invalid events, each naming its field, and keeps the content', async () => {
        await fresh();
        await store.append(makeEvents(3), [['audit'], [], ['audit']]);
        const before = await contentOf(store);
        const pendingBefore = await store.pendingDeliveries('audit');
        const cases = generateInvalidEvents(1000, 20240101);
        expect(cases.length).toBeGreaterThanOrEqual(1000);
        const misses: string[] = [];
        for (const { description, event, expectedField } of cases) {
          const error = await rejection(store.append([makeEvent(), event as PlantEvent], [['audit'], ['audit']]));
          if (!namesField(error, expectedField)) misses.push(`${description}: expected ${expectedField}, got ${String(error)}`);
        }
        expect(misses.slice(0, 5)).toEqual([]);
        expect(await contentOf(store)).toEqual(before);
        expect(await store.pendingDeliveries('audit')).toEqual(pendingBefore);
        expect((await store.append([makeEvent()]))[0]!.seq).toBe(4);
      });
    });

    describe("the seed's getEventsByType", () => {
      it('matches type patterns, filter, time bounds and limit', async () => {
        await fresh();
        const stored = await store.append(fixture());
        const byType = (pattern: RegExp) => stored.filter((e) => pattern.test(e.type));
        expect(await store.getEventsByType('equipment.*')).toEqual(byType(/^equipment\./));
        expect(await store.getEventsByType('quality.check.failed')).toEqual(byType(/^quality\.check\.failed$/));
        expect(await store.getEventsByType('*.status.changed')).toEqual(byType(/^[^.]+\.status\.changed$/));
        expect(await store.getEventsByType('equipment.*.changed')).toEqual(byType(/^equipment\.[^.]+\.changed$/));
        expect(await store.getEventsByType('equipment')).toEqual([]);
        const from = BASE_TIME + 10 * 60_000;
        const to = BASE_TIME + 30 * 60_000;
        expect(await store.getEventsByType('equipment.*', { from, to })).toEqual(
          byType(/^equipment\./).filter((e) => e.timestamp >= from && e.timestamp <= to),
        );
        expect(await store.getEventsByType('equipment.*', { limit: 3 })).toEqual(byType(/^equipment\./).slice(0, 3));
        const hot = (e: StoredEvent) => e.priority === 'CRITICAL';
        expect(await store.getEventsByType('maintenance.scheduled', { filter: hot })).toEqual(byType(/^maintenance/).filter(hot));
        await expectRejectsNaming(store.getEventsByType('Equipment.*'), 'pattern');
        await expectRejectsNaming(store.getEventsByType('equipment.*', { limit: 0 }), 'limit');
      });

      it("runs the seed's event-sourcing example", async () => {
        await fresh();
        await store.append([
          equipmentEvent('equipment.status.changed', 'equip-123', { newStatus: 'running' }, BASE_TIME + 1000),
          equipmentEvent('equipment.status.changed', 'equip-999', { newStatus: 'down' }, BASE_TIME + 2000),
          equipmentEvent('equipment.telemetry.recorded', 'equip-123', { temperature: 71.5 }, BASE_TIME + 3000),
          equipmentEvent('quality.check.failed', 'equip-123', {}, BASE_TIME + 3500),
          equipmentEvent('equipment.status.changed', 'equip-123', { newStatus: 'maintenance', reason: 'bearing' }, BASE_TIME + 4000),
        ]);
        const eventStore = store;
        // The seed's example, as written there (payload read through a cast: it is typed as any JSON).
        const events = await eventStore.getEventsByType('equipment.*', {
          filter: (event) => (event.payload as { equipmentId?: string }).equipmentId === 'equip-123',
        });
        const equipmentState = events.reduce((state, event) => applyEvent(state, event), {});
        expect(events.map((e) => e.type)).toEqual(['equipment.status.changed', 'equipment.telemetry.recorded', 'equipment.status.changed']);
        expect(equipmentState).toMatchObject({
          equipmentId: 'equip-123',
          status: 'maintenance',
          reason: 'bearing',
          statusSince: BASE_TIME + 4000,
          eventCount: 3,
          lastSeq: 5,
        });
        expect(equipmentState).toMatchObject({ lastTelemetry: { temperature: 71.5 } });
      });
    });

    describe('queries', () => {
      const filters: [string, EventQuery, (e: StoredEvent) => boolean][] = [
        ['types', { types: ['equipment.*', 'maintenance.scheduled'] }, (e) => e.type.startsWith('equipment.') || e.type === 'maintenance.scheduled'],
        ['one exact type', { types: ['quality.check.failed'] }, (e) => e.type === 'quality.check.failed'],
        ['several exact types', { types: ['quality.check.failed', 'maintenance.scheduled'] }, (e) => e.type === 'quality.check.failed' || e.type === 'maintenance.scheduled'],
        ['sources', { sources: ['line-1', 'line-2'] }, (e) => e.source !== 'line-0'],
        ['priorities', { priorities: ['CRITICAL', 'HIGH'] }, (e) => e.priority === 'CRITICAL' || e.priority === 'HIGH'],
        ['statuses', { statuses: ['PUBLISHED'] }, (e) => e.status === 'PUBLISHED'],
        ['time range', { from: BASE_TIME + 5 * 60_000, to: BASE_TIME + 20 * 60_000 }, (e) => e.timestamp >= BASE_TIME + 5 * 60_000 && e.timestamp <= BASE_TIME + 20 * 60_000],
        ['correlationId', { correlationId: 'flow-a' }, (e) => e.correlationId === 'flow-a'],
        ['subject', { subject: 'press-2' }, (e) => e.subject === 'press-2'],
        ['text, any case', { text: 'free TEXT' }, (e) => JSON.stringify(e.payload).toLowerCase().includes('free text')],
        ['subject + type + time', { subject: 'press-1', types: ['equipment.*'], from: BASE_TIME + 10 * 60_000 }, (e) => e.subject === 'press-1' && e.type.startsWith('equipment.') && e.timestamp >= BASE_TIME + 10 * 60_000],
        ['correlation + priority', { correlationId: 'flow-b', priorities: ['LOW', 'HIGH'] }, (e) => e.correlationId === 'flow-b' && (e.priority === 'LOW' || e.priority === 'HIGH')],
        ['type + source + text', { types: ['equipment.status.changed'], sources: ['line-0'], text: 'code-1' }, (e) => e.type === 'equipment.status.changed' && e.source === 'line-0' && JSON.stringify(e.payload).toLowerCase().includes('code-1')],
      ];

      it.each(filters)('filters by %s, in both orders, and counts the same', async (_label, query, expected) => {
        await fresh();
        const stored = await store.append(fixture());
        const want = stored.filter(expected);
        expect(want.length).toBeGreaterThan(0);
        expect(want.length).toBeLessThan(stored.length);
        expect((await store.query({ ...query, limit: 1000 })).events).toEqual(want);
        expect((await store.query({ ...query, limit: 1000, order: 'desc' })).events).toEqual([...want].reverse());
        expect(await store.count(query)).toBe(want.length);
        expect(await store.count({ ...query, limit: 1 })).toBe(want.length);
      });

      it('finds a time range exactly when timestamps do not follow seq, in both orders and pages', async () => {
        await fresh();
        // Late and early arrivals: timestamps jump back and forth while seq only grows.
        const jumbled = makeEvents(120, (i) => ({ timestamp: BASE_TIME + ((i * 37) % 120) * 1_000, type: i % 3 ? 'equipment.telemetry.recorded' : 'quality.check.failed' }));
        const stored = await store.append(jumbled);
        const from = BASE_TIME + 30_000;
        const to = BASE_TIME + 70_000;
        const want = stored.filter((e) => e.timestamp >= from && e.timestamp <= to);
        expect(want.length).toBe(41);
        for (const order of ['asc', 'desc'] as const) {
          const pages = await allPages(store, { from, to, order, limit: 9 });
          expect(pages.flat()).toEqual(order === 'asc' ? want : [...want].reverse());
        }
        const onlyFailed = want.filter((e) => e.type === 'quality.check.failed');
        expect((await allPages(store, { from, to, types: ['quality.check.failed'], limit: 5 })).flat()).toEqual(onlyFailed);
        expect(await store.count({ from, to })).toBe(want.length);
      });

      it('finds status changes made after the append', async () => {
        await fresh();
        const stored = await store.append(fixture());
        await store.updateStatuses([{ eventId: stored[3]!.id, status: 'PROCESSED' }]);
        const page = await store.query({ statuses: ['PROCESSED'] });
        expect(seqs(page.events)).toEqual([4]);
      });

      for (const order of ['asc', 'desc'] as const) {
        it(`pages ${order} forward with nextCursor and back with prevCursor over the same pages`, async () => {
          await fresh();
          const stored = await store.append(fixture());
          const queries: EventQuery[] = [
            {}, { types: ['equipment.*'] }, { subject: 'press-0' }, { correlationId: 'flow-a' },
            { types: ['quality.check.failed', 'maintenance.scheduled', 'equipment.status.changed'] },
            { from: BASE_TIME + 5 * 60_000, to: BASE_TIME + 30 * 60_000 },
          ];
          for (const query of queries) {
            const all = (await store.query({ ...query, order, limit: 1000 })).events;
            const forward = await allPages(store, { ...query, order, limit: 7 });
            expect(forward.flat()).toEqual(all);
            expect(forward.slice(0, -1).every((p) => p.length === 7)).toBe(true);
            const first = await store.query({ ...query, order, limit: 7 });
            expect(first.prevCursor).toBeUndefined();
            const backward: StoredEvent[][] = [];
            let page = first;
            // Walk forward to the last page, then follow prevCursor back to the first.
            while (page.nextCursor) page = await store.query({ ...query, order, limit: 7, cursor: page.nextCursor });
            backward.push(page.events);
            while (page.prevCursor) {
              page = await store.query({ ...query, order, limit: 7, cursor: page.prevCursor });
              backward.push(page.events);
            }
            expect(backward.reverse()).toEqual(forward);
            expect(page.nextCursor).toBeDefined();
          }
          expect(stored.length).toBe(48);
        });
      }

      it('rejects malformed cursors, limits and query fields, naming them', async () => {
        await fresh();
        await store.append(makeEvents(3));
        const page = await store.query({ limit: 1 });
        for (const cursor of ['', 'not a cursor', '!!!', 'e30', btoa('{"s":"x","b":0,"o":"a"}')]) {
          await expectRejectsNaming(store.query({ cursor }), 'cursor');
        }
        await expectRejectsNaming(store.query({ cursor: page.nextCursor!, order: 'desc' }), 'cursor');
        for (const limit of [0, 1001, 1.5, -3, Number.NaN]) await expectRejectsNaming(store.query({ limit }), 'limit');
        await expectRejectsNaming(store.query({ limit: '5' } as unknown as EventQuery), 'limit');
        await expectRejectsNaming(store.query({ colour: 'red' } as unknown as EventQuery), 'colour');
        await expectRejectsNaming(store.query({ from: 'yesterday' } as unknown as EventQuery), 'from');
        await expectRejectsNaming(store.query({ types: ['Bad Pattern'] }), 'types');
        await expectRejectsNaming(store.query({ priorities: ['URGENT'] } as unknown as EventQuery), 'priorities');
        await expectRejectsNaming(store.query({ order: 'sideways' } as unknown as EventQuery), 'order');
        expect((await store.query({ limit: 1000 })).events).toHaveLength(3);
        expect((await store.query({})).events).toHaveLength(3);
      });

      it('pages 200 events by default', async () => {
        await fresh();
        await store.append(makeEvents(205));
        const page = await store.query({});
        expect(page.events).toHaveLength(200);
        expect((await store.query({ cursor: page.nextCursor! })).events).toHaveLength(5);
      });
    });

    describe('statuses and deliveries', () => {
      it('moves statuses forward only', async () => {
        await fresh();
        const [a, b, c] = await store.append(makeEvents(3));
        await store.updateStatuses([
          { eventId: a!.id, status: 'DELIVERED' },
          { eventId: b!.id, status: 'PROCESSED' },
          { eventId: c!.id, status: 'FAILED' },
          { eventId: makeEvent().id, status: 'PROCESSED' },
        ]);
        await store.updateStatuses([
          { eventId: a!.id, status: 'PUBLISHED' },
          { eventId: b!.id, status: 'FAILED' },
          { eventId: c!.id, status: 'DELIVERED' },
          { eventId: a!.id, status: 'PROCESSED' },
        ]);
        expect((await store.get(a!.id))!.status).toBe('PROCESSED');
        expect((await store.get(b!.id))!.status).toBe('PROCESSED');
        expect((await store.get(c!.id))!.status).toBe('FAILED');
        expect({ ...(await store.get(a!.id))!, status: a!.status }).toEqual(a);
        expect(await store.headSeq()).toBe(3);
      });

      it('writes PUBLISHED deliveries with the append and tracks them to the dead-letter queue', async () => {
        await fresh();
        const [e1, e2, e3] = await store.append(makeEvents(3), [['alarms', 'audit'], ['audit'], []]);
        expect((await store.deliveriesOf(e1!.id)).map((d) => d.subscriber).sort()).toEqual(['alarms', 'audit']);
        expect(await store.deliveriesOf(e3!.id)).toEqual([]);
        expect(await store.getDelivery(e1!.id, 'audit')).toMatchObject({ eventId: e1!.id, seq: 1, subscriber: 'audit', status: 'PUBLISHED', attempts: 0, errors: [] });
        expect(await store.getDelivery(e3!.id, 'audit')).toBeNull();
        expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1, 2]);

        const processed = makeDelivery(e1!.id, 1, 'audit', { status: 'PROCESSED', attempts: 1, updatedAt: BASE_TIME + 5 });
        const error = { attempt: 3, at: BASE_TIME + 9, message: 'handler threw' };
        const dead = makeDelivery(e2!.id, 2, 'audit', { status: 'FAILED', attempts: 3, lastError: 'handler threw', errors: [error], deadLetteredAt: BASE_TIME + 10 });
        const deadToo = makeDelivery(e1!.id, 1, 'alarms', { status: 'FAILED', attempts: 3, errors: [error], deadLetteredAt: BASE_TIME + 8 });
        await store.putDeliveries([processed, dead, deadToo]);
        expect(await store.getDelivery(e1!.id, 'audit')).toEqual(processed);
        expect(await store.pendingDeliveries('audit')).toEqual([]);
        expect(await store.pendingDeliveries('alarms')).toEqual([]);
        const letters = await store.deadLetters();
        expect(letters.map((l) => [l.delivery, l.event])).toEqual([[deadToo, e1], [dead, e2]]);

        await store.putDeliveries([{ ...deadToo, discardedAt: BASE_TIME + 20, discardReason: 'operator: duplicate' }]);
        expect((await store.deadLetters()).map((l) => l.delivery)).toEqual([dead]);
        const redriven = { ...dead, status: 'PUBLISHED' as const, deadLetteredAt: undefined };
        const { deadLetteredAt: _gone, ...redrivenRecord } = redriven;
        await store.putDeliveries([redrivenRecord]);
        expect(await store.deadLetters()).toEqual([]);
        expect(await store.pendingDeliveries('audit')).toEqual([redrivenRecord]);
      });
    });

    describe('snapshots and replay', () => {
      it('finds the nearest snapshot within seq and time bounds', async () => {
        await fresh();
        const at = (seq: number, maxTimestamp: number) => ({ key: 'equipment:press-1', seq, maxTimestamp, state: { seq }, createdAt: BASE_TIME });
        await store.saveSnapshot(at(10, 1000));
        await store.saveSnapshot(at(20, 3000));
        await store.saveSnapshot(at(30, 2000));
        await store.saveSnapshot({ ...at(40, 100), key: 'equipment:press-2' });
        expect(await store.nearestSnapshot('equipment:press-1')).toEqual(at(30, 2000));
        expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 29 })).toEqual(at(20, 3000));
        expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 30, toTime: 2500 })).toEqual(at(30, 2000));
        expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 25, toTime: 2500 })).toEqual(at(10, 1000));
        expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 9 })).toBeNull();
        expect(await store.nearestSnapshot('equipment:press-1', { toTime: 999 })).toBeNull();
        expect(await store.nearestSnapshot('equipment:press-3')).toBeNull();
        await store.saveSnapshot({ ...at(30, 2000), state: { seq: 'replaced' } });
        expect((await store.nearestSnapshot('equipment:press-1'))!.state).toEqual({ seq: 'replaced' });
      });

      it('replays by types, by subject, up to a seq and up to a time', async () => {
        await fresh();
        const stored = await store.append(fixture());
        const expectFold = async (options: Partial<ReplayOptions<{ n: number; sum: number }>>, want: StoredEvent[]) => {
          const result = await store.replay({ reducer: counter, initial: { n: 0, sum: 0 }, ...options });
          expect(result.state).toEqual({ n: want.length, sum: want.reduce((s, e) => s + e.seq, 0) });
          expect(result.folded).toBe(want.length);
          expect(result.seq).toBe(want.at(-1)?.seq ?? 0);
        };
        await expectFold({}, stored);
        await expectFold({ types: ['equipment.*'] }, stored.filter((e) => e.type.startsWith('equipment.')));
        await expectFold({ types: ['quality.check.failed'] }, stored.filter((e) => e.type === 'quality.check.failed'));
        await expectFold({ subject: 'press-1' }, stored.filter((e) => e.subject === 'press-1'));
        await expectFold({ toSeq: 17 }, stored.slice(0, 17));
        await expectFold({ subject: 'press-0', toSeq: 20 }, stored.filter((e) => e.subject === 'press-0' && e.seq <= 20));
        const toTime = BASE_TIME + 12 * 60_000;
        await expectFold({ toTime }, stored.filter((e) => e.timestamp <= toTime));
        await expectFold({ types: ['nothing.matches'] }, []);
      });

      it('gives the same state from a snapshot as from the start', async () => {
        await fresh();
        const events = Array.from({ length: 60 }, (_, i) =>
          equipmentEvent(i % 3 ? 'equipment.telemetry.recorded' : 'equipment.status.changed', 'press-7', { newStatus: i % 2 ? 'running' : 'idle', temperature: 20 + i }, BASE_TIME + i * 1000),
        );
        await store.append(events.slice(0, 40));
        const base = { subject: 'press-7', reducer: applyEvent, initial: {} } as const;
        const half = await store.replay(base);
        await store.saveSnapshot({ key: 'equipment:press-7', seq: half.seq, maxTimestamp: BASE_TIME + 39 * 1000, state: JSON.parse(JSON.stringify(half.state)), createdAt: BASE_TIME });
        await store.append(events.slice(40));
        const fromStart = await store.replay(base);
        const fromSnapshot = await store.replay({ ...base, snapshotKey: 'equipment:press-7' });
        expect(fromSnapshot.fromSnapshotSeq).toBe(40);
        expect(fromSnapshot.folded).toBe(20);
        expect(fromStart.folded).toBe(60);
        expect(fromSnapshot.state).toEqual(fromStart.state);
        expect(fromSnapshot.seq).toBe(60);
        const early = await store.replay({ ...base, snapshotKey: 'equipment:press-7', toSeq: 30 });
        expect(early.fromSnapshotSeq).toBeUndefined();
        expect(early.state).toEqual((await store.replay({ ...base, toSeq: 30 })).state);
      });

      it('reports progress and stops with an AbortError when aborted', async () => {
        await fresh();
        for (let i = 0; i < 5; i++) await store.append(makeEvents(1000));
        const progress: number[] = [];
        const done = await store.replay({ reducer: counter, initial: { n: 0, sum: 0 }, onProgress: (n) => progress.push(n) });
        expect(done.folded).toBe(5000);
        expect(progress.at(-1)).toBe(5000);
        expect(progress.length).toBeGreaterThan(1);

        const before = new AbortController();
        before.abort();
        expect(await rejection(store.replay({ reducer: counter, initial: { n: 0, sum: 0 }, signal: before.signal }))).toMatchObject({ name: 'AbortError' });

        const midway = new AbortController();
        let folded = 0;
        const error = await rejection(
          store.replay({ reducer: counter, initial: { n: 0, sum: 0 }, signal: midway.signal, onProgress: (n) => { folded = n; midway.abort(); } }),
        );
        expect(error).toMatchObject({ name: 'AbortError' });
        expect(folded).toBeLessThan(5000);
      });
    });

    describe('audit hash chain', () => {
      it('chains every appended event after the one before, across batches and status updates', async () => {
        await fresh();
        const first = await store.append(makeEvents(3));
        const second = await store.append(fixture().slice(0, 7));
        let prev = GENESIS_HASH;
        for (const event of [...first, ...second]) {
          expect(event.hash).toBe(storeHashOf(prev, event));
          prev = event.hash!;
        }
        await store.updateStatuses([{ eventId: first[0]!.id, status: 'PROCESSED' }]);
        expect((await store.get(first[0]!.id))!.hash).toBe(first[0]!.hash);
        expect(await verifyStoreChain(store)).toEqual({ ok: true, events: 10, headSeq: 10, headHash: prev });
      });

      it('verifies an empty store as intact at the genesis hash', async () => {
        await fresh();
        expect(await verifyStoreChain(store)).toEqual({ ok: true, events: 0, headSeq: 0, headHash: GENESIS_HASH });
      });

      it('names the first event whose stored record was changed or removed', async () => {
        const { tamper } = await fresh();
        if (!tamper) throw new Error(`${name}: makeStore gave no tamper() for the audit chain tests`);
        const stored = await store.append(makeEvents(12));
        await tamper(5, (event) => ({ ...event, payload: { equipmentId: 'equip-1', status: 'stopped' } }));
        await tamper(9, (event) => ({ ...event, source: 'someone-else' }));
        const changed = await verifyStoreChain(store);
        expect(changed).toMatchObject({ ok: false, seq: 5, eventId: stored[4]!.id, events: 4 });
        expect(changed.ok ? '' : changed.reason).toMatch(/hash mismatch/);

        await tamper(5, () => stored[4]);
        await tamper(9, () => stored[8]);
        expect((await verifyStoreChain(store)).ok).toBe(true);
        await tamper(7, () => undefined);
        const removed = await verifyStoreChain(store);
        expect(removed).toMatchObject({ ok: false, seq: 7, events: 6 });
        expect(removed.ok ? '' : removed.reason).toMatch(/seq 7 is missing/);
      });

      it('names the last event when it was removed from the end', async () => {
        const { tamper } = await fresh();
        if (!tamper) throw new Error(`${name}: makeStore gave no tamper() for the audit chain tests`);
        await store.append(makeEvents(6));
        await tamper(6, () => undefined);
        expect(await verifyStoreChain(store)).toMatchObject({ ok: false, seq: 6, events: 5 });
      });
    });

    // Stores that keep nothing (the in-memory twin) pass `reopens: false`; for them these
    // tests are not registered at all, as there is nothing to reopen.
    if (options.reopens) {
      describe('close and reopen', () => {
        it('keeps every event, delivery record and snapshot, and continues seq without a gap', async () => {
          const { reopen } = await fresh();
          if (!reopen) throw new Error(`${name}: reopens is set but makeStore gave no reopen()`);
          const stored = await store.append(fixture(), fixture().map((_, i) => (i % 2 ? ['audit'] : ['audit', 'alarms'])));
          await store.updateStatuses([{ eventId: stored[0]!.id, status: 'PROCESSED' }]);
          const dead = makeDelivery(stored[1]!.id, 2, 'audit', { status: 'FAILED', attempts: 5, deadLetteredAt: BASE_TIME + 1 });
          await store.putDeliveries([dead]);
          const snapshot = { key: 'all', seq: 48, maxTimestamp: stored[47]!.timestamp, state: { n: 48 }, createdAt: BASE_TIME };
          await store.saveSnapshot(snapshot);
          const before = await contentOf(store);
          const deliveriesBefore = await Promise.all(stored.map((e) => store.deliveriesOf(e.id)));
          const pendingBefore = await store.pendingDeliveries('audit');

          await store.close();
          store = await reopen();
          expect(await contentOf(store)).toEqual(before);
          expect(await Promise.all(stored.map((e) => store.deliveriesOf(e.id)))).toEqual(deliveriesBefore);
          expect(await store.pendingDeliveries('audit')).toEqual(pendingBefore);
          expect((await store.deadLetters()).map((l) => l.delivery)).toEqual([dead]);
          expect(await store.nearestSnapshot('all')).toEqual(snapshot);
          expect((await store.get(stored[0]!.id))!.status).toBe('PROCESSED');
          const next = await store.append(makeEvents(2), [['audit'], []]);
          expect(seqs(next)).toEqual([49, 50]);
          expect(await store.headSeq()).toBe(50);
        });

        it('continues the audit chain after a reopen', async () => {
          const { reopen } = await fresh();
          const before = await store.append(makeEvents(4));
          await store.close();
          store = await reopen!();
          const after = await store.append(makeEvents(2));
          expect(after[0]!.hash).toBe(storeHashOf(before[3]!.hash!, after[0]!));
          expect(await verifyStoreChain(store)).toEqual({ ok: true, events: 6, headSeq: 6, headHash: after[1]!.hash });
        });

        it('continues seq after a rejected append and a reopen', async () => {
          const { reopen } = await fresh();
          const [kept] = await store.append(makeEvents(2));
          await expectRejectsNaming(store.append([makeEvent(), makeEvent({ id: kept!.id })]), 'id');
          await store.close();
          store = await reopen!();
          expect(await store.headSeq()).toBe(2);
          expect(seqs(await store.append(makeEvents(1)))).toEqual([3]);
        });
      });
    }
  });
}
