// The Dexie store keeps query columns only for its last events (the index window); older
// events are answered from their summaries. Queries, counts, look-ups by id, duplicate
// checks and status moves must give the same answers on both sides of the window's edge:
// each is compared here with the in-memory twin (a plain scan) holding the same events.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { parseIndexWindow } from '../../renderer/store-host/storeState';
import { ID_TIMES_KEY } from '../../renderer/store-host/oldIds';
import type { SegmentReader } from '../../renderer/store-host/segmentReader';
import { PlantDatabase } from '../../renderer/store-host/plantDatabase';
import { newEventId } from '../../shared/events/uuidv7';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import type { EventQuery, EventStore } from '../../shared/store/eventStore';
import type { Priority, StoredEvent } from '../../shared/events/event';
import { BASE_TIME, makeEvents } from '../support/events';

const TYPES = ['equipment.status.changed', 'equipment.telemetry.recorded', 'quality.check.failed', 'alarm.raised'];
const PRIORITIES: Priority[] = ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'];
const EVENTS = 1_500;
const WINDOW = 200;

/** Events of several kinds; a run of them goes back in time (an import), which ends the columns' time order. */
const plantEvents = () =>
  makeEvents(EVENTS, (i) => ({
    type: TYPES[i % TYPES.length]!,
    source: `line-${i % 3}`,
    priority: PRIORITIES[(i >> 2) % 4]!,
    timestamp: BASE_TIME + (i > 900 && i < 950 ? (i - 800) * 1000 : i * 1000),
    payload: { equipmentId: `press-${i % 7}`, note: i % 50 === 0 ? `rare-${i}` : 'routine' },
    ...(i % 11 === 0 ? { correlationId: `flow-${i % 4}` } : {}),
  }));

const QUERIES: EventQuery[] = [
  {},
  { types: ['equipment.*'] },
  { types: ['quality.check.failed'], sources: ['line-1'] },
  { subject: 'press-3' },
  { subject: 'press-3', priorities: ['HIGH', 'CRITICAL'] },
  { correlationId: 'flow-2' },
  { text: 'rare-1' },
  { text: 'RARE-100' },
  { from: BASE_TIME + 100_000, to: BASE_TIME + 160_000 },
  { from: BASE_TIME + 1_300_000 },
  { statuses: ['PROCESSED'] },
  { subject: 'press-9' },
  { sources: ['nowhere'] },
];

const seqs = (events: readonly StoredEvent[]) => events.map((event) => event.seq);

/** Every page of a query, following the cursors, in both orders and at two page sizes. */
async function allPages(store: EventStore, query: EventQuery): Promise<number[][]> {
  const out: number[][] = [];
  for (const order of ['asc', 'desc'] as const) {
    for (const limit of [7, 200]) {
      let page = await store.query({ ...query, order, limit });
      const pages = [seqs(page.events)];
      while (page.nextCursor) {
        page = await store.query({ ...query, order, limit, cursor: page.nextCursor });
        pages.push(seqs(page.events));
      }
      out.push(pages.flat());
    }
  }
  return out;
}

async function bothStores() {
  const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
  const dexie = await DexieEventStore.open('plant-window', deps, { indexWindow: WINDOW });
  const twin = new InMemoryEventStore();
  const events = plantEvents();
  // Appends of different sizes: segments of different lengths, merged behind the appends.
  for (let at = 0, size = 1; at < events.length; at += size, size = (size * 7) % 97 + 1) {
    const part = events.slice(at, at + size);
    await dexie.append(part);
    await twin.append(part);
  }
  return { deps, dexie, twin, events };
}

