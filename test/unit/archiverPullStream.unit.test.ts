// The archiver's reader of its pull consumer, on a stand-in connection that records what it
// publishes: it never asks for more than its window, acknowledges each message of a committed
// batch on the message's own subject (and hands a failed batch back with a delay), asks again
// when a request expires, vanishes or the connection comes back, and leaves alone a message
// that is no JetStream delivery.
import type { Msg, MsgHdrs, NatsConnection, Status } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPIRES_MS, PullStream, readDelivery, type Delivered } from '../../main/archiver/pullStream';

const NEXT = '$JS.API.CONSUMER.MSG.NEXT.PLANT.archiver';

function headersOf(code: number, description: string, values: Record<string, string> = {}): MsgHdrs {
  return { code, description, get: (name: string) => values[name] ?? '' } as unknown as MsgHdrs;
}

function delivery(seq: number, pending = 0, reply = `$JS.ACK.PLANT.archiver.1.${seq}.${seq}.1800000000123456789.${pending}`): Msg {
  return { subject: 'plant.equipment.status.changed', reply, data: Uint8Array.of(123, 125), headers: headersOf(0, '', { 'Plant-Station': 'station-a' }) } as unknown as Msg;
}

/** A connection that keeps what is published, and lets the test deliver to the one subscription and report a reconnection. */
function standIn() {
  const published: { subject: string; body: string; reply?: string }[] = [];
  let deliver: (msg: Msg) => void = () => undefined;
  let inbox = '';
  const statuses: ((status: Status) => void)[] = [];
  const nc = {
    subscribe: (subject: string, options: { callback: (error: Error | null, msg: Msg) => void }) => {
      inbox = subject.slice(0, -2);
      deliver = (msg) => options.callback(null, msg);
      return { unsubscribe: () => undefined };
    },
    publish: (subject: string, data: Uint8Array | string, options?: { reply?: string }) =>
      void published.push({ subject, body: typeof data === 'string' ? data : new TextDecoder().decode(data), ...(options?.reply ? { reply: options.reply } : {}) }),
    isClosed: () => false,
    status: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Status>>((resolve) => statuses.push((value) => resolve({ value, done: false }))) }),
    }),
  } as unknown as NatsConnection;
  const pulls = () => published.filter((p) => p.subject === NEXT).map((p) => ({ batch: (JSON.parse(p.body) as { batch: number }).batch, reply: p.reply! }));
  const status = (reply: string, code: number, description: string, values?: Record<string, string>) =>
    deliver({ subject: reply, reply: '', data: new Uint8Array(0), headers: headersOf(code, description, values) } as unknown as Msg);
  const reconnect = () => statuses.splice(0).forEach((report) => report({ type: 'reconnect', server: 'nats://127.0.0.1:4222' } as Status));
  return { nc, published, pulls, deliver: (msg: Msg) => deliver(msg), status, reconnect, inbox: () => inbox };
}

function reader(window = 100) {
  const conn = standIn();
  const taken: Delivered[] = [];
  const lines: string[] = [];
  const stream = new PullStream(conn.nc, 'PLANT', 'archiver', (m) => taken.push(m), { window, retryDelayMs: 1_000, log: (line) => lines.push(line) });
  return { ...conn, stream, taken, lines };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('the archiver’s pull reader', () => {
  it('reads what an acknowledgement subject says, in both forms, and refuses what is none', () => {
    expect(readDelivery(delivery(42, 7))).toEqual({
      data: Uint8Array.of(123, 125),
      meta: { subject: 'plant.equipment.status.changed', streamSeq: 42, storedAt: 1_800_000_000_123, station: 'station-a' },
      pending: 7,
      ackSubject: '$JS.ACK.PLANT.archiver.1.42.42.1800000000123456789.7',
    });
    expect(readDelivery(delivery(5, 0, '$JS.ACK.hub.ACCHASH.PLANT.archiver.2.5.9.1800000000123456789.3.token'))).toMatchObject({ meta: { streamSeq: 5 }, pending: 3 });
    for (const reply of ['', '_INBOX.x', '$JS.ACK.PLANT.archiver.1.x.1.1.0', '$JS.ACK.PLANT.archiver.1.0.1.1.0', '$JS.ACK.PLANT.archiver.1.4.1.1', '$JS.ACK.PLANT.archiver.1.4.1.1.-2']) {
      expect(readDelivery(delivery(1, 0, reply))).toBeNull();
    }
  });

  it('never has more asked for and in hand than its window, and asks again as batches are settled', () => {
    const r = reader(100);
    expect(r.pulls().map((p) => p.batch)).toEqual([100]);
    for (let seq = 1; seq <= 100; seq++) r.deliver(delivery(seq));
    expect(r.taken).toHaveLength(100);
    expect(r.pulls()).toHaveLength(1);
    // A settled batch smaller than a quarter of the window is not worth a request yet.
    r.stream.settle(r.taken.slice(0, 20), null);
    expect(r.pulls()).toHaveLength(1);
    r.stream.settle(r.taken.slice(20, 60), null);
    expect(r.pulls().map((p) => p.batch)).toEqual([100, 60]);
  });

  it('acknowledges each message of a committed batch on its own subject, and hands a failed one back with a delay', () => {
    const r = reader();
    [1, 2, 3].forEach((seq) => r.deliver(delivery(seq)));
    r.stream.settle(r.taken.slice(0, 2), null);
    r.stream.settle(r.taken.slice(2), new Error('PostgreSQL is away'));
    const answers = r.published.filter((p) => p.subject.startsWith('$JS.ACK.'));
    expect(answers).toEqual([
      { subject: r.taken[0]!.ackSubject, body: '+ACK' },
      { subject: r.taken[1]!.ackSubject, body: '+ACK' },
      { subject: r.taken[2]!.ackSubject, body: '-NAK {"delay":1000000000}' },
    ]);
  });

  it('asks again when a request expires with messages unfilled', () => {
    const r = reader(100);
    for (let seq = 1; seq <= 10; seq++) r.deliver(delivery(seq));
    r.status(r.pulls()[0]!.reply, 408, 'Request Timeout', { 'Nats-Pending-Messages': '90' });
    // 10 in hand, nothing asked for: 90 asked again.
    expect(r.pulls().map((p) => p.batch)).toEqual([100, 90]);
    expect(r.lines).toEqual([]);
  });

  it('asks again once a request with no answer is past its expiry (a restarted server forgot it), and at once after a reconnection', async () => {
    const r = reader(100);
    vi.advanceTimersByTime(EXPIRES_MS);
    expect(r.pulls()).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(r.pulls().map((p) => p.batch)).toEqual([100, 100]);
    r.reconnect();
    await vi.waitFor(() => expect(r.pulls()).toHaveLength(3));
  });

  it('tells once of a request the server ended otherwise, and asks again on the next tick, not at once', () => {
    const r = reader(100);
    r.status(r.pulls()[0]!.reply, 503, '');
    expect(r.pulls()).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(r.pulls()).toHaveLength(2);
    r.status(r.pulls()[1]!.reply, 503, '');
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/status 503/);
  });

  it('leaves alone a message that is no JetStream delivery, and says so', () => {
    const r = reader();
    r.deliver(delivery(1, 0, '_INBOX.somewhere'));
    expect(r.taken).toEqual([]);
    expect(r.lines[0]).toMatch(/without a JetStream acknowledgement subject/);
  });
});
