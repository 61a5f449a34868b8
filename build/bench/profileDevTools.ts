/**
 * The benchmarks' handle on the store host page: attaches over the DevTools port that the
 * store host's Chromium names in its profile (when started with --remote-debugging-port), to
 * record a CPU profile of its page (e2eProfile.ts) or read its heap (soak.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface DevToolsProfiler {
  start(): Promise<void>;
  stop(): Promise<CpuProfile>;
  close(): void;
}

/** A DevTools protocol session on the store host page. */
export interface StoreHostSession {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

export async function connectStoreHostPage(profileDir: string): Promise<StoreHostSession> {
  const file = join(profileDir, 'DevToolsActivePort');
  for (let waited = 0; !existsSync(file); waited += 50) {
    if (waited > 20_000) throw new Error(`no DevToolsActivePort in ${profileDir}`);
    await sleep(50);
  }
  const [port, path] = readFileSync(file, 'utf8').split('\n');
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { maxPayload: 1024 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 0;
  const waiting = new Map<number, (reply: { result?: Record<string, unknown>; error?: { message: string } }) => void>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
    if (typeof reply.id === 'number') waiting.get(reply.id)?.(reply);
  });
  const send = async (method: string, params: Record<string, unknown> = {}, sessionId?: string) => {
    const id = ++nextId;
    const reply = await new Promise<{ result?: Record<string, unknown>; error?: { message: string } }>((resolve) => {
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
    waiting.delete(id);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result ?? {};
  };
  const { targetInfos } = (await send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const target = targetInfos.find((info) => info.type === 'page' && info.url.startsWith('file:'));
  if (!target) throw new Error('the store host page is not among the DevTools targets');
  const { sessionId } = (await send('Target.attachToTarget', { targetId: target.targetId, flatten: true })) as { sessionId: string };
  return { send: (method, params = {}) => send(method, params, sessionId), close: () => socket.close() };
}

export async function connectDevTools(profileDir: string): Promise<DevToolsProfiler> {
  const page = await connectStoreHostPage(profileDir);
  return {
    async start() {
      await page.send('Profiler.enable');
      await page.send('Profiler.setSamplingInterval', { interval: 200 });
      await page.send('Profiler.start');
    },
    async stop() {
      return ((await page.send('Profiler.stop')) as { profile: CpuProfile }).profile;
    },
    close: () => page.close(),
  };
}
