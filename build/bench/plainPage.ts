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

interface Reply {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { message: string };
}

export interface PlainPage {
  /** Evaluates `expression` in the page, awaiting a promise it returns; resolves with its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Calls `fn` (its source is sent, so it must not close over anything) in the page with `arg`. */
  call<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /** Resolves once `predicate` (an expression) is true in the page; fails after `timeoutMs`. */
  waitFor(predicate: string, timeoutMs: number): Promise<void>;
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
  const chromium = spawn(executablePath, [...args, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: 'ignore' });
  const stop = async () => {
    if (chromium.exitCode === null) {
      chromium.kill('SIGKILL');
      await new Promise((resolve) => chromium.once('exit', resolve));
    }
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const socket = new WebSocket(await devToolsAddress(profile, chromium), { maxPayload: 256 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let nextId = 0;
    const waiting = new Map<number, { resolve: (reply: Reply) => void }>();
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data)) as Partial<Reply>;
      if (typeof reply.id === 'number') waiting.get(reply.id)?.resolve(reply as Reply);
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
    const { targetId } = await send('Target.createTarget', { url });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    // Wait for the document to load (the page's origin is what lets the bridge's socket in).
    for (let waited = 0; ; waited += 50) {
      const state = await send('Runtime.evaluate', { expression: 'document.readyState', returnByValue: true }, sessionId);
      if ((state.result as { value?: unknown }).value === 'complete') break;
      if (waited > 20_000) throw new Error(`the page ${url} did not load within 20 s`);
      await sleep(50);
    }
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
      async close() {
        socket.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
