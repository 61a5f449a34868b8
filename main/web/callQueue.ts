/**
 * The calls of one browser-mode socket: a few run at once, the rest wait in arrival order,
 * and none starts while the socket's earlier answers are still queued unread. While calls
 * wait, reading from the socket is paused, so a client that sends faster than it reads holds
 * its requests in its own buffers, not in the host's memory or the store host's time.
 */

/** Calls of one socket that run at the same time (the console itself keeps more than 8 open at once). */
export const MAX_RUNNING_CALLS = 16;
/** Unread answers above this hold back the socket's next call until the client reads. */
export const OUTPUT_BACKLOG_BYTES = 1024 * 1024;
const BACKLOG_RECHECK_MS = 50;

export interface FlowControl {
  /** Bytes written to the socket that the client has not taken yet. */
  readonly bufferedAmount?: number;
  pause?(): void;
  resume?(): void;
}

export class CallQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = 0;
  private recheck: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly socket: FlowControl) {}

  /** Calls running or waiting. */
  get size(): number {
    return this.running + this.waiting.length;
  }

  add(call: () => Promise<void>): void {
    this.waiting.push(call);
    this.pump();
  }

  /** The socket closed: waiting calls are dropped. */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    clearTimeout(this.recheck);
  }

  private backedUp(): boolean {
    return (this.socket.bufferedAmount ?? 0) > OUTPUT_BACKLOG_BYTES;
  }

  private pump(): void {
    if (this.stopped) return;
    while (this.running < MAX_RUNNING_CALLS && this.waiting.length > 0 && !this.backedUp()) {
      const call = this.waiting.shift() as () => Promise<void>;
      this.running++;
      void call().finally(() => {
        this.running--;
        this.pump();
      });
    }
    if (this.waiting.length === 0 && this.running < MAX_RUNNING_CALLS) return this.socket.resume?.();
    this.socket.pause?.();
    // Nothing tells when the client reads; look again shortly while calls are held back by it.
    if (this.backedUp() && this.recheck === undefined) {
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        this.pump();
      }, BACKLOG_RECHECK_MS);
    }
  }
}
