// What callers of the in-memory store see beyond the contract suite: moved statuses on every
// read path, delivery records of every kind given back as put, duplicate ids refused, the same
// chain with Node's hash, and lookups by id.
import { describe, expect, it } from 'vitest';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { ownSha256HexOfText as sha256HexOfText } from '../../shared/audit/sha256';
import type { PlantEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import type { DeliveryRecord } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { BASE_TIME, makeDelivery, makeEvent, makeEvents } from '../support/events';

describe('in-memory store: moved statuses', () => {
  it('shows a moved status on every read path, and leaves event objects handed out earlier as they were', async () => {
    const store = new InMemoryEventStore();
    const [first, second] = await store.append(makeEvents(2));
    await store.updateStatuses([{ eventId: first!.id, status: 'DELIVERED' }]);
    await store.updateStatuses([{ eventId: first!.id, status: 'PROCESSED' }, { eventId: second!.id, status: 'FAILED' }]);

    expect(first!.status).toBe('PUBLISHED');
    expect(Object.isFrozen(first)).toBe(true);
    const got = await store.get(first!.id);
    expect(got).toEqual({ ...first, status: 'PROCESSED' });
    expect(Object.isFrozen(got)).toBe(true);
    expect((await store.getBySeq(2))?.status).toBe('FAILED');
    expect((await store.query({ statuses: ['PROCESSED'] })).events.map((e) => e.seq)).toEqual([1]);
    expect(await store.count({ statuses: ['FAILED'] })).toBe(1);
    const seen = await store.replay({ initial: [] as string[], reducer: (acc, e) => [...acc, e.status] });
    expect(seen.state).toEqual(['PROCESSED', 'FAILED']);
    expect((await store.getEventsByType('equipment.*')).map((e) => e.status)).toEqual(['PROCESSED', 'FAILED']);
  });

  it('ignores a status moving backwards or for an unknown event', async () => {
    const store = new InMemoryEventStore();
    const [event] = await store.append([makeEvent()]);
    await store.updateStatuses([{ eventId: event!.id, status: 'PROCESSED' }]);
    await store.updateStatuses([{ eventId: event!.id, status: 'DELIVERED' }, { eventId: newEventId(), status: 'PROCESSED' }]);
    expect((await store.get(event!.id))?.status).toBe('PROCESSED');
    expect(await store.headSeq()).toBe(1);
  });
});

describe('in-memory store: delivery records', () => {
  async function storeWith(count: number, subscribers: readonly string[]) {
    const store = new InMemoryEventStore();
    const events = await store.append(makeEvents(count), Array.from({ length: count }, () => subscribers));
    return { store, events };
  }

  it('gives back plain records equal to what was put, and the append’s own PUBLISHED records', async () => {
    const { store, events } = await storeWith(3, ['audit', 'alarms']);
    const published = await store.getDelivery(events[0]!.id, 'audit');
    expect(published).toMatchObject({ eventId: events[0]!.id, seq: 1, subscriber: 'audit', status: 'PUBLISHED', attempts: 0, errors: [] });
    expect(Object.isFrozen(published)).toBe(true);

    const processed = makeDelivery(events[0]!.id, 1, 'audit', { status: 'PROCESSED', attempts: 1, updatedAt: BASE_TIME + 5 });
    const delivered = makeDelivery(events[1]!.id, 2, 'audit', { status: 'DELIVERED', attempts: 3, updatedAt: BASE_TIME + 6 });
    await store.putDeliveries([processed, delivered]);
    expect(await store.getDelivery(events[0]!.id, 'audit')).toEqual(processed);
    expect(await store.getDelivery(events[1]!.id, 'audit')).toEqual(delivered);
    expect((await store.pendingDeliveries('audit')).map((d) => [d.seq, d.status])).toEqual([[2, 'DELIVERED'], [3, 'PUBLISHED']]);
    expect((await store.deliveriesOf(events[0]!.id)).map((d) => `${d.subscriber}:${d.status}`)).toEqual(['alarms:PUBLISHED', 'audit:PROCESSED']);
    expect(await store.getDelivery(events[0]!.id, 'nobody')).toBeNull();
    expect(await store.pendingDeliveries('nobody')).toEqual([]);
  });

  it('keeps records with errors, retries or dead-letter fields, and a replaced record leaves no second copy', async () => {
    const { store, events } = await storeWith(4, ['audit']);
    const id = events[1]!.id;
    const failed = makeDelivery(id, 2, 'audit', {
      status: 'FAILED', attempts: 2, errors: [{ attempt: 2, at: BASE_TIME, message: 'boom' }], lastError: 'boom', nextAttemptAt: BASE_TIME + 100,
    });
    await store.putDeliveries([failed]);
    expect(await store.getDelivery(id, 'audit')).toEqual(failed);
    expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1, 2, 3, 4]);
    expect(await store.deliveriesOf(id)).toEqual([failed]);

    const dead = { ...failed, deadLetteredAt: BASE_TIME + 200 };
    await store.putDeliveries([dead]);
    expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1, 3, 4]);
    expect((await store.deadLetters()).map((l) => [l.delivery, l.event.id])).toEqual([[dead, id]]);

    // Redriven: the record replaces the dead one, and the dead letter is gone.
    const redriven = makeDelivery(id, 2, 'audit', { updatedAt: BASE_TIME + 300 });
    await store.putDeliveries([redriven]);
    expect(await store.getDelivery(id, 'audit')).toEqual(redriven);
    expect(await store.deliveriesOf(id)).toEqual([redriven]);
    expect(await store.deadLetters()).toEqual([]);
    expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1, 2, 3, 4]);

    await store.putDeliveries([{ ...redriven, status: 'PROCESSED', attempts: 1 }]);
    expect((await store.pendingDeliveries('audit')).map((d) => d.seq)).toEqual([1, 3, 4]);
  });

  it('keeps a record whose seq does not hold its event, or whose event is not stored, as given', async () => {
    const { store, events } = await storeWith(2, []);
    const misplaced = makeDelivery(events[0]!.id, 2, 'audit', { status: 'DELIVERED' });
    const orphan = makeDelivery(newEventId(), 7, 'audit');
    await store.putDeliveries([misplaced, orphan]);
    expect(await store.getDelivery(events[0]!.id, 'audit')).toEqual(misplaced);
    expect(await store.getDelivery(orphan.eventId, 'audit')).toEqual(orphan);
    expect(await store.getDelivery(events[1]!.id, 'audit')).toBeNull();
    expect((await store.pendingDeliveries('audit')).map((d) => d.eventId)).toEqual([misplaced.eventId, orphan.eventId]);
  });

  it('does not share a record object with the caller, who may go on changing it', async () => {
    const { store, events } = await storeWith(1, []);
    const errors = [{ attempt: 1, at: BASE_TIME, message: 'first' }];
    const record: DeliveryRecord = makeDelivery(events[0]!.id, 1, 'audit', { status: 'FAILED', attempts: 1, errors, lastError: 'first' });
    await store.putDeliveries([record]);
    errors.push({ attempt: 2, at: BASE_TIME, message: 'second' });
    expect((await store.getDelivery(events[0]!.id, 'audit'))?.errors).toEqual([{ attempt: 1, at: BASE_TIME, message: 'first' }]);
  });

  it('keeps pending and processed records apart over thousands of events', async () => {
    const { store, events } = await storeWith(3000, ['audit']);
    await store.putDeliveries(events.filter((e) => e.seq % 2 === 0).map((e) => makeDelivery(e.id, e.seq, 'audit', { status: 'PROCESSED', attempts: 1 })));
    const pending = await store.pendingDeliveries('audit');
    expect(pending).toHaveLength(1500);
    expect(pending.every((d) => d.seq % 2 === 1 && d.status === 'PUBLISHED')).toBe(true);
    expect((await store.getDelivery(events[2999]!.id, 'audit'))?.status).toBe('PROCESSED');
  });
});