describe('DexieEventStore: queries across the index window edge', () => {
  it('answers every query, count and look-up as a plain scan does, before and after a reopen and status moves', async () => {
    const { deps, dexie, twin, events } = await bothStores();
    // Status moves on events before the window and inside it.
    const moves = [3, 150, 640, 1_100, 1_499].map((i) => ({ eventId: events[i]!.id, status: 'PROCESSED' as const }));
    await dexie.updateStatuses(moves);
    await twin.updateStatuses(moves);

    const compare = async (store: EventStore) => {
      for (const query of QUERIES) {
        expect(await allPages(store, query), JSON.stringify(query)).toEqual(await allPages(twin, query));
        expect(await store.count(query), JSON.stringify(query)).toBe(await twin.count(query));
      }
      for (const i of [0, 1, 127, 128, 640, 1_100, 1_299, 1_300, 1_499]) {
        const id = events[i]!.id;
        expect(await store.get(id)).toEqual(await twin.get(id));
        expect(await store.getBySeq(i + 1)).toEqual(await twin.getBySeq(i + 1));
      }
      expect(await store.get('0190a000-0000-7000-8000-000000000000')).toBeNull();
      expect(seqs(await store.getEventsByType('alarm.*', { limit: 30 }))).toEqual(seqs(await twin.getEventsByType('alarm.*', { limit: 30 })));
      const replay = (s: EventStore) => s.replay({ initial: 0, reducer: (n: number) => n + 1, subject: 'press-2' });
      expect(await replay(store)).toEqual(await replay(twin));
    };
    await compare(dexie);
    await dexie.close();
    const reopened = await DexieEventStore.open('plant-window', deps, { indexWindow: WINDOW });
    await compare(reopened);
    await reopened.close();
  });

  it('refuses an id stored before the window, and stores nothing of that append', async () => {
    const { dexie, events } = await bothStores();
    const [fresh] = makeEvents(1);
    await expect(dexie.append([fresh!, { ...events[5]!, payload: { again: true } }])).rejects.toThrow(/duplicate id/);
    expect(await dexie.headSeq()).toBe(EVENTS);
    expect(await dexie.get(fresh!.id)).toBeNull();
    expect((await dexie.get(events[5]!.id))?.payload).toEqual(events[5]!.payload);
    await dexie.close();
  });

  it('refuses a very old id after the window has moved many times, also after reopening with or without the stored id times', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    // Three blocks of 4,096 seqs and more; a run in the middle carries ids made long before (an import).
    const events = makeEvents(3 * 4096 + 500, (i) => (i >= 6000 && i < 6100 ? { id: newEventId(BASE_TIME - 86_400_000 + i) } : {}));
    let store = await DexieEventStore.open('plant-old-ids', deps, { indexWindow: 64 });
    for (let at = 0; at < events.length; at += 40) await store.append(events.slice(at, at + 40));
    const check = async () => {
      for (const i of [0, 1, 4095, 4096, 6000, 6099, 9000, 12_000]) {
        const [fresh] = makeEvents(1);
        await expect(store.append([fresh!, { ...events[i]!, payload: { again: true } }])).rejects.toThrow(`duplicate id ${events[i]!.id}`);
        expect(await store.get(fresh!.id)).toBeNull();
        expect((await store.get(events[i]!.id))?.seq).toBe(i + 1);
      }
      expect(await store.headSeq()).toBe(events.length);
    };
    await check();
    // Not stored, though as old as stored ones: no false duplicate.
    const [early, late] = [newEventId(BASE_TIME - 86_400_000 + 6050), newEventId()];
    expect(await store.get(early)).toBeNull();
    await store.close();

    store = await DexieEventStore.open('plant-old-ids', deps, { indexWindow: 64 });
    await check();
    await store.close();
    // A store written before the id times were stored: they are read from the segments.
    const db = new PlantDatabase('plant-old-ids', deps);
    expect(await db.meta.where('key').startsWith(ID_TIMES_KEY).count()).toBe(1);
    await db.meta.where('key').startsWith(ID_TIMES_KEY).delete();
    db.close();
    store = await DexieEventStore.open('plant-old-ids', deps, { indexWindow: 64 });
    await check();
    const stored = await store.append([...makeEvents(1, () => ({ id: early })), ...makeEvents(1, () => ({ id: late }))]);
    expect(stored.map((event) => event.seq)).toEqual([events.length + 1, events.length + 2]);
    await store.close();
  });

  it('reads no summary before the window for types or sources no stored event has, and still finds those only old events have', async () => {
    const { dexie, twin } = await bothStores();
    const { old } = (dexie as unknown as { segments: SegmentReader }).segments;
    const reads = vi.spyOn(old, 'summaries');
    for (const query of [{ types: ['store.recovered'] }, { types: ['nothing.*'], order: 'desc' as const }, { sources: ['nowhere'] }]) {
      expect((await dexie.query(query)).events).toEqual([]);
      expect(await dexie.count(query)).toBe(0);
    }
    expect(reads).not.toHaveBeenCalled();
    // Events only before the window are still found, from their summaries.
    const early = { types: ['equipment.status.changed'], to: BASE_TIME + 50_000 };
    expect(seqs((await dexie.query(early)).events)).toEqual(seqs((await twin.query(early)).events));
    expect(reads).toHaveBeenCalled();
    await dexie.close();
  });

  it('reads the summaries of the old segments that hold a rare type, not every summary of the range, before and after a reopen', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    // Telemetry, with an alarm now and then: five before the window, two inside it.
    const alarmsAt = new Set([400, 401, 2_300, 3_900, 5_200, 7_700, 7_950]);
    const events = makeEvents(8_000, (i) => ({
      type: alarmsAt.has(i) ? (i % 2 === 0 ? 'alarm.raised' : 'alarm.cleared') : 'equipment.telemetry.recorded',
      source: `line-${i % 3}`,
      timestamp: BASE_TIME + i * 1000,
    }));
    const twin = new InMemoryEventStore();
    await twin.append(events);
    let store = await DexieEventStore.open('plant-rare-types', deps, { indexWindow: 256 });
    for (let at = 0; at < events.length; at += 50) await store.append(events.slice(at, at + 50));
    const check = async () => {
      const { old, firsts, columns } = (store as unknown as { segments: SegmentReader }).segments;
      const oldSegments = firsts.filter((first) => first <= columns.base).length;
      expect(oldSegments).toBeGreaterThan(40);
      const reads = vi.spyOn(old, 'summaries');
      const summariesRead = () => reads.mock.calls.reduce((sum, [wanted]) => sum + wanted.length, 0);
      const alarms = ['alarm.raised', 'alarm.cleared'];
      const queries: EventQuery[] = [
        { types: alarms },
        { types: alarms, from: BASE_TIME + 1_000_000, to: BASE_TIME + 7_800_000 },
        { types: ['alarm.raised'], sources: ['line-0', 'line-1'] },
        { types: ['alarm.*'], to: BASE_TIME + 5_000_000 },
      ];
      for (const query of queries) {
        expect(await allPages(store, query), JSON.stringify(query)).toEqual(await allPages(twin, query));
        expect(await store.count(query), JSON.stringify(query)).toBe(await twin.count(query));
        // The five old alarms are in four segments: one page or count asks for at most their
        // summaries, to find the alarms and again to read them.
        for (const ask of [() => store.query({ ...query, limit: 1000 }), () => store.count(query)]) {
          reads.mockClear();
          await ask();
          expect(summariesRead(), JSON.stringify(query)).toBeLessThanOrEqual(8);
        }
      }
      reads.mockRestore();
      // A type in every segment is found as a plain scan finds it.
      const common = { types: ['equipment.telemetry.recorded'], to: BASE_TIME + 3_000_000, limit: 500 };
      expect(seqs((await store.query(common)).events)).toEqual(seqs((await twin.query(common)).events));
    };
    await check();
    await store.close();
    store = await DexieEventStore.open('plant-rare-types', deps, { indexWindow: 256 });
    await check();
    await store.close();
  });

  it("takes the window a benchmark puts in the store host page's address, and names a bad one", () => {
    expect(parseIndexWindow(null)).toBeUndefined();
    expect(parseIndexWindow('32768')).toBe(32_768);
    for (const bad of ['0', '-5', '1.5', '1e6', '', ' 12', '99999999999']) expect(() => parseIndexWindow(bad)).toThrow(`indexWindow must be a whole number of events from 1, not "${bad}"`);
  });
});

