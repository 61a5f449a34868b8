/**
 * The one store-host supervisor (main/store/host) against a fake platform: its "hosts" serve
 * one in-memory store (the durable IndexedDB of the real host) over linked pairs. A host
 * whose process dies, or whose link drops, is replaced and main's StoreClient keeps working
 * without losing or doubling an append; a host that keeps failing is given up with one
 * sentence; a stop while a host is starting stops that host too.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { portLink, type MainPort } from '../../main/electron/portLink';
import { StoreHostGaveUpError, StoreHostSupervisor, type RunningHost, type StoreHostPlatform } from '../../main/store/host/storeHostSupervisor';
import { StoreClient } from '../../main/store/storeClient';
import { serveStore } from '../../shared/rpc/serveStore';
import { createEvent } from '../../shared/events/create';
import { linkedPair, type MessageLink } from '../../shared/rpc/link';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

interface Page {
  answers: boolean;
}

class FakeHost implements RunningHost {
  readonly link: MessageLink;
  stopped = false;
  private readonly pageEnd: MessageLink;
  private goneListeners: ((reason: string) => void)[] = [];

  constructor(
    store: InMemoryEventStore,
    page: Page,
    readonly pid: number,
    private readonly stopGate: Promise<void>,
  ) {
    [this.link, this.pageEnd] = linkedPair();
    if (page.answers) serveStore(store, this.pageEnd);
  }
  onGone(listener: (reason: string) => void): void {
    this.goneListeners.push(listener);
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopGate;
  }
  /** The host's process dies: its link goes with it, then the platform reports it. */
  crash(): void {
    for (const listener of this.goneListeners.splice(0)) listener('crashed');
    this.pageEnd.close();
  }
  /** Only the link drops; the process stays. */
  dropLink(): void {
    this.pageEnd.close();
  }
}

function fakePlatform(store = new InMemoryEventStore()) {
  const hosts: FakeHost[] = [];
  const page: Page = { answers: true };
  const control = {
    /** When set, a start waits for this before its page connects. */
    startGate: null as Promise<void> | null,
    /** When set, stopping a host takes until this resolves. */
    stopGate: Promise.resolve(),
    failStart: null as string | null,
    aborted: 0,
  };
  const platform: StoreHostPlatform = {
    start: async (signal) => {
      if (control.failStart) throw new Error(control.failStart);
      const host = new FakeHost(store, page, 1000 + hosts.length, control.stopGate);
      hosts.push(host);
      if (control.startGate) {
        const gate = control.startGate;
        await new Promise<void>((resolve, reject) => {
          void gate.then(resolve);
          signal.addEventListener('abort', () => {
            control.aborted++;
            void host.stop();
            reject(signal.reason as Error);
          });
        });
      }
      return host;
    },
  };
  return { platform, hosts, store, page, control };
}

const logs: string[] = [];
const quiet = { log: (line: string) => void logs.push(line) };
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
  logs.length = 0;
});

async function openClient(options: ConstructorParameters<typeof StoreHostSupervisor>[1] = quiet) {
  const fake = fakePlatform();
  const supervisor = new StoreHostSupervisor(fake.platform, options);
  const client = await StoreClient.open(supervisor.connect);
  cleanup = async () => {
    await client.close();
    await supervisor.stop();
  };
  return { ...fake, supervisor, client };
}

