// The inbound side of the link with the outbox's memory of what it sent: the station's own
// event coming back byte for byte is counted as stored without a second copy, while a message
// that reuses one of its ids (with its station header, even) but differs in content is still
// kept as an id conflict, and the stored event is left as it was. And how far behind the
// link reports itself after a reconnection, when old messages come again.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { Echoes } from '../../main/plant/echoes';
import { Inbound } from '../../main/plant/inbound';
import { encodeEvent } from '../../main/plant/wireEvent';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { allEvents as readAll } from '../support/plantStations';

const meta = (streamSeq: number) => ({ subject: 'plant.operator.note.added', streamSeq, storedAt: 1_800_000_000_000 + streamSeq, station: 'a', pending: 0, redelivered: false });

async function stationA() {
  const store = new InMemoryEventStore();
  const bus = new EventBus({ store });
  const echoes = new Echoes();
  const inbound = new Inbound(bus, store, 'PLANT', 'a', echoes);
  const mine = await bus.publish({ type: 'operator.note.added', payload: { note: 'made at a' } });
  const body = encodeEvent(mine);
  echoes.sent(mine.id, body);
  return { store, bus, inbound, mine, body };
}

describe('this station’s own events coming back from the stream', () => {
  it('counts an exact echo as stored and stores nothing more', async () => {
    const { store, inbound, mine, body } = await stationA();
    // A batch of two (the catch-up path) and the echo alone (the live path).
    await inbound.onBatch([{ data: body, meta: meta(1), msgId: mine.id }, { data: body, meta: meta(2), msgId: mine.id }]);
    expect(inbound.counts).toMatchObject({ received: 2, alreadyStored: 2, stored: 0, rejected: 0 });
    expect((await readAll(store)).map((e) => e.id)).toEqual([mine.id]);
  });

  it('keeps a forged copy under its id as an id conflict, even with this station’s header', async () => {
    const { store, inbound, mine, body } = await stationA();
    const forged = encodeEvent({ ...mine, payload: { note: 'changed on the way' } });
    const oneByteOff = Uint8Array.from(body);
    oneByteOff[Buffer.from(body).indexOf('made at a')] = 0x4d; // "made" becomes "Made"
    for (const [i, data] of [forged, oneByteOff].entries()) await inbound.onBatch([{ data, meta: meta(10 + i), msgId: mine.id }]);
    expect(inbound.counts).toMatchObject({ received: 2, alreadyStored: 0, rejected: 2 });
    const stored = await readAll(store);
    expect(stored.find((e) => e.id === mine.id)?.payload).toEqual({ note: 'made at a' });
    expect(stored.filter((e) => e.type === 'plant.message.rejected').map((e) => (e.payload as { code: string }).code)).toEqual(['id-conflict', 'id-conflict']);
  });
});

describe('how far behind the link is', () => {
  it('follows messages that come again after a reconnection, though their sequence numbers are older', async () => {
    const { inbound, mine, body } = await stationA();
    await inbound.onBatch([{ data: body, meta: { ...meta(10), pending: 0 }, msgId: mine.id }]);
    // Reconnected: the server still has 5 for this station, among them 3, left unacknowledged before.
    inbound.connected(5);
    expect(inbound.counts.behind).toBe(5);
    await inbound.onBatch([{ data: body, meta: { ...meta(3), pending: 0 }, msgId: mine.id }]);
    expect(inbound.counts.behind).toBe(0);
  });
});
