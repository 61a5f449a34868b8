// A Dexie store written by schema version 2 (one row per event, hashed, statuses moved in
// place) opens as a segment store: the version-3 upgrade packs every event into segments and
// version 4 drops the old `events` table. Nothing is lost or changed on the way: events,
// statuses, hashes, the chain head, deliveries, dead letters, snapshots and checkpoints.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, storeHashOf } from '../../shared/audit/chain';
import type { ChainHead } from '../../shared/audit/chain';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { EventStatus, JsonObject, StoredEvent } from '../../shared/events/event';
import { subjectOf } from '../../shared/events/event';
import type { DeliveryRecord, EventQuery, EventStore, Snapshot } from '../../shared/store/eventStore';
import { compileQuery } from '../../shared/store/queryMatch';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import type { CheckpointRow, DeliveryRow } from '../../renderer/store-host/plantDatabase';
import { SCHEMA_V1 } from '../../renderer/store-host/plantDatabase';
import { SEGMENT_MAX_EVENTS } from '../../renderer/store-host/segmentFormat';
import { auditHistory } from '../support/auditFixture';
import { BASE_TIME, makeDelivery, makeEvent } from '../support/events';

type Deps = { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange };

/** More than two upgrade chunks (2000) and many segments, with a partial last segment. */
const N = 4_321;

interface VersionTwoFixture {
  readonly events: StoredEvent[];
  readonly head: ChainHead;
  readonly deliveries: DeliveryRecord[];
  readonly snapshots: Snapshot[];
  readonly checkpoint: CheckpointRow;
}

/** What version 2 wrote for a status moved in place, by position. */
function statusAt(i: number): EventStatus {
  if (i % 9 === 2) return 'PROCESSED';
  if (i % 9 === 5) return 'FAILED';
  if (i % 9 === 7) return 'DELIVERED';
  return 'PUBLISHED';
}

/** The delivery row as version 2 stored it: `pendingSeq` only while pending. */
function rowOf(record: DeliveryRecord): DeliveryRow {
  const pending = record.status !== 'PROCESSED' && record.deadLetteredAt === undefined;
  return pending ? { ...record, pendingSeq: record.seq } : record;
}

/** Events of every kind: with and without subject, correlated, caused, out-of-order timestamps. */
function fixtureEvents(count: number): StoredEvent[] {
  let prev = GENESIS_HASH;
  return auditHistory(count).map((event, i) => {
    const payload: JsonObject = i % 10 === 7 ? { reading: 1.5 + (i % 4), unit: 'bar', note: `no subject ${i}` } : (event.payload as JsonObject);
    const shaped = {
      ...event,
      payload,
      ...(i % 10 === 7 ? { type: 'plant.heartbeat.recorded' } : {}),
      // Timestamps that do not follow seq, so a time range is not a seq range.
      timestamp: event.timestamp - (i % 13 === 0 ? 500_000 : 0),
      status: statusAt(i),
      ...(i % 6 === 4 ? { causationId: `cause-${i - 1}` } : {}),
      seq: i + 1,
    };
    const subject = subjectOf(shaped.payload);
    const hash = (prev = storeHashOf(prev, shaped));
    return { ...shaped, ...(subject === undefined ? {} : { subject }), hash };
  });
}

function fixtureDeliveries(events: readonly StoredEvent[]): DeliveryRecord[] {
  const records: DeliveryRecord[] = [];
  events.forEach((event, i) => {
    if (i % 40 === 0) {
      const status = (['PUBLISHED', 'DELIVERED', 'PROCESSED', 'FAILED'] as const)[(i / 40) % 4]!;
      records.push(makeDelivery(event.id, event.seq, 'projection', {
        status,
        attempts: status === 'PUBLISHED' ? 0 : 1,
        ...(status === 'FAILED' ? { lastError: 'boom', errors: [{ attempt: 1, at: BASE_TIME + i, message: 'boom' }], nextAttemptAt: BASE_TIME + i + 5_000 } : {}),
        updatedAt: BASE_TIME + i,
      }));
    }
    if (event.type === 'alarm.raised' && i % 3 === 0) {
      records.push(makeDelivery(event.id, event.seq, 'alarm-notifier', { status: i % 2 === 0 ? 'PROCESSED' : 'PUBLISHED', attempts: i % 2 === 0 ? 1 : 0 }));
    }
  });
  const dead = (i: number, at: number, extra: Partial<DeliveryRecord> = {}) =>
    makeDelivery(events[i]!.id, events[i]!.seq, 'mailer', {
      status: 'FAILED', attempts: 5, lastError: 'smtp down', errors: [{ attempt: 5, at, message: 'smtp down' }], deadLetteredAt: at, updatedAt: at, ...extra,
    });
  // Dead letters listed oldest first, not in seq order; a discarded one is not listed.
  records.push(dead(3_001, BASE_TIME + 10), dead(17, BASE_TIME + 20), dead(2_222, BASE_TIME + 30, { discardedAt: BASE_TIME + 40, discardReason: 'duplicate' }));
  return records;
}

