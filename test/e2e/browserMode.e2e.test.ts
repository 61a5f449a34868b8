/**
 * Browser mode end to end: the Node host (startWebHost) with its store host in a headless
 * Chromium on a fresh data folder, and the console page driven by Playwright in Debian's
 * Chromium. Everything goes through `window.plant`, as the user interface's does.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser } from 'playwright';
import { startWebHost, type WebHost } from '../../main/web/server';
import type { StoredEvent } from '../../shared/events/event';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { ConsolePage } from './support/consolePage';

const ARTIFACTS = join('test-results', 'e2e');

let dataDir: string;
let host: WebHost;
let browser: Browser;
let app: ConsolePage;
let published: { id: string; seq: number } | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plant-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  [host, browser] = await Promise.all([startWebHost({ dataDir, core: { healthEverySeconds: 0 } }), chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })]);
  app = await ConsolePage.open(browser, host.url);
});

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('browser mode', () => {
  test('the first screen shows the connected store and says what to do when there are no events', async () => {
    await expect.poll(() => app.storeState.textContent()).toContain('Store connected · 0 events');
    await app.emptyState.waitFor();
    expect(await app.emptyState.textContent()).toContain('window.plant.events.publish');
    expect(await app.page.getByRole('heading', { name: 'Plant Event Console' }).isVisible()).toBe(true);
    await app.page.screenshot({ path: join(ARTIFACTS, 'browser-mode-first-screen.png') });
  });

  test('an event published through window.plant is found by query and by a live subscription', async () => {
    await app.subscribe('operator.*');
    const event = await app.publish({ type: 'operator.note.added', payload: { text: 'shift handover', line: 3 }, priority: 'HIGH' });
    expect(event).toMatchObject({ type: 'operator.note.added', status: 'PUBLISHED', priority: 'HIGH', payload: { text: 'shift handover', line: 3 } });
    expect(event.seq).toBe(1);
    published = { id: event.id, seq: event.seq };

    const page = await app.query({ types: ['operator.*'] });
    expect(page.events.map((e) => e.id)).toEqual([event.id]);

    // A producer in the host publishes too: the page hears both, and shows both.
    const fromHost = await host.core.bus.createAndPublishEvent('operator.shift.started', { shift: 'B' });
    await expect.poll(async () => (await app.received()).map((e) => e.id), { timeout: 10_000 }).toEqual([event.id, fromHost.id]);
    await app.eventRow(event.id).waitFor();
    await app.eventRow(fromHost.id).waitFor();
    expect(await app.emptyState.count()).toBe(0);
    await app.page.screenshot({ path: join(ARTIFACTS, 'browser-mode-live-events.png') });
  });

  test('bad input through the bridge is refused with a clear error, and the app keeps working', async () => {
    expect(await app.refusal('events', 'publish', [{ type: 42, payload: {} }])).toMatch(/^events\.publish: event\.type: /);
    expect(await app.refusal('events', 'publish', [{ payload: { a: 1 } }])).toMatch(/event\.type/);
    expect(await app.refusal('events', 'publish', [{ type: 'operator.note.added', payload: { text: 'x'.repeat(300 * 1024) } }])).toMatch(/payload.*(256|KiB|bytes)/i);
    expect(await app.refusal('events', 'publishBatch', ['not a list'])).toContain('events: must be a list');
    const note = { type: 'operator.note.added', payload: { text: 'batch' } };
    expect(await app.refusal('events', 'publishBatch', [[note, { ...note, priority: 'URGENT' }]])).toMatch(/^events\.publishBatch: events\[1\]\.priority: must be one of /);
    expect(await app.refusal('events', 'query', [{ order: 'sideways' }])).toMatch(/order/);
    expect(await app.refusal('equipment', 'stateAt', ['press-1', 'yesterday'])).toMatch(/timestampMs/);
    const badPattern = await app.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const w = window as unknown as { plant: { events: { subscribe: (p: string, l: () => void, o: { onError: (e: Error) => void }) => void } } };
          w.plant.events.subscribe('Not A Pattern!', () => undefined, { onError: (error) => resolve(error.message) });
        }),
    );
    expect(badPattern).toMatch(/^events\.subscribe: pattern/);

    const after = await app.publish({ type: 'operator.note.added', payload: { text: 'still working' } });
    expect(after.seq).toBe(3);
    expect((await host.core.store.headSeq())).toBe(3);
  });

  test('raw messages that break the protocol get an error envelope naming the problem, and the socket stays open', async () => {
    const url = `ws://127.0.0.1:${host.port}/api?token=${host.token}`;
    const huge = JSON.stringify({ id: 9, method: 'metrics.get', args: [], pad: 'x'.repeat(9 * 1024 * 1024) });
    const result = await app.rawSocket(
      url,
      [
        JSON.stringify({ id: 1, method: 'events.delete', args: [] }),
        'this is not JSON',
        JSON.stringify({ id: 'one', method: 'metrics.get', args: [] }),
        JSON.stringify({ id: 4, method: 'events.get', args: 'id' }),
        JSON.stringify([1, 2, 3]),
        { binary: [1, 2, 3] },
        huge,
        JSON.stringify({ id: 8, method: 'metrics.get', args: [] }),
      ],
      8,
    );
    expect(result.closed).toBeNull();
    const byId = new Map(result.replies.map((reply) => [(reply as { id: unknown }).id, reply]));
    expect(byId.get(1)).toEqual({ id: 1, envelope: { ok: false, error: { code: 'unknown-method', message: 'unknown method "events.delete"' } } });
    expect(byId.get(4)).toMatchObject({ envelope: { ok: false, error: { code: 'bad-message', message: 'message.args: must be a list' } } });
    expect(byId.get(8)).toMatchObject({ envelope: { ok: true, value: { store: { connected: true } } } });
    const anonymous = result.replies.filter((reply) => (reply as { id: unknown }).id === null).map((reply) => (reply as { envelope: { error: { message: string } } }).envelope.error.message);
    expect(anonymous).toEqual([
      expect.stringContaining('message is not JSON'),
      'message.id: must be a whole number of at least 0',
      'message: must be an object { id, method, args }',
      'binary messages are not accepted: send JSON text',
      expect.stringMatching(/over the limit of 8388608 bytes/),
    ]);
  });

  test('a page of another origin, or without the token, cannot connect', async () => {
    const foreign = await foreignSite();
    try {
      const page = await browser.newPage();
      await page.goto(foreign.url);
      const fromElsewhere = await page.evaluate(
        (url) =>
          new Promise<{ code: number; reason: string; opened: boolean }>((resolve) => {
            const socket = new WebSocket(url);
            let opened = false;
            socket.onopen = () => (opened = true);
            socket.onclose = (event) => resolve({ code: event.code, reason: event.reason, opened });
          }),
        `ws://127.0.0.1:${host.port}/api?token=${host.token}`,
      );
      // Refused before the upgrade (HTTP 403 naming the origin), so the page's socket never opens.
      expect(fromElsewhere).toMatchObject({ code: 1006, opened: false });
      await page.close();
    } finally {
      foreign.server.close();
    }

    const base = `ws://127.0.0.1:${host.port}/api`;
    const call = JSON.stringify({ id: 1, method: 'metrics.get', args: [] });
    expect((await app.rawSocket(base, [call], 1)).closed).toEqual({ code: 1008, reason: 'wrong or missing token' });
    expect((await app.rawSocket(`${base}?token=not-the-token`, [call], 1)).closed).toEqual({ code: 1006, reason: '' });
    // The token may also come as the first message.
    const firstMessage = await app.rawSocket(base, [JSON.stringify({ token: host.token }), call], 2);
    expect(firstMessage.replies).toMatchObject([{ kind: 'authenticated' }, { id: 1, envelope: { ok: true } }]);

    // Plain HTTP under another Host name (DNS rebinding) is refused too.
    expect(await statusWithHost(host.port, `evil.example:${host.port}`)).toBe(421);
    expect(await statusWithHost(host.port, `127.0.0.1:${host.port}`)).toBe(200);
  });

  test('a restarted host on the same data folder still has the events', async () => {
    expect(published).toBeDefined();
    await app.close();
    await host.close();
    host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    app = await ConsolePage.open(browser, host.url);
    const page = await app.query({ types: ['operator.note.added'], order: 'asc' });
    expect(page.events[0]).toMatchObject({ id: published?.id, seq: 1, payload: { text: 'shift handover' } });
    expect(await host.core.store.headSeq()).toBe(3);
    await app.eventRow(published?.id as string).waitFor();
  });

  test('a batch through window.plant resolves with the events exactly as the store holds them', async () => {
    const batch = [
      { type: 'operator.note.added', source: 'desk-3', payload: { text: 'first of a batch', equipmentId: 'press-2' } },
      { type: 'operator.shift.started', source: 'desk-3', payload: { shift: 'C' }, priority: 'HIGH', timestamp: Date.UTC(2026, 0, 1), metadata: { by: 'test' }, correlationId: 'handover-7' },
    ];
    // Both from one source: the page sends it once for the batch (shared/api/sharedFields.ts).
    // The page changes its list while the call waits: the answer still holds what was sent.
    const answered = (await app.page.evaluate(async (inputs) => {
      const answer = (window as unknown as { plant: { events: { publishBatch(i: unknown): Promise<unknown> } } }).plant.events.publishBatch(inputs);
      inputs[0]!.payload.text = 'changed after sending';
      inputs.length = 1;
      return answer;
    }, batch)) as StoredEvent[];
    const stored = await app.query({ types: ['operator.*'], order: 'desc', limit: 2 });
    // The answer holds them as stored; the console's consumers may have moved their status on since.
    expect(answered).toStrictEqual(stored.events.reverse().map((event) => ({ ...event, status: 'PUBLISHED' })));
    expect(answered.map((event) => event.seq)).toEqual([4, 5]);
  });

  test('--memory keeps nothing across a restart', async () => {
    const memoryHost = await startWebHost({ memory: true, core: { healthEverySeconds: 0 } });
    try {
      const event = await memoryHost.core.bus.createAndPublishEvent('operator.note.added', { text: 'ephemeral' });
      expect(await memoryHost.core.store.get(event.id)).toMatchObject({ id: event.id });
    } finally {
      await memoryHost.close();
    }
    const again = await startWebHost({ memory: true, core: { healthEverySeconds: 0 } });
    try {
      expect(await again.core.store.headSeq()).toBe(0);
    } finally {
      await again.close();
    }
  });
});

async function foreignSite(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

function statusWithHost(port: number, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
