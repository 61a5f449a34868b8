// The inbound side of the link on a local store that refuses some valid events for good (as
// PostgreSQL does for a constraint of its owner: PostgresRefusedError, code store-refused).
// The batch must not fail each time it comes again: the refused events are kept once as
// `plant.message.rejected` with the store's reason, every other event of the batch is stored,
// and the batch resolves so that it is acknowledged. A store that is only away still fails
// the batch (it comes again later), and nothing is stored meanwhile.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { Inbound } from '../../main/plant/inbound';
import type { ConsumedMessage } from '../../main/plant/consumeBatches';
import { encodeEvent } from '../../main/plant/wireEvent';
import { PostgresRefusedError } from '../../main/store/postgres/pgConnection';
import type { PlantEvent } from '../../shared/events/event';
import type { AppendInput } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { makeEvents } from '../support/events';
import { allEvents } from '../support/plantStations';

const REASON = 'new row for relation "plant_events" violates check constraint "no_retired_press"';

/** Refuses, all or nothing, an append holding anything about the retired press; or fails as if away. */
class RefusingStore extends InMemoryEventStore {
  away = false;

  override append(events: readonly AppendInput[], subscribers?: readonly (readonly string[])[]) {
    if (this.away) return Promise.reject(new Error('the store is away'));
    if (events.some((event) => JSON.stringify(event).includes('press-retired'))) {
      return Promise.reject(new PostgresRefusedError(`The PostgreSQL event store refused the request (${REASON}): append.`, REASON));
    }
    return super.append(events, subscribers);
  }
}

function station() {
  const store = new RefusingStore();
  const inbound = new Inbound(new EventBus({ store }), store, 'PLANT', 'b', null);
  return { store, inbound };
}

function messages(events: readonly PlantEvent[], firstSeq = 1): ConsumedMessage[] {
  return events.map((event, i) => ({
    data: encodeEvent(event),
    meta: { subject: `plant.${event.type}`, streamSeq: firstSeq + i, storedAt: 1_800_000_000_000 + i, station: 'a', pending: events.length - i - 1, redelivered: false },
    msgId: event.id,
  }));
}

const batch = makeEvents(12, (i) => ({ payload: { equipmentId: i % 5 === 3 ? 'press-retired' : `press-${i}` } }));
const refused = batch.filter((event) => (event.payload as { equipmentId: string }).equipmentId === 'press-retired');

describe('events the local store refuses for good', () => {
  it('keeps each once as rejected with the store’s reason, stores the rest of the batch, and resolves (so it is acknowledged)', async () => {
    const { store, inbound } = station();
    await inbound.onBatch(messages(batch));
    const stored = await allEvents(store);
    expect(stored.filter((e) => e.type !== 'plant.message.rejected').map((e) => e.id).sort()).toEqual(batch.filter((e) => !refused.includes(e)).map((e) => e.id).sort());
    const rejections = stored.filter((e) => e.type === 'plant.message.rejected').map((e) => e.payload as { code: string; reason: string; excerpt: string });
    expect(rejections.map((p) => p.reason).sort()).toEqual(refused.map((e) => `the local store refused the event ${e.id} (${REASON})`).sort());
    expect(rejections.every((p) => p.code === 'store-refused')).toBe(true);
    // The record's excerpt would hold the retired press too, which the store refuses as well: it is kept without it.
    expect(rejections.map((p) => p.excerpt)).toEqual(refused.map(() => ''));
    expect(inbound.counts).toMatchObject({ received: batch.length, stored: batch.length - refused.length, rejected: refused.length, behind: 0 });
  });

  it('stores nothing twice when the batch comes again, and takes a refused live message alone the same way', async () => {
    const { store, inbound } = station();
    await inbound.onBatch(messages(batch));
    const before = (await allEvents(store)).length;
    await inbound.onBatch(messages(batch));
    expect(await allEvents(store)).toHaveLength(before);
    const [live] = makeEvents(1, () => ({ payload: { equipmentId: 'press-retired' } }));
    await inbound.onBatch(messages([live!], 100));
    const last = (await allEvents(store)).at(-1)!;
    expect(last.type).toBe('plant.message.rejected');
    expect(last.payload).toMatchObject({ code: 'store-refused', streamSeq: 100 });
  });

  it('fails the batch while the store is away, storing nothing, and takes it whole once the store is back', async () => {
    const { store, inbound } = station();
    const fine = makeEvents(5);
    store.away = true;
    await expect(inbound.onBatch(messages(fine))).rejects.toThrow(/away/);
    expect(await allEvents(store)).toEqual([]);
    store.away = false;
    await inbound.onBatch(messages(fine));
    expect((await allEvents(store)).map((e) => e.id)).toEqual(fine.map((e) => e.id));
  });
});
