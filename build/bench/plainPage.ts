/**
 * A Chromium page driven over the DevTools protocol with nothing but `Runtime.evaluate`.
 *
 * Playwright turns on the Network domain for every page it drives, so Chromium copies each
 * WebSocket frame out to the benchmark's own Node process as a protocol message; for the
 * bridge benchmark, whose frames are the thing measured (hundreds of kilobytes a batch), that
 * copy is work a real console never does. This driver attaches to one page and only
 * evaluates scripts in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { killGroup, stopGroup } from '../../main/platform/processGroup';

interface Reply {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { message: string };
}

interface ProtocolEvent {
  readonly method: string;
  readonly sessionId?: string;
}

export interface PlainPage {
  /** Evaluates `expression` in the page, awaiting a promise it returns; resolves with its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Calls `fn` (its source is sent, so it must not close over anything) in the page with `arg`. */
  call<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** Resolves once `predicate` (an expression) is true in the page; fails after `timeoutMs`. */
  waitFor(predicate: string, timeoutMs: number): Promise<void>;
  /** The Chromium browser process (its helpers are its descendants). */
  readonly pid: number | undefined;
  /** Sends a DevTools protocol command to the page (profiling, say); resolves with its result. */
  protocol(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function devToolsAddress(profile: string, chromium: ChildProcess): Promise<string> {
  const file = join(profile, 'DevToolsActivePort');
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (chromium.exitCode !== null) throw new Error(`Chromium exited (${chromium.exitCode}) before it opened its DevTools port`);
    if (existsSync(file)) {
      const [port, path] = readFileSync(file, 'utf8').split('\n');
      if (port && path) return `ws://127.0.0.1:${port}${path}`;
    }
    await sleep(50);
  }
  throw new Error('Chromium did not open its DevTools port within 20 s');
}

/** Starts Chromium (`executablePath`, with `args`) on a blank profile and opens `url` in a page driven as above. */
export async function openPlainPage(executablePath: string, args: readonly string[], url: string): Promise<PlainPage> {
  const profile = mkdtempSync(join(tmpdir(), 'plant-bench-plain-'));
  // A process group of its own: Chromium's helpers (renderer, GPU, network service) outlive a
  // browser process killed outright and keep writing into the profile, so the profile is
  // removed only once the whole group has gone.
  const chromium = spawn(executablePath, [...args, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: 'ignore', detached: true });
  const group = chromium.pid;
  const exited = new Promise<void>((resolve) => {
    if (chromium.exitCode !== null || chromium.signalCode !== null) resolve();
    else chromium.once('exit', () => resolve()).once('error', () => resolve());
  });
  let closeBrowser: (() => Promise<unknown>) | undefined;
  const stop = async () => {
    if (chromium.exitCode === null && chromium.signalCode === null) {
      // Asked to close, Chromium shuts its helpers down and flushes the profile itself.
      void closeBrowser?.().catch(() => undefined);
      if (!closeBrowser) killGroup(group, 'SIGKILL');
      const forced = setTimeout(() => killGroup(group, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    }
    await stopGroup(group);
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const socket = new WebSocket(await devToolsAddress(profile, chromium), { maxPayload: 256 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let nextId = 0;
    const waiting = new Map<number, { resolve: (reply: Reply) => void }>();
    const eventWaiters: { method: string; sessionId: string; resolve: () => void }[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Partial<Reply> & Partial<ProtocolEvent>;
      if (typeof message.id === 'number') waiting.get(message.id)?.resolve(message as Reply);
      else if (message.method) {
        for (const waiter of eventWaiters.filter((w) => w.method === message.method && w.sessionId === message.sessionId)) {
          eventWaiters.splice(eventWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    const send = async (method: string, params: Record<string, unknown>, sessionId?: string): Promise<Record<string, unknown>> => {
      const id = ++nextId;
      const reply = await new Promise<Reply>((resolve) => {
        waiting.set(id, { resolve });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
      waiting.delete(id);
      if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
      return reply.result ?? {};
    };
    closeBrowser = () => send('Browser.close', {});
    // The page starts blank and is navigated once attached, so that the load event is seen:
    // evaluating while a navigation commits finds no execution context.
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await send('Page.enable', {}, sessionId);
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the page ${url} did not load within 20 s`)), 20_000);
      eventWaiters.push({ method: 'Page.loadEventFired', sessionId, resolve: () => (clearTimeout(timer), resolve()) });
    });
    const navigation = await send('Page.navigate', { url }, sessionId);
    if (typeof navigation.errorText === 'string') throw new Error(`cannot open ${url}: ${navigation.errorText}`);
    await loaded;
    const evaluate = async <T>(expression: string): Promise<T> => {
      const result = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      const thrown = result.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined;
      if (thrown) throw new Error(`in the page: ${thrown.exception?.description ?? thrown.text ?? 'an exception'}`);
      return (result.result as { value: T }).value;
    };
    return {
      evaluate,
      call: <A, T>(fn: (arg: A) => T | Promise<T>, arg: A) => evaluate<T>(`(${fn.toString()})(${JSON.stringify(arg)})`),
      async waitFor(predicate, timeoutMs) {
        for (const started = performance.now(); !(await evaluate<boolean>(`Boolean(${predicate})`)); await sleep(50)) {
          if (performance.now() - started > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${predicate} in the page`);
        }
      },
      pid: chromium.pid,
      protocol: (method, params = {}) => send(method, params, sessionId),
      async close() {
        await stop();
        socket.close();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
