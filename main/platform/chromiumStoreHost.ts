/**
 * The store host as browser mode and the audit command run it: the built store-host page,
 * opened as a file:// URL in a headless Chromium spawned on a persistent profile, which
 * connects back to a `/store` socket of the caller's loopback server with a one-time token.
 * This file only starts and stops such processes; main/store/host/storeHostSupervisor.ts
 * decides when.
 *
 * The caller's server asks `expects(token)` before it upgrades a /store request and hands
 * the socket to `acceptSocket`: only the page of the start in progress gets in, once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { WebSocket } from 'ws';
import type { MessageLink } from '../../shared/rpc/link';
import { StoreHostSupervisor, type RunningHost, type StoreHostPlatform, type StoreHostSupervisorOptions } from '../store/host/storeHostSupervisor';
import { STORE_HOST_CHROMIUM_ARGS } from './chromium';
import { groupGone, killGroup, startWatchdog, stopGroup, terminate } from './processGroup';
import { nodeSocketLink } from './nodeSocketLink';
import { newSecret, sameSecret } from './secret';

export interface ChromiumStoreHostOptions {
  readonly chromiumPath: string;
  /** The built store-host page (out/renderer/store-host/index.html). */
  readonly pageFile: string;
  readonly profileDir: string;
  /** fake-indexeddb in the page instead of the profile's IndexedDB. */
  readonly memory: boolean;
  /** ws://127.0.0.1:<port>/store */
  readonly socketUrl: string;
  /**
   * Events whose columns the store's index keeps (renderer/store-host/storeState.ts); the
   * product's default unless set. The soak benchmark sets a small one to see the store
   * host's memory once the window is full, which its ten minutes never reach otherwise.
   */
  readonly indexWindow?: number;
}

export interface ChromiumStoreHost extends StoreHostPlatform {
  /** Whether a /store upgrade with this token is the page being started (asked before the upgrade). */
  expects(token: string | null): boolean;
  /** A socket arrived on /store: the page being started, or refused. */
  acceptSocket(socket: WebSocket, token: string | null): void;
}

const STDERR_LINES_KEPT = 20;

/** Resolves once the child's stderr has ended, or after `boundMs` at the latest. */
function stderrRead(child: ChildProcess, boundMs: number): Promise<void> {
  const stream = child.stderr;
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stream.off('end', done).off('close', done);
      resolve();
    };
    const timer = setTimeout(done, boundMs);
    stream.once('end', done).once('close', done);
  });
}

interface Waiting {
  readonly token: string;
  resolve(link: MessageLink): void;
  reject(error: Error): void;
}

export function chromiumStoreHost(options: ChromiumStoreHostOptions): ChromiumStoreHost {
  let waiting: Waiting | undefined;

  const start = (signal: AbortSignal): Promise<RunningHost> => {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const token = newSecret(24);
    const { chromiumPath, pageFile, profileDir, memory, socketUrl, indexWindow } = options;
    const hash = new URLSearchParams({ ws: socketUrl, token, ...(memory ? { memory: '1' } : {}), ...(indexWindow === undefined ? {} : { indexWindow: String(indexWindow) }) });
    const args = [...STORE_HOST_CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, `${pathToFileURL(pageFile).href}#${hash}`];
    const stderrTail: string[] = [];
    const tail = () => (stderrTail.length ? `; Chromium said:\n  ${stderrTail.join('\n  ')}` : '');
    // Its own process group, so that stopping it also stops every helper process it started.
    const child: ChildProcess = spawn(chromiumPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    const group = child.pid;
    const watchdog = startWatchdog(group);
    const killOnExit = () => killGroup(group, 'SIGKILL');
    process.on('exit', killOnExit);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail.push(...chunk.split('\n').filter(Boolean));
      stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_LINES_KEPT));
    });
    let exit: string | null = null;
    const goneListeners: ((reason: string) => void)[] = [];
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signalName) => {
        exit = `Chromium (pid ${child.pid}) exited (${signalName ?? `code ${code}`})`;
        for (const listener of goneListeners.splice(0)) listener(exit);
        resolve();
      });
      child.once('error', () => resolve());
    });
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        // The browser process alone is asked to end: it then closes its helpers itself, the
        // storage process (IndexedDB) among them, which may still be writing the database. A
        // SIGTERM to the whole group would end that process at once, in the middle of it.
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) terminate(child.pid);
        const spread = setTimeout(() => killGroup(group, 'SIGTERM'), 3_000);
        const forced = setTimeout(() => killGroup(group, 'SIGKILL'), 6_000);
        await exited;
        clearTimeout(spread);
        clearTimeout(forced);
        watchdog?.kill('SIGKILL');
        // Helpers of a browser process killed outright may outlive it for a moment; they hold
        // the profile's locks, so the whole group must be gone before another start. After a
        // clean exit they are gone already, or soon.
        await groupGone(group, 1_000);
        await stopGroup(group);
        process.off('exit', killOnExit);
      })());

    return new Promise<RunningHost>((resolve, reject) => {
      const fail = (error: Error) => {
        if (waiting?.token === token) waiting = undefined;
        signal.removeEventListener('abort', onAbort);
        void stop().then(() => reject(error));
      };
      const onAbort = () => fail(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (error) => fail(new Error(`cannot start Chromium (${chromiumPath}): ${error.message}`)));
      // 'exit' can come before the last of stderr has been read: wait for the pipe to end (its
      // helpers may hold it open, hence the bound) so that what Chromium said is in the error.
      void exited
        .then(() => stderrRead(child, 1_000))
        .then(() => exit && waiting?.token === token && fail(new Error(`Chromium exited before the store host page connected (${exit})${tail()}`)));
      waiting = {
        token,
        reject: fail,
        resolve: (link) => {
          signal.removeEventListener('abort', onAbort);
          resolve({
            link,
            pid: child.pid,
            onGone: (listener) => (exit !== null ? queueMicrotask(() => listener(exit as string)) : void goneListeners.push(listener)),
            stop,
          });
        },
      };
    });
  };

  const expects = (token: string | null) => waiting !== undefined && token !== null && sameSecret(token, waiting.token);

  return {
    start,
    expects,
    acceptSocket(socket, token) {
      const current = waiting;
      if (!current || !expects(token)) return socket.close(1008, 'not the store host this host started');
      waiting = undefined;
      current.resolve(nodeSocketLink(socket, 'store host'));
    },
  };
}

/** A Chromium store host together with the supervisor that keeps it running. */
export interface SupervisedChromiumStoreHost extends ChromiumStoreHost {
  readonly supervisor: StoreHostSupervisor;
}

export function supervisedChromiumStoreHost(options: ChromiumStoreHostOptions, supervision: StoreHostSupervisorOptions = {}): SupervisedChromiumStoreHost {
  const platform = chromiumStoreHost(options);
  return { ...platform, supervisor: new StoreHostSupervisor(platform, supervision) };
}