describe('in-memory store: duplicate ids', () => {
  it('refuses a repeated id inside one batch whether or not it is above every stored id, and stores nothing of the batch', async () => {
    const store = new InMemoryEventStore();
    await store.append(makeEvents(3));
    const fresh = makeEvents(3);
    await expect(store.append([fresh[0]!, fresh[1]!, { ...fresh[1]!, payload: { other: true } }])).rejects.toThrow(`id: duplicate id ${fresh[1]!.id}`);
    const older: PlantEvent = makeEvent({ id: newEventId(BASE_TIME) });
    await expect(store.append([fresh[2]!, older, { ...older }])).rejects.toThrow(`id: duplicate id ${older.id}`);
    expect(await store.headSeq()).toBe(3);
    await expect(store.append(fresh)).resolves.toHaveLength(3);
    expect(await store.headSeq()).toBe(6);
  });

  it('refuses an id already stored that is below the greatest stored id', async () => {
    const store = new InMemoryEventStore();
    const [first] = await store.append(makeEvents(2));
    await expect(store.append([makeEvent(), { ...makeEvent(), id: first!.id }])).rejects.toThrow(`id: duplicate id ${first!.id}`);
    const early = makeEvent({ id: newEventId(BASE_TIME) });
    await store.append([early]);
    await expect(store.append([makeEvent({ id: early.id })])).rejects.toThrow(`id: duplicate id ${early.id}`);
    expect(await store.headSeq()).toBe(3);
  });
});

describe("the in-memory store with Node's SHA-256", () => {
  it('gives the same digests as the portable SHA-256', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', 'é', '€', '😀', '\n', '\u0000', '\ud800', '\udc00'];
    for (let i = 0; i < 600; i++) {
      let text = '';
      const length = next() % 200;
      for (let k = 0; k < length; k++) text += alphabet[next() % alphabet.length];
      expect(nodeSha256HexOfText(text)).toBe(sha256HexOfText(text));
    }
  });

  it('builds the same hash chain as the default store, which verifies', async () => {
    const events = makeEvents(300, (i) => ({ payload: { equipmentId: `press-${i % 7}`, note: i % 3 === 0 ? 'Überdruck ⚠' : 'ok', value: i / 7 } }));
    const portable = new InMemoryEventStore();
    const native = new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });
    const a = await portable.append(events);
    const b = await native.append(events);
    expect(b.map((e) => e.hash)).toEqual(a.map((e) => e.hash));
    expect(await native.chainHead()).toEqual(await portable.chainHead());
    expect(await verifyStoreChain(native)).toMatchObject({ ok: true });
  });
});

describe('in-memory store: finding events by id', () => {
  it('finds every one of many events by id, and nothing for ids it does not hold or that are not strings', async () => {
    const store = new InMemoryEventStore();
    const stored = await store.append(makeEvents(5000));
    for (const event of stored) expect((await store.get(event.id))?.seq).toBe(event.seq);
    expect(await store.get(newEventId())).toBeNull();
    expect(await store.get(42 as unknown as string)).toBeNull();
    expect(await store.getDelivery(null as unknown as string, 'audit')).toBeNull();
  });
});