describe('DexieEventStore: memory as the window moves on', () => {
  /** What the store keeps in memory per event or per segment of its window (the segment starts aside). */
  const heldBy = (store: DexieEventStore) => {
    const { state } = (store as unknown as { segments: SegmentReader }).segments;
    const { columns } = state;
    const inWindow = state.firsts.filter((first) => first > columns.base);
    return {
      windowEvents: columns.length - columns.base,
      capacity: columns.ts.length,
      filters: columns.textFilters.size,
      filterOutsideWindow: [...columns.textFilters.keys()].filter((first) => !inWindow.includes(first)),
      names: columns.dictionarySizes(),
      parts: state.parts.length,
      segmentsInWindow: inWindow.length,
    };
  };

  it('keeps the same columns, text filters and names after the window has moved on 4 and 20 times while queries run', async () => {
    const window = 512;
    const store = await DexieEventStore.open('plant-bounded', { indexedDB: new IDBFactory(), IDBKeyRange }, { indexWindow: window });
    // Telemetry of six presses in appends of 40, as the soak sends it; the window moves on every quarter of it.
    let appended = 0;
    const append = async (moves: number) => {
      for (let k = 0; k < (moves * window) / 4; k += 40, appended += 40) {
        await store.append(makeEvents(40, (i) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: `press-${(appended + i) % 6}`, value: appended + i } })));
        await store.query({ text: 'press-3', limit: 5 });
      }
    };
    await append(4 + 1.25 * 4);
    const after4 = heldBy(store);
    await append(16);
    const after20 = heldBy(store);
    for (const held of [after4, after20]) {
      expect(held.windowEvents).toBeGreaterThanOrEqual(window);
      expect(held.windowEvents).toBeLessThan(window * 1.25 + 40);
      // One filter per segment of the window: none for segments merged away or moved out of it.
      expect(held.filterOutsideWindow).toEqual([]);
      expect(held.filters).toBe(held.segmentsInWindow);
      expect(held.parts).toBeLessThanOrEqual(4);
    }
    expect(after20.capacity).toBe(after4.capacity);
    expect(after20.names).toEqual(after4.names);
    expect(await store.headSeq()).toBe(appended);
    let latest = appended - 1;
    while (latest % 6 !== 3) latest -= 1;
    expect((await store.query({ text: 'press-3', order: 'desc', limit: 1 })).events.map((event) => event.payload)).toEqual([{ equipmentId: 'press-3', value: latest }]);
    await store.close();
  });
});
