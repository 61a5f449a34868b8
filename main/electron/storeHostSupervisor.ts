/**
 * Keeps a store host alive for main's StoreClient. `connect()` (StoreClient's reconnect
 * callback) opens the hidden host window if there is none, gives its page a fresh channel,
 * and resolves once the page says it is ready to serve. When the window's process dies, the
 * window is closed or the channel drops, the window is thrown away and the current link is
 * closed; StoreClient then calls `connect()` again and resends what was in flight.
 *
 * Electron stays outside: a `StoreHostPlatform` opens windows (storeHostWindow.ts does it
 * with BrowserWindow and MessageChannelMain; tests do it with linked pairs).
 */
import type { MessageLink } from '../../shared/rpc/link';

export interface HostWindow {
  /** Makes a new channel, hands one end to the page, returns main's end. */
  connect(): MessageLink;
  /** Called once when the window's renderer process is gone or the window closed (at once if already so). */
  onGone(listener: (reason: string) => void): void;
  destroy(): void;
}

export interface StoreHostPlatform {
  /** Opens a hidden host window; resolves when its page has loaded. */
  openWindow(): Promise<HostWindow>;
}

export interface StoreHostSupervisorOptions {
  /** How long a freshly connected page may take to say it is ready. */
  readonly readyTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

const isReady = (message: unknown) => (message as { kind?: unknown } | null)?.kind === 'ready';

export class StoreHostSupervisor {
  private window: HostWindow | null = null;
  private opening: Promise<HostWindow> | null = null;
  private raw: MessageLink | null = null;
  private closed = false;
  private opened = 0;
  private readonly readyTimeoutMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly platform: StoreHostPlatform,
    options: StoreHostSupervisorOptions = {},
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    this.log = options.log ?? ((message) => console.warn(`[store host] ${message}`));
  }

  /** How many host windows were opened so far (1 + restarts). */
  get windowsOpened(): number {
    return this.opened;
  }

  /** A link to a host that is ready to serve, opening or reopening the host window as needed. */
  async connect(): Promise<MessageLink> {
    if (this.closed) throw new Error('the store host is shut down');
    const window = await this.ensureWindow();
    return this.handshake(window);
  }

  /** Closes the link and the window for good (after the store client has flushed). */
  close(): void {
    this.closed = true;
    this.raw?.close();
    this.raw = null;
    this.window?.destroy();
    this.window = null;
  }

  private ensureWindow(): Promise<HostWindow> {
    if (this.window) return Promise.resolve(this.window);
    this.opening ??= this.platform.openWindow().then(
      (window) => {
        this.opening = null;
        this.opened++;
        if (this.closed) {
          window.destroy();
          throw new Error('the store host is shut down');
        }
        this.window = window;
        window.onGone((reason) => this.lost(window, reason));
        return window;
      },
      (error: unknown) => {
        this.opening = null;
        throw error;
      },
    );
    return this.opening;
  }

  /** Opens a channel to the page and waits for its `ready`; the link handed out hides that message. */
  private handshake(window: HostWindow): Promise<MessageLink> {
    const previous = this.raw;
    const raw = window.connect();
    this.raw = raw;
    previous?.close(); // superseded: its closing does not count as losing the host
    const listeners: ((message: unknown) => void)[] = [];
    const closers: (() => void)[] = [];
    let ready = false;
    const link: MessageLink = {
      send: (message) => raw.send(message),
      onMessage: (listener) => void listeners.push(listener),
      onClose: (listener) => void closers.push(listener),
      close: () => raw.close(),
    };
    return new Promise<MessageLink>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the store host page did not become ready within ${this.readyTimeoutMs} ms`));
        this.lost(window, 'not ready in time');
      }, this.readyTimeoutMs);
      raw.onMessage((message) => {
        if (ready) {
          for (const listener of listeners) listener(message);
        } else if (isReady(message)) {
          ready = true;
          clearTimeout(timer);
          resolve(link);
        }
      });
      raw.onClose(() => {
        clearTimeout(timer);
        const current = this.raw === raw;
        if (current) this.raw = null;
        if (!ready) reject(new Error('the store host went away before it was ready'));
        // A channel that drops leaves the page without a store connection: start afresh.
        if (current && !this.closed) this.lost(window, 'channel closed');
        for (const closer of closers.splice(0)) closer();
      });
    });
  }

  /** Throws the window away once; the current link closes, so its user reconnects. */
  private lost(window: HostWindow, reason: string): void {
    if (this.window !== window) return;
    this.window = null;
    if (!this.closed) this.log(`store host lost (${reason}); a new one starts on the next connect`);
    window.destroy();
    const raw = this.raw;
    this.raw = null;
    raw?.close();
  }
}