/** Writes a store the way version 2 did: one hashed row per event, the chain head, schemaVersion 2. */
async function versionTwoFixture(deps: Deps, name: string, count: number, options: { head?: boolean } = {}): Promise<VersionTwoFixture> {
  const db = new Dexie(name, deps);
  db.version(1).stores(SCHEMA_V1);
  db.version(2).stores(SCHEMA_V1);
  const events = fixtureEvents(count);
  const last = events[events.length - 1];
  const head: ChainHead = last ? { seq: last.seq, hash: last.hash! } : { seq: 0, hash: GENESIS_HASH };
  const deliveries = count > 0 ? fixtureDeliveries(events) : [];
  const snapshots: Snapshot[] = count > 0
    ? [1_000, 2_500].map((seq) => ({ key: 'equipment:press-1', seq, maxTimestamp: events[seq - 1]!.timestamp, state: { status: `at ${seq}`, seen: [seq, 'Grüße'] }, createdAt: BASE_TIME + seq }))
    : [];
  const checkpoint: CheckpointRow = { name: 'projection', seq: Math.min(count, 3_999), updatedAt: BASE_TIME + 77 };
  await db.table('events').bulkAdd(events);
  await db.table('deliveries').bulkAdd(deliveries.map(rowOf));
  await db.table('snapshots').bulkAdd(snapshots);
  await db.table('checkpoints').add(checkpoint);
  await db.table('meta').bulkPut([
    { key: 'schemaVersion', value: 2 },
    ...(options.head === false ? [] : [{ key: 'auditHead', value: head }]),
  ]);
  db.close();
  return { events, head, deliveries, snapshots, checkpoint };
}