const events = (n: number, tag: string) => Array.from({ length: n }, (_, i) => createEvent('line.part.made', { tag, i }, { source: 'test' }));
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe('StoreHostSupervisor', () => {
  it('starts one host and hands out a ready link', async () => {
    const { client, hosts, supervisor } = await openClient();
    expect(hosts).toHaveLength(1);
    expect(await client.append(events(2, 'a'))).toHaveLength(2);
    expect(client.connected).toBe(true);
    expect(supervisor.health()).toMatchObject({ state: 'ready', starts: 1, failures: 0, pid: 1000 });
  });

  it('replaces a host whose process died: new host, new link, the client keeps working', async () => {
    const { client, hosts, store, supervisor } = await openClient();
    await client.append(events(3, 'before'));
    hosts[0]?.crash();
    const after = await client.append(events(2, 'after'));
    expect(after.map((event) => event.seq)).toEqual([4, 5]);
    expect(hosts).toHaveLength(2);
    expect(hosts[0]?.stopped).toBe(true);
    expect(hosts[1]?.stopped).toBe(false);
    expect(client.restarts).toBe(1);
    expect(await store.headSeq()).toBe(5);
    expect(logs.join('\n')).toMatch(/store host lost \(crashed\)/);
    expect(supervisor.health()).toMatchObject({ state: 'ready', starts: 2, failures: 1, pid: 1001, lastProblem: 'crashed' });
  });

  it('keeps every resolved append, with no gaps in seq, when the host dies during a burst', async () => {
    const { client, hosts, store } = await openClient();
    const burst = Array.from({ length: 40 }, (_, i) => client.append(events(5, `burst-${i}`)));
    setTimeout(() => hosts[0]?.crash(), 0);
    const results = await Promise.allSettled(burst);
    const stored = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    expect(stored).toHaveLength(200);
    const all = await store.query({ order: 'asc', limit: 1_000 });
    expect(all.events.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(all.events.map((event) => event.id))).toEqual(new Set(stored.map((event) => event.id)));
    expect(hosts.length).toBeGreaterThanOrEqual(2);
  });

  it('replaces the host when only its link drops, and stops the old one', async () => {
    const { client, hosts } = await openClient();
    await client.append(events(1, 'x'));
    hosts[0]?.dropLink();
    expect(await client.append(events(1, 'y'))).toHaveLength(1);
    expect(hosts).toHaveLength(2);
    expect(hosts[0]?.stopped).toBe(true);
  });

  it('starts the next host only once the lost one has stopped (it may still hold the profile)', async () => {
    const { client, hosts, control } = await openClient();
    const slowStop = deferred();
    // Hosts started from now on take until slowStop resolves to stop: the second one.
    control.stopGate = slowStop.promise;
    hosts[0]?.crash();
    expect(await client.append(events(1, 'after first crash'))).toHaveLength(1);
    hosts[1]?.crash();
    const pending = client.append(events(1, 'after second crash'));
    await expect.poll(() => hosts[1]?.stopped).toBe(true);
    // The supervisor had the chance to start another host: the stop began a turn ago.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(hosts).toHaveLength(2);
    slowStop.resolve();
    expect(await pending).toHaveLength(1);
    expect(hosts).toHaveLength(3);
  });

  it('gives up on a page that never says it is ready, stops that host, and starts afresh on the next connect', async () => {
    const fake = fakePlatform();
    fake.page.answers = false;
    const supervisor = new StoreHostSupervisor(fake.platform, { ...quiet, readyTimeoutMs: 30 });
    await expect(supervisor.connect()).rejects.toThrow(/did not become ready within 30 ms/);
    expect(fake.hosts[0]?.stopped).toBe(true);
    fake.page.answers = true;
    const link = await supervisor.connect();
    expect(fake.hosts).toHaveLength(2);
    link.close();
    await supervisor.stop();
  });

  it('says why a start failed, and counts it', async () => {
    const fake = fakePlatform();
    fake.control.failStart = 'cannot start Chromium (/nowhere): ENOENT';
    const supervisor = new StoreHostSupervisor(fake.platform, quiet);
    await expect(supervisor.connect()).rejects.toThrow('cannot start Chromium (/nowhere): ENOENT');
    expect(supervisor.health()).toMatchObject({ state: 'lost', failures: 1, lastProblem: 'cannot start Chromium (/nowhere): ENOENT' });
    await supervisor.stop();
  });

  it('gives up after too many failures in the window: one clear sentence, to the client and in the log', async () => {
    const { client, hosts, supervisor, control } = await openClient({ ...quiet, maxRestarts: 2, restartWindowMs: 60_000 });
    await client.append(events(1, 'ok'));
    hosts[0]?.crash();
    await client.append(events(1, 'after 1'));
    hosts[1]?.crash();
    await client.append(events(1, 'after 2'));
    control.failStart = 'the page crashed at start';
    hosts[2]?.crash();
    const refused = client.append(events(1, 'after 3'));
    await expect(refused).rejects.toThrow(StoreHostGaveUpError);
    await expect(refused).rejects.toThrow('the store host failed 3 times within 60 s and is not started again (last: crashed)');
    await expect(client.append(events(1, 'later'))).rejects.toThrow(/not started again/);
    await expect(supervisor.connect()).rejects.toThrow(/not started again/);
    expect(supervisor.health().state).toBe('gave-up');
    expect(hosts).toHaveLength(3);
    expect(logs.filter((line) => line.includes('not started again'))).toHaveLength(1);
  });

  it('forgets failures older than the restart window', async () => {
    let now = 0;
    const { client, hosts, supervisor } = await openClient({ ...quiet, maxRestarts: 1, restartWindowMs: 1_000, now: () => now });
    for (let i = 0; i < 4; i++) {
      hosts[i]?.crash();
      now += 1_500;
      expect(await client.append(events(1, `after ${i}`))).toHaveLength(1);
    }
    expect(supervisor.health()).toMatchObject({ state: 'ready', failures: 4 });
  });

  it('stops a host that is still starting, and counts no failure', async () => {
    const fake = fakePlatform();
    const gate = deferred();
    fake.control.startGate = gate.promise;
    const supervisor = new StoreHostSupervisor(fake.platform, quiet);
    const connecting = supervisor.connect();
    await expect.poll(() => fake.hosts.length).toBe(1);
    await supervisor.stop();
    await expect(connecting).rejects.toThrow(/stopping/);
    expect(fake.control.aborted).toBe(1);
    expect(fake.hosts[0]?.stopped).toBe(true);
    expect(supervisor.health()).toMatchObject({ state: 'stopped', failures: 0 });
    expect(logs).toEqual([]);
    await expect(supervisor.connect()).rejects.toThrow(/stopped/);
  });

  it('shares one start between concurrent connects', async () => {
    const fake = fakePlatform();
    const supervisor = new StoreHostSupervisor(fake.platform, quiet);
    const [a, b] = await Promise.all([supervisor.connect(), supervisor.connect()]);
    expect(a).toBe(b);
    expect(fake.hosts).toHaveLength(1);
    await supervisor.stop();
  });

  it('closes quietly: the client closing and stop() stop the host without a "lost" line, and later connects are refused', async () => {
    const { supervisor, hosts, client } = await openClient();
    await client.close();
    await supervisor.stop();
    expect(hosts[0]?.stopped).toBe(true);
    expect(logs).toEqual([]);
    expect(supervisor.health()).toMatchObject({ state: 'stopped', failures: 0 });
    await expect(supervisor.connect()).rejects.toThrow(/stopped/);
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
