/**
 * Browser mode's sockets against hostile clients, over raw TCP: broken frames before and
 * after the checks, large frames before the token, and a client that never reads. The host
 * runs in this process, so a socket error it failed to handle fails the run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../main/web/server';
import { MAX_FRAME_BYTES_BEFORE_AUTH } from '../../main/web/socketGuard';
import { closedByHost, frame, rawUpgrade, readAll, textFrame } from './support/rawSocket';

const OUTPUT_LIMIT = 8 * 1024 * 1024;
let host: WebHost;
const logged: string[] = [];

beforeAll(async () => {
  host = await startWebHost({
    memory: true,
    log: (line) => logged.push(line),
    core: { healthEverySeconds: 0 },
    outputLimits: { maxBufferedBytes: OUTPUT_LIMIT, stallBytes: 1024 * 1024, stallMs: 3_000 },
  });
});

afterAll(async () => {
  await host?.close();
});

const port = () => host.port;
const origin = () => `http://127.0.0.1:${host.port}`;

/** A well-behaved client; `call` resolves with the envelope and how long it took. */
async function client(address = `ws://127.0.0.1:${host.port}/api?token=${host.token}`) {
  const ws = new WebSocket(address, { origin: origin() });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 1;
  const waiting = new Map<number, (envelope: { ok: boolean; value?: unknown }) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; envelope?: { ok: boolean } };
    if (typeof message.id === 'number') waiting.get(message.id)?.(message.envelope as { ok: boolean });
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return {
    ws,
    closed,
    async call(method: string, args: unknown[] = []) {
      const id = next++;
      const started = performance.now();
      const envelope = await new Promise<{ ok: boolean; value?: unknown }>((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, args }));
      });
      return { envelope, ms: performance.now() - started };
    },
  };
}

const BROKEN_FRAMES: Record<string, Buffer> = {
  'invalid UTF-8 text': frame(0x1, Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb])),
  unmasked: frame(0x1, Buffer.from('hello'), { masked: false }),
  'reserved opcode': frame(0x3, Buffer.alloc(0)),
  'header claiming 20 MB': frame(0x1, Buffer.alloc(16), { claimedLength: 20 * 1024 * 1024 }),
};

describe('broken frames', () => {
  test('sent with the upgrade, before any token or Origin check, to /api and /store: refused unread, the host keeps answering', async () => {
    for (const path of ['/api', '/store', '/store?token=guessed']) {
      for (const [name, bytes] of Object.entries(BROKEN_FRAMES)) {
        const { socket, status } = await rawUpgrade(port(), path, {}, bytes);
        expect(status, `${path}, ${name}`).toMatch(/^HTTP\/1\.1 403 /);
        await closedByHost(socket);
      }
    }
    const other = await client();
    expect((await other.call('metrics.get')).envelope.ok).toBe(true);
    other.ws.close();
  });

  test('a refused upgrade says why in one line', async () => {
    const refusals: [string, Record<string, string>, string][] = [
      [`/api?token=${host.token}`, { Origin: 'http://evil.example' }, 'origin http://evil.example is not allowed'],
      ['/api?token=not-the-token', { Origin: origin() }, 'wrong token'],
      ['/store?token=guessed', {}, 'not the store host this host started'],
    ];
    for (const [path, headers, reason] of refusals) {
      const upgrade = await rawUpgrade(port(), path, headers);
      expect(upgrade.status).toMatch(/^HTTP\/1\.1 403 /);
      const answer = await readAll(upgrade);
      expect(answer.endsWith(`\r\n\r\n${reason}\n`), answer).toBe(true);
    }
  });

  test('on an accepted socket, before and after its token: that socket is closed, others keep answering', async () => {
    const other = await client();
    for (const path of [`/api?token=${host.token}`, '/api']) {
      for (const [name, bytes] of Object.entries(BROKEN_FRAMES)) {
        const { socket, status } = await rawUpgrade(port(), path, { Origin: origin() });
        expect(status, `${path}, ${name}`).toMatch(/^HTTP\/1\.1 101 /);
        socket.write(bytes);
        await closedByHost(socket);
        expect((await other.call('metrics.get')).envelope.ok, `${path}, ${name}`).toBe(true);
      }
    }
    expect(logged.some((line) => /^api socket-\d+: .*connection closed$/.test(line))).toBe(true);
    other.ws.close();
  });
});

describe('frame sizes before and after the token', () => {
  test('a socket without its token may send only small frames; after `{ token }` large calls are fine', async () => {
    const early = await client(`ws://127.0.0.1:${port()}/api`);
    early.ws.send('x'.repeat(MAX_FRAME_BYTES_BEFORE_AUTH + 1));
    expect(await early.closed).toBe(1009);

    const proven = await client(`ws://127.0.0.1:${port()}/api`);
    proven.ws.send(JSON.stringify({ token: host.token }));
    const published = await proven.call('events.publish', [{ type: 'operator.note.added', payload: { text: 'n'.repeat(100_000) } }]);
    expect(published.envelope).toMatchObject({ ok: true, value: { type: 'operator.note.added' } });
    proven.ws.close();
  });
});

describe('a client that never reads', () => {
  test('holds its calls back and is disconnected with a log line; RSS stays bounded and others answer quickly', async () => {
    const filler = Array.from({ length: 500 }, (_, i) => ({ type: 'operator.note.added', payload: { text: `${i} ${'f'.repeat(2_000)}` } }));
    await host.core.bus.publishBatch(filler);
    const query = (id: number) => textFrame(JSON.stringify({ id, method: 'events.query', args: [{ limit: 500 }] }));

    const { socket, status } = await rawUpgrade(port(), `/api?token=${host.token}`, { Origin: origin() });
    expect(status).toMatch(/^HTTP\/1\.1 101 /);
    socket.pause(); // never reads again
    const rssBefore = process.memoryUsage().rss;
    // 150 answers of about 1 MB each: far beyond the limit if nothing bounded them.
    for (let id = 1; id <= 150; id++) socket.write(query(id));

    const other = await client();
    const latencies: number[] = [];
    await expect
      .poll(
        async () => {
          latencies.push((await other.call('metrics.get')).ms);
          return logged.some((line) => /^api socket-\d+: disconnected, it (does not read|left \d+ bytes of answers unread)/.test(line));
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(`non-reading client: cut off; RSS grew ${grownMb.toFixed(0)} MB; other client's ${latencies.length} calls meanwhile: median ${median.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
    // Unbounded, this grew the host by 750 MB and held the other client's call for 34 s.
    expect(grownMb).toBeLessThan(200);
    expect(Math.max(...latencies)).toBeLessThan(5_000);
    expect((await other.call('metrics.get')).ms).toBeLessThan(1_000);
    socket.destroy();
    other.ws.close();
  });
});