/** Every page of a query, following nextCursor. */
async function listAll(store: EventStore, query: EventQuery): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.query({ ...query, limit: 1_000, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    if (!page.nextCursor || page.events.length === 0) return events;
    cursor = page.nextCursor;
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** What is in the database file itself, read with raw IndexedDB (the store must be closed). */
async function rawContents(deps: Deps, name: string) {
  const db = await request(deps.indexedDB.open(name));
  try {
    const stores = [...db.objectStoreNames].sort();
    const tx = db.transaction(['meta', 'checkpoints', 'segments', 'summaries'], 'readonly');
    const [schemaVersion, checkpoints, segments, summaries] = await Promise.all([
      request(tx.objectStore('meta').get('schemaVersion')),
      request(tx.objectStore('checkpoints').getAll()),
      request(tx.objectStore('segments').getAll()),
      request(tx.objectStore('summaries').count()),
    ]);
    return { stores, schemaVersion: (schemaVersion as { value: unknown } | undefined)?.value, checkpoints, segments: segments as { first: number; events: unknown[] }[], summaries };
  } finally {
    db.close();
  }
}

const pending = (records: readonly DeliveryRecord[], subscriber: string) =>
  records.filter((d) => d.subscriber === subscriber && d.status !== 'PROCESSED' && d.deadLetteredAt === undefined).sort((a, b) => a.seq - b.seq);

/** Checks every event, query, chain and delivery of the store against what the fixture holds. */
async function expectSameAs(store: DexieEventStore, events: readonly StoredEvent[], fixture: VersionTwoFixture): Promise<void> {
  const n = events.length;
  expect(await store.headSeq()).toBe(n);
  expect(await store.count()).toBe(n);
  for (const event of events) expect(await store.getBySeq(event.seq)).toStrictEqual(event);
  expect(await store.getBySeq(n + 1)).toBeNull();
  for (const i of [0, 1, 127, 128, 1_999, 2_000, 2_001, 4_000, n - 1]) {
    const event = events[i];
    if (event) expect(await store.get(event.id)).toStrictEqual(event);
  }
  expect(await store.get('01890000-0000-7000-8000-000000000000')).toBeNull();
  expect(await listAll(store, {})).toStrictEqual(events);

  const times = events.map((e) => e.timestamp).sort((a, b) => a - b);
  const queries: EventQuery[] = [
    { types: ['alarm.raised'] },
    { types: ['equipment.*'] },
    { types: ['plant.heartbeat.recorded'] },
    { subject: 'press-1' },
    { subject: 'press-3' },
    { correlationId: 'flow-1' },
    { correlationId: 'flow-2', types: ['equipment.*'] },
    { statuses: ['PROCESSED'] },
    { statuses: ['FAILED'] },
    { statuses: ['PUBLISHED', 'DELIVERED'] },
    { from: times[500], to: times[1_500] },
    { from: BASE_TIME + 3_000_000 },
    { to: BASE_TIME + 100_000 },
    { priorities: ['CRITICAL'], statuses: ['FAILED'], sources: ['line-2'] },
    { sources: ['=cmd|calc'] },
    { text: 'grüße' },
  ];
  for (const query of queries) {
    const expected = events.filter(compileQuery(query));
    expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
    expect(await listAll(store, query), JSON.stringify(query)).toStrictEqual(expected);
    expect(await listAll(store, { ...query, order: 'desc' }), JSON.stringify(query)).toStrictEqual([...expected].reverse());
    expect(await store.count(query), JSON.stringify(query)).toBe(expected.length);
  }
  // The events without subject match no subject.
  expect(events.filter((e) => e.subject === undefined).length).toBeGreaterThan(0);
  expect(await store.count({ subject: 'no subject' })).toBe(0);
  expect(await store.getEventsByType('quality.check.failed', { from: times[100], to: times[3_000] })).toStrictEqual(
    events.filter((e) => e.type === 'quality.check.failed' && e.timestamp >= times[100]! && e.timestamp <= times[3_000]!),
  );

  const last = events[n - 1]!;
  expect(await store.chainHead()).toEqual({ seq: n, hash: last.hash });
  expect(await verifyStoreChain(store)).toEqual({ ok: true, events: n, headSeq: n, headHash: last.hash });

  const { deliveries } = fixture;
  for (const subscriber of ['projection', 'alarm-notifier', 'mailer']) {
    const want = pending(deliveries, subscriber);
    expect(await store.pendingDeliveries(subscriber), subscriber).toStrictEqual(want);
  }
  expect(pending(deliveries, 'projection').length).toBeGreaterThan(1);
  for (const record of deliveries) expect(await store.getDelivery(record.eventId, record.subscriber)).toStrictEqual(record);
  const dead = deliveries.filter((d) => d.deadLetteredAt !== undefined && d.discardedAt === undefined);
  expect(dead).toHaveLength(2);
  expect(await store.deadLetters()).toStrictEqual(
    dead.sort((a, b) => a.deadLetteredAt! - b.deadLetteredAt!).map((delivery) => ({ delivery, event: events[delivery.seq - 1] })),
  );
  expect(await store.deliveriesOf(events[2_222]!.id)).toStrictEqual(deliveries.filter((d) => d.eventId === events[2_222]!.id));

  const [early, late] = fixture.snapshots;
  expect(await store.nearestSnapshot('equipment:press-1')).toStrictEqual(late);
  expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 2_499 })).toStrictEqual(early);
  expect(await store.nearestSnapshot('equipment:press-1', { toTime: early!.maxTimestamp })).toStrictEqual(early);
  expect(await store.nearestSnapshot('equipment:press-1', { toSeq: 999 })).toBeNull();
  expect(await store.nearestSnapshot('equipment:press-2')).toBeNull();
}

