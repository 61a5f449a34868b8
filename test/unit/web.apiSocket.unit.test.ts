import { afterEach, describe, expect, test, vi } from 'vitest';
import { createDispatcher } from '../../main/api/dispatch';
import { createHandlers } from '../../main/api/handlers';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { expandStored } from '../../shared/api/compactReply';
import { newEventId } from '../../shared/events/uuidv7';
import { checkApiUpgrade, MAX_CALLS_IN_FLIGHT, MAX_MESSAGE_BYTES, serveApiSocket, type ApiSocket } from '../../main/web/apiSocket';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const ORIGIN = 'http://127.0.0.1:4321';
const TOKEN = 'the-per-run-token';

/** A socket as serveApiSocket sees it: what it sent, and whether it was closed. */
class FakeSocket implements ApiSocket {
  readonly sent: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly listeners = { message: [] as ((data: Buffer, isBinary: boolean) => void)[], close: [] as (() => void)[] };
  on(event: 'message' | 'close', listener: never): this {
    this.listeners[event].push(listener);
    return this;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    for (const listener of this.listeners.close) listener();
  }
  receive(message: string | object, isBinary = false): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const listener of this.listeners.message) listener(Buffer.from(text), isBinary);
  }
  /** Waits until `count` messages were sent. */
  async waitFor(count: number): Promise<Record<string, unknown>[]> {
    await vi.waitFor(() => expect(this.sent.length).toBeGreaterThanOrEqual(count), { timeout: 5_000 });
    return this.sent;
  }
}

const request = (headers: Record<string, string>, url = `/api?token=${TOKEN}`) => ({ url, headers: { host: '127.0.0.1:4321', origin: ORIGIN, ...headers } });

describe('the /api socket: who may connect', () => {
  test('the host\'s own origin with the right token is let in', () => {
    expect(checkApiUpgrade(request({}), { origin: ORIGIN, token: TOKEN })).toEqual({ ok: true, tokenGiven: true });
    expect(checkApiUpgrade(request({}, '/api'), { origin: ORIGIN, token: TOKEN })).toEqual({ ok: true, tokenGiven: false });
  });

  test.each([
    [{ origin: 'http://evil.example' }, 'origin http://evil.example is not allowed'],
    [{ origin: 'http://localhost:4321' }, 'origin http://localhost:4321 is not allowed'],
    [{ origin: 'null' }, 'origin null is not allowed'],
    [{ host: 'evil.example:4321' }, 'host evil.example:4321 is not this host'],
  ])('%j is refused', (headers, reason) => {
    expect(checkApiUpgrade(request(headers), { origin: ORIGIN, token: TOKEN })).toEqual({ ok: false, reason });
  });

  test('no Origin header at all, or a wrong token, is refused', () => {
    const { origin: _origin, ...noOrigin } = request({}).headers;
    expect(checkApiUpgrade({ url: `/api?token=${TOKEN}`, headers: noOrigin }, { origin: ORIGIN, token: TOKEN })).toEqual({ ok: false, reason: 'origin (none) is not allowed' });
    expect(checkApiUpgrade(request({}, '/api?token=guess'), { origin: ORIGIN, token: TOKEN })).toEqual({ ok: false, reason: 'wrong token' });
  });
});

