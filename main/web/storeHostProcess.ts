/**
 * Browser mode's store host: the built store-host page, opened as a file:// URL in a
 * headless Chromium that this module spawns on a persistent profile, and that connects
 * back to the host's /store socket with a one-time token.
 *
 * Supervision: StoreClient calls `connect()` to get a link, and again whenever the link
 * closes. `connect()` stops whatever Chromium is left, starts a fresh one and resolves once
 * its page has opened the store and said it is ready. When the Chromium process exits on
 * its own, the link is closed, so StoreClient reconnects (and resends what was in flight).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { WebSocket } from 'ws';
import type { MessageLink } from '../../shared/rpc/link';
import { STORE_HOST_CHROMIUM_ARGS } from '../platform/chromium';
import { nodeSocketLink } from './nodeSocketLink';
import { newSecret, sameSecret } from './secret';

export interface StoreHostOptions {
  readonly chromiumPath: string;
  /** The built store-host page (out/renderer/store-host/index.html). */
  readonly pageFile: string;
  readonly profileDir: string;
  /** fake-indexeddb in the page instead of the profile's IndexedDB. */
  readonly memory: boolean;
  /** ws://127.0.0.1:<port>/store */
  readonly socketUrl: string;
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

interface Waiting {
  readonly token: string;
  resolve(link: MessageLink): void;
  reject(error: Error): void;
}

const STDERR_LINES_KEPT = 20;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Chromium runs in a process group of its own (so that stopping it stops its helpers), which
 * also means that a kill -9 of the host's group leaves it running, holding the profile. This
 * small shell, in yet another group, waits on a pipe from the host: when the host dies, for
 * whatever reason, the pipe closes and the shell kills Chromium's group. (Chromium itself
 * cannot watch a pipe; Node cannot ask Linux for a parent-death signal.)
 */
function startWatchdog(group: number | undefined): ChildProcess | undefined {
  if (group === undefined || process.platform === 'win32') return undefined;
  const watchdog = spawn('/bin/sh', ['-c', 'read _ || true; kill -s KILL -- -"$1" 2>/dev/null', 'store-host-watchdog', String(group)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined);
  // Neither the shell nor its pipe keeps the host's event loop alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

export class StoreHostSupervisor {
  private child: ChildProcess | undefined;
  /** The process group of the last Chromium started, until all of it is known to be gone. */
  private group: number | undefined;
  private waiting: Waiting | undefined;
  private link: MessageLink | undefined;
  private stopped = false;
  private stderrTail: string[] = [];
  private watchdog: ChildProcess | undefined;
  private readonly killOnExit = () => killGroup(this.group, 'SIGKILL');
  private readonly log: (line: string) => void;

  constructor(private readonly options: StoreHostOptions) {
    this.log = options.log ?? (() => undefined);
    process.on('exit', this.killOnExit);
  }

  /** The pid of the store host's Chromium (its browser process), while it runs. */
  pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts (or restarts) the store host; resolves with a link once its store is ready. */
  readonly connect = async (): Promise<MessageLink> => {
    if (this.stopped) throw new Error('the store host is stopped');
    this.link = undefined;
    await this.stopChild();
    const token = newSecret(24);
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    const ready = new Promise<MessageLink>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the store host page did not connect within ${timeoutMs} ms${this.tail()}`)), timeoutMs);
      this.waiting = {
        token,
        resolve: (link) => (clearTimeout(timer), resolve(link)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
    });
    this.spawnChromium(token);
    try {
      const link = await ready;
      this.link = link;
      return link;
    } catch (error) {
      this.waiting = undefined;
      await this.stopChild();
      throw error;
    } finally {
      this.waiting = undefined;
    }
  };

  /** Whether a /store upgrade with this token is the page this supervisor is waiting for (checked before the upgrade). */
  expects(token: string | null): boolean {
    return this.waiting !== undefined && token !== null && sameSecret(token, this.waiting.token);
  }

  /**
   * A socket arrived on /store. Only the page this supervisor just started may connect, once:
   * it must bring the one-time token of that start.
   */
  acceptSocket(socket: WebSocket, token: string | null): void {
    const waiting = this.waiting;
    if (!waiting || !this.expects(token)) {
      socket.close(1008, 'not the store host this host started');
      return;
    }
    this.waiting = undefined;
    const link = nodeSocketLink(socket, 'store host');
    let ready = false;
    link.onMessage((message) => {
      if (ready || (message as { kind?: unknown })?.kind !== 'ready') return;
      ready = true;
      waiting.resolve(link);
    });
    socket.on('close', (code, reason) => {
      if (!ready) waiting.reject(new Error(`the store host page closed its connection before it was ready (${code}${reason.length ? `: ${reason}` : ''})`));
    });
  }

  /** Stops the store host for good (Chromium gets SIGTERM, so it shuts down cleanly). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting?.reject(new Error('the store host is stopping'));
    await this.stopChild();
    process.off('exit', this.killOnExit);
  }

  private spawnChromium(token: string): void {
    const { chromiumPath, pageFile, profileDir, memory, socketUrl } = this.options;
    const hash = new URLSearchParams({ ws: socketUrl, token, ...(memory ? { memory: '1' } : {}) });
    const url = `${pathToFileURL(pageFile).href}#${hash}`;
    const args = [...STORE_HOST_CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, url];
    this.stderrTail = [];
    // Its own process group, so that stopping it also stops every helper process it started.
    const child = spawn(chromiumPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.group = child.pid;
    this.watchdog = startWatchdog(child.pid);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail.push(...chunk.split('\n').filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_LINES_KEPT));
    });
    child.on('error', (error) => this.waiting?.reject(new Error(`cannot start Chromium (${chromiumPath}): ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopped) return;
      this.log(`store host: Chromium (pid ${child.pid}) exited (${signal ?? `code ${code}`}); starting it again`);
      this.waiting?.reject(new Error(`Chromium exited before the store host page connected (${signal ?? `code ${code}`})${this.tail()}`));
      // The link's close makes StoreClient call connect() again, which starts a new Chromium.
      this.link?.close();
    });
  }

  private tail(): string {
    return this.stderrTail.length ? `; Chromium said:\n  ${this.stderrTail.join('\n  ')}` : '';
  }

  /** Stops the current Chromium and every process of its group, and waits until they are gone. */
  private async stopChild(): Promise<void> {
    const child = this.child;
    // Forgotten first, so that its exit reads as intended, not as a crash to recover from.
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child.pid, 'SIGTERM');
      const forced = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    }
    this.watchdog?.kill('SIGKILL');
    this.watchdog = undefined;
    // Helpers of a browser process that was killed outright may outlive it for a moment; they
    // hold the profile's locks, so the whole group must be gone before another start.
    const group = this.group;
    if (group === undefined) return;
    killGroup(group, 'SIGKILL');
    const deadline = Date.now() + 5_000;
    while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.group = undefined;
  }
}
