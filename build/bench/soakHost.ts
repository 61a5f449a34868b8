/**
 * The soak's host process (soakControl.ts starts it): browser mode's host, started from the
 * same command line, Node options and heap bounds as `npm run web`, plus the benchmark's
 * control channel. Only this entry exposes V8's collector (for the live-heap figures); the
 * product never does.
 */
import { runInNewContext } from 'node:vm';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { STORE_HOST_CHROMIUM_ARGS } from '../../main/platform/chromium';
import { boundHostHeapGrowth } from '../../main/platform/hostHeap';
import { parseWebArgs, startBrowserMode } from '../../main/web/cli';
import type { WebHost } from '../../main/web/server';
import { newEventId } from '../../shared/events/uuidv7';
import type { AppendInput } from '../../shared/store/eventStore';
import { connectConsole } from './mqttSource';
import { hostControl, hostRequest, parseMessage, type HostMemory, type HostMessage, type HostRequest } from './soakControl';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Writes `events` events of the last hours into the store through its own append path (the
 * store the bus appends to), as fast as it takes them. Their timestamps and ids' times end
 * now, spaced as at `ratePerS`, so the live events follow them in time.
 */
async function seed(host: WebHost, request: Extract<HostRequest, { op: 'seed' }>): Promise<void> {
  const { events, type, ratePerS, perAppend, inFlight } = request;
  const end = Date.now();
  const eventAt = (k: number): AppendInput => {
    const timestamp = Math.round(end - (events - k) / (ratePerS / 1000));
    return {
      id: newEventId(timestamp),
      type,
      source: 'soak-history',
      timestamp,
      payload: { equipmentId: `press-${k % 6}`, metric: 'temperature', value: 40 + (k % 600) / 10, unit: 'degC', n: k },
      priority: 'NORMAL',
      status: 'CREATED',
      metadata: {},
    };
  };
  const running = new Set<Promise<unknown>>();
  for (let from = 0; from < events; from += perAppend) {
    const count = Math.min(perAppend, events - from);
    const append = host.core.store.append(Array.from({ length: count }, (_, k) => eventAt(from + k)));
    running.add(append);
    void append.then(() => running.delete(append), () => undefined);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
}

function memory(): HostMemory {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const spaces = getHeapSpaceStatistics().map((space) => ({ name: space.space_name, size: space.space_size, used: space.space_used_size }));
  const cpu = process.cpuUsage();
  return { rss, heapTotal, heapUsed, external, arrayBuffers, spaces, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  boundHostHeapGrowth();
  const control = parseMessage(hostControl, JSON.parse(process.env.PLANT_SOAK_HOST_CONTROL ?? 'null'), 'PLANT_SOAK_HOST_CONTROL');
  // The store host's Chromium opens a DevTools port for the benchmark (it names it in its profile).
  if (control.devTools) (STORE_HOST_CHROMIUM_ARGS as unknown as string[]).push('--remote-debugging-port=0');
  const { host, closeLog } = await startBrowserMode(parseWebArgs(process.argv.slice(2)), control.indexWindow === null ? {} : { indexWindow: control.indexWindow });
  const send = (message: HostMessage) => process.send?.(message);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= host.close().then(() => closeLog()));

  const answer = async (request: HostRequest): Promise<unknown> => {
    switch (request.op) {
      case 'connect':
        return connectConsole(host, request.brokerUrl);
      case 'seed':
        return seed(host, request);
      case 'count':
        return host.core.store.count({ types: request.types });
      case 'memory':
        return memory();
      case 'collect':
        gc();
        return process.memoryUsage().heapUsed;
      case 'storeHostPid':
        return host.storeHostPid() ?? null;
      case 'close':
        return close();
    }
  };
  process.on('message', (raw: unknown) => {
    let request: HostRequest;
    try {
      request = parseMessage(hostRequest, raw, 'the soak benchmark');
    } catch (error) {
      // No id to answer to: the benchmark has lost track of the channel, so the host stops.
      console.error((error as Error).message);
      void close().finally(() => process.exit(1));
      return;
    }
    answer(request).then(
      (value) => {
        send({ kind: 'reply', id: request.id, value: value ?? null });
        if (request.op === 'close') process.disconnect();
      },
      (error: unknown) => send({ kind: 'failed', id: request.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The benchmark gone (or done): store what is pending, then stop.
  process.once('disconnect', () => void close().finally(() => process.exit(0)));
  send({ kind: 'ready', url: host.url });
}

main().catch((error: unknown) => {
  console.error(`the soak host could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
