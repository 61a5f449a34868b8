/**
 * The one store-host supervisor of both run modes. It keeps a store host alive for main's
 * StoreClient, whatever runs the host: a hidden Electron window (main/electron/storeHostWindow.ts)
 * or a headless Chromium process (main/platform/chromiumStoreHost.ts). A platform only starts
 * and stops hosts; what to do about them is decided here:
 *
 * - `connect()` (StoreClient's reconnect callback) stops whatever host is left, starts a fresh
 *   one and resolves once its page has said it is ready to serve, within `readyTimeoutMs`.
 * - A host whose process dies, or whose link drops, is thrown away and its link closed, so
 *   StoreClient calls `connect()` again and resends what was in flight. One host serves one
 *   link: a page that lost its link has lost its store connection too.
 * - Restart policy: a host that is lost or fails to start counts as a failure; more than
 *   `maxRestarts` failures within `restartWindowMs` and the supervisor gives up, with one
 *   sentence (StoreHostGaveUpError) that every later `connect()` repeats.
 * - `stop()` stops the host for good, also one still starting.
 */
import type { MessageLink } from '../../../shared/rpc/link';
import { readyLink } from './readyLink';

/** One running store host and main's link to its page (connected, not yet ready). */
export interface RunningHost {
  readonly link: MessageLink;
  /** The host's process id, where the platform knows it. */
  readonly pid?: number | undefined;
  /** Called once when the host's process is gone (at once if it already is). */
  onGone(listener: (reason: string) => void): void;
  /** Stops the host; resolves once it is gone. */
  stop(): Promise<void>;
}

export interface StoreHostPlatform {
  /** Starts a host and resolves once its page has connected. An abort of `signal` ends a start in progress: the platform stops what it started and rejects. */
  start(signal: AbortSignal): Promise<RunningHost>;
}

export interface StoreHostSupervisorOptions {
  /** How long a start may take until the page says it is ready. */
  readonly readyTimeoutMs?: number;
  /** Failures (hosts lost, starts failed) tolerated within `restartWindowMs` before giving up. */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  readonly log?: (line: string) => void;
  /** The clock the restart window is measured on (tests). */
  readonly now?: () => number;
}

export type StoreHostState = 'idle' | 'starting' | 'ready' | 'lost' | 'stopped' | 'gave-up';

export interface StoreHostHealth {
  readonly state: StoreHostState;
  /** Hosts started so far (1 + restarts). */
  readonly starts: number;
  /** Hosts lost or failed to start, since the supervisor began. */
  readonly failures: number;
  readonly pid: number | undefined;
  readonly lastProblem: string | undefined;
}

export class StoreHostGaveUpError extends Error {
  override readonly name = 'StoreHostGaveUpError';
}

export class StoreHostSupervisor {
  private host: RunningHost | null = null;
  private starting: { readonly abort: AbortController; readonly done: Promise<MessageLink> } | null = null;
  private state: StoreHostState = 'idle';
  private stopped = false;
  private gaveUp: StoreHostGaveUpError | null = null;
  private readonly failureTimes: number[] = [];
  private failures = 0;
  private starts = 0;
  private lastProblem: string | undefined;
  /** Hosts being stopped after they went away: a new start waits for them (they may hold the profile). */
  private stopping: Promise<unknown> = Promise.resolve();
  private readonly readyTimeoutMs: number;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly platform: StoreHostPlatform,
    options: StoreHostSupervisorOptions = {},
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    this.maxRestarts = options.maxRestarts ?? 5;
    this.restartWindowMs = options.restartWindowMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  health(): StoreHostHealth {
    return { state: this.state, starts: this.starts, failures: this.failures, pid: this.pid(), lastProblem: this.lastProblem };
  }

  /** The pid of the running host, while it runs. */
  pid(): number | undefined {
    return this.host?.pid;
  }

  /** A link to a host that is ready to serve: a fresh host each time. Concurrent calls share one start. */
  readonly connect = (): Promise<MessageLink> => {
    if (this.stopped) return Promise.reject(new Error('the store host is stopped'));
    if (this.gaveUp) return Promise.reject(this.gaveUp);
    if (this.starting) return this.starting.done;
    const abort = new AbortController();
    const done = this.start(abort).finally(() => {
      if (this.starting?.abort === abort) this.starting = null;
    });
    this.starting = { abort, done };
    return done;
  };

  /** Stops the host for good, also one that is starting; resolves once it is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    this.starting?.abort.abort(new Error('the store host is stopping'));
    await this.starting?.done.catch(() => undefined);
    await this.discard();
  }

  private async start(abort: AbortController): Promise<MessageLink> {
    await this.discard();
    if (this.stopped) throw abort.signal.reason;
    const timer = setTimeout(() => abort.abort(new Error(`the store host page did not become ready within ${this.readyTimeoutMs} ms`)), this.readyTimeoutMs);
    this.state = 'starting';
    this.starts++;
    try {
      const host = await this.platform.start(abort.signal);
      this.host = host;
      host.onGone((reason) => this.lost(host, reason));
      const link = await readyLink(host.link, abort.signal, (byMain) => {
        // Main closing the link (StoreClient closing) retires the host quietly: stop() or the next connect stops it.
        if (byMain && this.host === host) this.state = 'idle';
        else this.lost(host, 'link closed');
      });
      this.state = 'ready';
      return link;
    } catch (error) {
      const reason = abort.signal.aborted ? (abort.signal.reason as Error) : (error as Error);
      await this.discard();
      if (!this.stopped) this.failed(reason.message);
      throw reason;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A host that was serving went away: throw it away, so that the next connect starts another. */
  private lost(host: RunningHost, reason: string): void {
    if (this.host !== host) return;
    this.host = null;
    this.stopping = Promise.all([this.stopping, host.stop().catch(() => undefined)]);
    // Stopping, retired, or a start in progress (which reports its own failure): nothing to count.
    if (this.state === 'ready') {
      this.log(`store host lost (${reason}); a new one starts on the next connect`);
      this.failed(reason);
    }
    // Last: closing the link makes StoreClient connect again at once.
    host.link.close();
  }

  private failed(reason: string): void {
    this.failures++;
    this.lastProblem = reason;
    const now = this.now();
    this.failureTimes.push(now);
    while ((this.failureTimes[0] as number) < now - this.restartWindowMs) this.failureTimes.shift();
    if (this.failureTimes.length <= this.maxRestarts) {
      this.state = 'lost';
      return;
    }
    this.state = 'gave-up';
    this.gaveUp = new StoreHostGaveUpError(
      `the store host failed ${this.failureTimes.length} times within ${Math.round(this.restartWindowMs / 1000)} s and is not started again (last: ${reason})`,
    );
    this.log(this.gaveUp.message);
  }

  /** Stops the current host, if any; its going away is intended, not a failure. */
  private async discard(): Promise<void> {
    const host = this.host;
    this.host = null;
    if (host) {
      host.link.close();
      await host.stop();
    }
    await this.stopping;
  }
}