describe('DexieEventStore: schema 2 → 4 migration into segments', () => {
  it('opens a version-2 store with every event, status, hash, delivery and snapshot intact', async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    const fixture = await versionTwoFixture(deps, 'plant-v2', N);
    const { events, head } = fixture;
    // The fixture covers what the upgrade must carry over.
    expect(new Set(events.map((e) => e.status))).toEqual(new Set(['PUBLISHED', 'DELIVERED', 'PROCESSED', 'FAILED']));
    expect(new Set(events.map((e) => e.priority))).toEqual(new Set(['LOW', 'NORMAL', 'HIGH', 'CRITICAL']));
    expect(events.some((e) => e.causationId !== undefined && e.correlationId !== undefined)).toBe(true);

    let store = await DexieEventStore.open('plant-v2', deps);
    expect(await store.chainHead()).toEqual(head);
    await expectSameAs(store, events, fixture);
    await store.close();

    const raw = await rawContents(deps, 'plant-v2');
    expect(raw.stores).toEqual(['checkpoints', 'deliveries', 'deliveryBatches', 'meta', 'segments', 'snapshots', 'summaries']);
    expect(raw.stores).not.toContain('events');
    expect(raw.schemaVersion).toBe(5);
    expect(raw.checkpoints).toEqual([fixture.checkpoint]);
    expect(raw.segments.length).toBeGreaterThanOrEqual(Math.ceil(N / SEGMENT_MAX_EVENTS));
    expect(raw.summaries).toBe(raw.segments.length);
    expect(raw.segments.reduce((sum, row) => sum + row.events.length, 0)).toBe(N);
    let next = 1;
    for (const row of raw.segments) {
      expect(row.first).toBe(next);
      expect(row.events.length).toBeLessThanOrEqual(SEGMENT_MAX_EVENTS);
      next += row.events.length;
    }

    // Reopening the upgraded database changes nothing.
    store = await DexieEventStore.open('plant-v2', deps);
    await expectSameAs(store, events, fixture);

    // Writes continue the numbering and the chain after the migrated head.
    const [appended] = await store.append([makeEvent({ payload: { equipmentId: 'press-1', status: 'after upgrade' } })], [['projection']]);
    expect(appended!.seq).toBe(N + 1);
    expect(appended!.hash).toBe(storeHashOf(head.hash, appended!));
    expect(await store.chainHead()).toEqual({ seq: N + 1, hash: appended!.hash });
    const moved = [events[0]!, events[5]!];
    expect(moved.map((e) => e.status)).toEqual(['PUBLISHED', 'FAILED']);
    await store.updateStatuses(moved.map((e) => ({ eventId: e.id, status: 'PROCESSED' as const })));
    const after = [...events.map((e) => (moved.includes(e) ? { ...e, status: 'PROCESSED' as const } : e)), appended!];
    const record = (await store.getDelivery(appended!.id, 'projection'))!;
    expect(record).toStrictEqual(makeDelivery(appended!.id, N + 1, 'projection', { updatedAt: record.updatedAt }));
    await store.close();

    store = await DexieEventStore.open('plant-v2', deps);
    await expectSameAs(store, after, { ...fixture, deliveries: [...fixture.deliveries, record] });
    expect(await store.count({ statuses: ['PROCESSED'] })).toBe(events.filter((e) => e.status === 'PROCESSED').length + 2);
    await store.close();
    expect((await rawContents(deps, 'plant-v2')).schemaVersion).toBe(5);
  });

  it.each([
    ['with a genesis chain head', true],
    ['without a chain head row', false],
  ])('opens an empty version-2 store as an empty store (%s)', async (_label, withHead) => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    await versionTwoFixture(deps, 'plant-v2-empty', 0, { head: withHead });
    let store = await DexieEventStore.open('plant-v2-empty', deps);
    expect(await store.headSeq()).toBe(0);
    expect(await store.count()).toBe(0);
    expect(await store.getBySeq(1)).toBeNull();
    expect((await store.query({})).events).toEqual([]);
    expect(await store.chainHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(await verifyStoreChain(store)).toEqual({ ok: true, events: 0, headSeq: 0, headHash: GENESIS_HASH });
    await store.close();

    const raw = await rawContents(deps, 'plant-v2-empty');
    expect(raw.stores).not.toContain('events');
    expect(raw.schemaVersion).toBe(5);
    expect(raw.segments).toEqual([]);
    expect(raw.checkpoints).toEqual([{ name: 'projection', seq: 0, updatedAt: BASE_TIME + 77 }]);

    store = await DexieEventStore.open('plant-v2-empty', deps);
    const [first] = await store.append([makeEvent()]);
    expect(first!.seq).toBe(1);
    expect(first!.hash).toBe(storeHashOf(GENESIS_HASH, first!));
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: 1 });
    await store.close();
  });
});
