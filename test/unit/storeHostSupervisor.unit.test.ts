/**
 * Store host supervision against fakes: a fake platform opens "windows" whose pages serve
 * one in-memory store (the durable IndexedDB of the real host) over linked pairs. A window
 * whose process dies, or whose channel drops, is replaced, and main's StoreClient keeps
 * working without losing or doubling an append.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { portLink, type MainPort } from '../../main/electron/portLink';
import { StoreHostSupervisor, type HostWindow, type StoreHostPlatform } from '../../main/electron/storeHostSupervisor';
import { StoreClient } from '../../main/store/storeClient';
import { serveStore } from '../../shared/rpc/serveStore';
import { createEvent } from '../../shared/events/create';
import { linkedPair, type MessageLink } from '../../shared/rpc/link';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

class FakeWindow implements HostWindow {
  destroyed = false;
  readonly links: MessageLink[] = [];
  private goneListeners: ((reason: string) => void)[] = [];

  constructor(
    private readonly store: InMemoryEventStore,
    private readonly page: { answers: boolean },
  ) {}

  connect(): MessageLink {
    const [mainEnd, pageEnd] = linkedPair();
    if (this.page.answers) serveStore(this.store, pageEnd);
    this.links.push(mainEnd);
    return mainEnd;
  }
  onGone(listener: (reason: string) => void): void {
    this.goneListeners.push(listener);
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The renderer process dies: its port goes with it, then Electron reports it. */
  crash(): void {
    for (const link of this.links) link.close();
    for (const listener of this.goneListeners.splice(0)) listener('crashed');
  }
}

function fakePlatform(store = new InMemoryEventStore()) {
  const windows: FakeWindow[] = [];
  const page = { answers: true };
  const platform: StoreHostPlatform = {
    openWindow: async () => {
      const window = new FakeWindow(store, page);
      windows.push(window);
      return window;
    },
  };
  return { platform, windows, store, page };
}

const logs: string[] = [];
const quiet = { log: (message: string) => void logs.push(message) };
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
  logs.length = 0;
});

async function openClient(options: ConstructorParameters<typeof StoreHostSupervisor>[1] = quiet) {
  const fake = fakePlatform();
  const supervisor = new StoreHostSupervisor(fake.platform, options);
  const client = await StoreClient.open(() => supervisor.connect());
  cleanup = async () => {
    await client.close();
    supervisor.close();
  };
  return { ...fake, supervisor, client };
}

const events = (n: number, tag: string) => Array.from({ length: n }, (_, i) => createEvent('line.part.made', { tag, i }, { source: 'test' }));

describe('StoreHostSupervisor', () => {
  it('opens one host window and hands out a ready link', async () => {
    const { client, windows, supervisor } = await openClient();
    expect(windows).toHaveLength(1);
    expect(supervisor.windowsOpened).toBe(1);
    expect(await client.append(events(2, 'a'))).toHaveLength(2);
    expect(client.connected).toBe(true);
  });

  it('replaces a host whose process died: new window, new link, the client keeps working', async () => {
    const { client, windows, store } = await openClient();
    await client.append(events(3, 'before'));
    windows[0]?.crash();
    const after = await client.append(events(2, 'after'));
    expect(after.map((event) => event.seq)).toEqual([4, 5]);
    expect(windows).toHaveLength(2);
    expect(windows[0]?.destroyed).toBe(true);
    expect(windows[1]?.destroyed).toBe(false);
    expect(client.restarts).toBe(1);
    expect(await store.headSeq()).toBe(5);
    expect(logs.join('\n')).toMatch(/store host lost/);
  });

  it('keeps every resolved append, with no gaps in seq, when the host dies during a burst', async () => {
    const { client, windows, store } = await openClient();
    const burst = Array.from({ length: 40 }, (_, i) => client.append(events(5, `burst-${i}`)));
    setTimeout(() => windows[0]?.crash(), 0);
    const results = await Promise.allSettled(burst);
    const stored = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    expect(stored).toHaveLength(200);
    const all = await store.query({ order: 'asc', limit: 1_000 });
    expect(all.events.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(all.events.map((event) => event.id))).toEqual(new Set(stored.map((event) => event.id)));
    expect(windows.length).toBeGreaterThanOrEqual(2);
  });

  it('replaces the window when only the channel drops', async () => {
    const { client, windows } = await openClient();
    await client.append(events(1, 'x'));
    windows[0]?.links[0]?.close();
    expect(await client.append(events(1, 'y'))).toHaveLength(1);
    expect(windows).toHaveLength(2);
    expect(windows[0]?.destroyed).toBe(true);
  });

  it('gives up on a page that never says it is ready, and throws its window away', async () => {
    const fake = fakePlatform();
    fake.page.answers = false;
    const supervisor = new StoreHostSupervisor(fake.platform, { ...quiet, readyTimeoutMs: 30 });
    await expect(supervisor.connect()).rejects.toThrow(/did not become ready within 30 ms/);
    expect(fake.windows[0]?.destroyed).toBe(true);
    fake.page.answers = true;
    const link = await supervisor.connect();
    expect(fake.windows).toHaveLength(2);
    link.close();
    supervisor.close();
  });

  it('refuses to connect once closed, and closes its window', async () => {
    const { supervisor, windows, client } = await openClient();
    await client.close();
    supervisor.close();
    expect(windows[0]?.destroyed).toBe(true);
    await expect(supervisor.connect()).rejects.toThrow(/shut down/);
  });
});

/** A MessagePortMain stand-in: an EventEmitter with the port's four methods. */
class FakePort extends EventEmitter implements MainPort {
  started = false;
  closed = false;
  readonly posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}

describe('portLink', () => {
  it('starts the port, carries messages both ways, and reports the close once', () => {
    const port = new FakePort();
    const link = portLink(port);
    const received: unknown[] = [];
    let closes = 0;
    link.onMessage((message) => received.push(message));
    link.onClose(() => closes++);
    expect(port.started).toBe(true);
    link.send({ kind: 'requests', requests: [] });
    port.emit('message', { data: { kind: 'ready' }, ports: [] });
    expect(port.posted).toEqual([{ kind: 'requests', requests: [] }]);
    expect(received).toEqual([{ kind: 'ready' }]);
    port.emit('close');
    link.close();
    expect(closes).toBe(1);
    expect(() => link.send({})).toThrow(/closed/);
    port.emit('message', { data: 'late' });
    expect(received).toHaveLength(1);
  });

  it('closes the port when main closes the link', () => {
    const port = new FakePort();
    const link = portLink(port);
    let closes = 0;
    link.onClose(() => closes++);
    link.close();
    expect(port.closed).toBe(true);
    expect(closes).toBe(1);
  });
});