describe('the /api socket: messages', () => {
  let core: PlantCore | undefined;
  afterEach(async () => core?.close());

  async function connected(authenticated = true, authTimeoutMs?: number): Promise<{ socket: FakeSocket; core: PlantCore }> {
    core = await createPlantCore({ store: new InMemoryEventStore() });
    const socket = new FakeSocket();
    serveApiSocket(socket, { clientId: 'c1', dispatch: createDispatcher(createHandlers(core)), pushes: core.pushes, token: TOKEN, authenticated, ...(authTimeoutMs ? { authTimeoutMs } : {}) });
    return { socket, core };
  }

  test('a call is answered with its envelope under the same id', async () => {
    const { socket } = await connected();
    socket.receive({ id: 7, method: 'events.publish', args: [{ type: 'operator.note.added', payload: { text: 'hi' } }] });
    const [reply] = await socket.waitFor(1);
    expect(reply).toMatchObject({ id: 7, envelope: { ok: true, value: { type: 'operator.note.added', seq: 1 } } });
  });

  test('bad messages get an error envelope naming the problem, and the socket stays open', async () => {
    const { socket } = await connected();
    socket.receive('{"id": 1, "method": ');
    socket.receive([1, 2]);
    socket.receive({ id: -1, method: 'metrics.get' });
    socket.receive({ id: 2, method: '' });
    socket.receive({ id: 3, method: 'metrics.get', args: { 0: 1 } });
    socket.receive({ id: 4 }, true);
    socket.receive(JSON.stringify({ id: 5, method: 'metrics.get', pad: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    socket.receive({ id: 8, method: 'events.publishBatch', args: [[]], compact: 'yes' });
    socket.receive({ id: 9, method: 'events.query', args: [], compact: true });
    socket.receive({ id: 6, method: 'events.drop', args: [] });
    socket.receive({ id: 7, method: 'events.publish', args: [{ type: 'Not Valid', payload: {} }] });
    const replies = await socket.waitFor(11);
    const problems = replies.map((reply) => [reply.id, (reply.envelope as { error: { code: string; message: string } }).error]);
    expect(problems).toEqual([
      [null, { code: 'bad-message', message: expect.stringMatching(/^message is not JSON/) }],
      [null, { code: 'bad-message', message: 'message: must be an object { id, method, args }' }],
      [null, { code: 'bad-message', message: 'message.id: must be a whole number of at least 0' }],
      [2, { code: 'bad-message', message: 'message.method: must be a method name' }],
      [3, { code: 'bad-message', message: 'message.args: must be a list' }],
      [null, { code: 'bad-message', message: 'binary messages are not accepted: send JSON text' }],
      [null, { code: 'bad-message', message: expect.stringMatching(/^message of \d+ bytes is over the limit of 8388608 bytes$/) }],
      [8, { code: 'bad-message', message: 'message.compact: must be true when given' }],
      [9, { code: 'bad-message', message: 'message.compact: only events.publishBatch answers compact' }],
      [6, { code: 'unknown-method', message: 'unknown method "events.drop"' }],
      [7, { code: 'invalid-input', message: expect.stringMatching(/^events\.publish: event\.type: /) }],
    ]);
    expect(socket.closed).toBeNull();
  });

  test('a publishBatch asked compact is answered with what the store added only, which rebuilds the stored events', async () => {
    const { socket, core } = await connected();
    const inputs = [
      { id: newEventId(), type: 'operator.note.added', payload: { text: 'first', equipmentId: 'press-1' } },
      { id: newEventId(), type: 'operator.note.added', payload: { text: 'second' }, priority: 'HIGH', timestamp: 1_700_000_000_000, metadata: { shift: 'B' } },
    ];
    socket.receive({ id: 3, method: 'events.publishBatch', args: [inputs], compact: true });
    const [reply] = await socket.waitFor(1);
    expect(Object.keys(reply as object)).toEqual(['id', 'compact']);
    const stored = await Promise.all(inputs.map((input) => core.store.get(input.id)));
    expect(expandStored(JSON.parse(JSON.stringify(inputs)) as unknown[], reply?.compact)).toStrictEqual(stored);
    // A refusal still comes as the envelope that says why.
    socket.receive({ id: 4, method: 'events.publishBatch', args: [[{ type: 'a.b' }]], compact: true });
    expect((await socket.waitFor(2))[1]).toMatchObject({ id: 4, envelope: { ok: false, error: { code: 'invalid-input' } } });
  });

  test('a bad event in a batch is refused naming its index and field, and nothing of the batch is stored', async () => {
    const { socket, core } = await connected();
    const good = { type: 'operator.note.added', payload: { text: 'fine' } };
    socket.receive({ id: 1, method: 'events.publishBatch', args: [[good, good, { ...good, priority: 'URGENT' }]] });
    socket.receive({ id: 2, method: 'events.publishBatch', args: [[good, { ...good, source: '' }]] });
    const replies = await socket.waitFor(2);
    expect(replies.map((reply) => (reply.envelope as { error: { message: string } }).error.message)).toEqual([
      'events.publishBatch: events[2].priority: must be one of LOW, NORMAL, HIGH, CRITICAL',
      'events.publishBatch: events[1].source: must not be empty',
    ]);
    expect(await core.store.headSeq()).toBe(0);
  });

  test("a batch's payloads, checked where the socket parsed them, are refused naming the event and the value, and nothing of the batch is stored", async () => {
    const { socket, core } = await connected();
    const good = JSON.stringify({ type: 'operator.note.added', payload: { text: 'fine', readings: [1, 2] } });
    const bad = [
      ['{"type": "operator.note.added", "payload": {"readings": [1, 1e999]}}', 'events[1].payload.readings[1]: is not a finite number'],
      ['{"type": "operator.note.added", "payload": {"a": {"__proto__": {"x": 1}}}}', 'events[1].payload.a.__proto__: is a forbidden key (__proto__, constructor and prototype are not allowed)'],
      ['{"type": "operator.note.added", "payload": 1, "metadata": [1]}', 'events[1].metadata: must be a JSON object'],
    ];
    bad.forEach(([event], i) => socket.receive(`{"id": ${i}, "method": "events.publishBatch", "args": [[${good}, ${event}, ${good}]], "compact": true}`));
    const replies = await socket.waitFor(bad.length);
    expect(replies.map((reply) => (reply.envelope as { error: { message: string } }).error.message)).toEqual(bad.map(([, problem]) => `events.publishBatch: ${problem}`));
    expect(await core.store.headSeq()).toBe(0);
  });

  test("a publishBatch's shared fields go into every event before the check; shared fields that do not fit are refused naming them, with nothing stored", async () => {
    const { socket, core } = await connected();
    const events = [{ payload: { text: 'first' } }, { payload: { text: 'second' }, priority: 'HIGH' }];
    socket.receive({ id: 1, method: 'events.publishBatch', args: [events], compact: true, shared: { type: 'operator.note.added', source: 'desk-3', priority: 'LOW' } });
    socket.receive({ id: 2, method: 'events.publishBatch', args: [events], shared: { type: 'operator.note.added', seq: 1 } });
    socket.receive({ id: 3, method: 'events.publishBatch', args: [events], shared: { type: 'Not Valid' } });
    socket.receive({ id: 4, method: 'events.publish', args: [events[0]], shared: { type: 'operator.note.added' } });
    // Refused messages are answered at once, calls once the dispatcher has checked them: in the order of their ids here.
    const replies = [...(await socket.waitFor(4))].sort((a, b) => (a.id as number) - (b.id as number));
    expect(replies.map((reply) => (reply.envelope as { error: { message: string } }).error.message)).toEqual([
      'message.shared.priority: events[1] has its own',
      'message.shared.seq: is not an event field',
      expect.stringMatching(/^events\.publishBatch: events\[0\]\.type: /),
      'message.shared: only events.publishBatch takes shared fields',
    ]);
    expect(await core.store.headSeq()).toBe(0);
    socket.receive({ id: 5, method: 'events.publishBatch', args: [events], compact: true, shared: { type: 'operator.note.added', source: 'desk-3' } });
    const [reply] = (await socket.waitFor(5)).slice(4);
    const stored = await core.store.query({ order: 'asc' });
    expect(stored.events.map((event) => [event.type, event.source, event.priority])).toEqual([
      ['operator.note.added', 'desk-3', 'NORMAL'],
      ['operator.note.added', 'desk-3', 'HIGH'],
    ]);
    expect(expandStored(events.map((event) => ({ ...event, type: 'operator.note.added', source: 'desk-3' })), reply?.compact)).toStrictEqual(stored.events);
  });

  test('without the token in the address, the first message must carry it', async () => {
    const { socket } = await connected(false);
    socket.receive({ token: TOKEN });
    socket.receive({ id: 1, method: 'metrics.get', args: [] });
    const replies = await socket.waitFor(2);
    expect(replies[0]).toEqual({ kind: 'authenticated' });
    expect(replies[1]).toMatchObject({ id: 1, envelope: { ok: true } });
  });

  test('a call, or a wrong token, before the token closes the socket with the reason', async () => {
    const first = await connected(false);
    first.socket.receive({ id: 1, method: 'metrics.get', args: [] });
    expect(first.socket.closed).toEqual({ code: 1008, reason: 'wrong or missing token' });
    expect(first.socket.sent).toEqual([]);
    await first.core.close();

    const second = await connected(false);
    second.socket.receive({ token: 'guess' });
    expect(second.socket.closed).toEqual({ code: 1008, reason: 'wrong or missing token' });
  });

  test('a socket that never sends its token is closed after the wait', async () => {
    const { socket } = await connected(false, 20);
    await expect.poll(() => socket.closed).toEqual({ code: 1008, reason: 'no token: open the address the host printed' });
  });

  test('pushes reach the socket that subscribed, and stop when it closes', async () => {
    const { socket, core } = await connected();
    // A second socket on the same events: when it has a push, the closed one had its chance.
    const witness = new FakeSocket();
    serveApiSocket(witness, { clientId: 'c2', dispatch: createDispatcher(createHandlers(core)), pushes: core.pushes, token: TOKEN, authenticated: true });
    socket.receive({ id: 1, method: 'events.subscribe', args: ['operator.*'] });
    witness.receive({ id: 1, method: 'events.subscribe', args: ['operator.*'] });
    await socket.waitFor(1);
    await witness.waitFor(1);
    const event = await core.bus.createAndPublishEvent('operator.note.added', { text: 'pushed' });
    const sent = await socket.waitFor(2);
    expect(sent[1]).toMatchObject({ channel: 'push:events', items: [{ events: [{ id: event.id }] }] });
    await witness.waitFor(2);
    socket.close(1000, 'bye');
    const late = await core.bus.createAndPublishEvent('operator.note.added', { text: 'after close' });
    await vi.waitFor(() => expect(witness.sent[2]).toMatchObject({ items: [{ events: [{ id: late.id }] }] }));
    expect(socket.sent).toHaveLength(2);
  });

  test('too many calls at once are refused as overloaded', async () => {
    const socket = new FakeSocket();
    const never = () => new Promise<never>(() => undefined);
    serveApiSocket(socket, { clientId: 'c1', dispatch: never, pushes: { connect: () => undefined, disconnect: () => undefined }, token: TOKEN, authenticated: true });
    for (let id = 0; id <= MAX_CALLS_IN_FLIGHT; id++) socket.receive({ id, method: 'metrics.get', args: [] });
    expect(socket.sent).toEqual([{ id: MAX_CALLS_IN_FLIGHT, envelope: { ok: false, error: { code: 'overloaded', message: `too many calls at once: at most ${MAX_CALLS_IN_FLIGHT} per connection` } } }]);
  });
});
