/**
 * Browser mode's stand-in for the preload: builds `window.plant` with the same
 * createPlantApi over a WebSocket to the Node host. The host's per-run token comes from
 * this page's address (`?token=…`, as the host printed it).
 *
 * Messages: `{ id, method, args }` out, `{ id, envelope }` back; pushes arrive as
 * `{ channel: 'push:events', … }`. A publishBatch sends the fields all its events share once
 * (shared/api/sharedFields.ts), asks for the compact answer and rebuilds the stored events
 * from its own request (shared/api/compactReply.ts). A lost connection fails the calls waiting on it; the
 * transport then connects again by itself (after 1 s, doubling to 15 s) and tells
 * `onReconnect`, so that live subscriptions are made again.
 */
import { PUSH_CHANNEL } from '../../shared/api/channels';
import { expandStored } from '../../shared/api/compactReply';
import { splitShared, spreadShared } from '../../shared/api/sharedFields';
import type { Envelope, MethodName } from '../../shared/api/contract';
import { createPlantApi, type EventPushMessage, type PlantApi, type PlantTransport } from '../../shared/api/plantApi';

declare global {
  interface Window {
    plant?: PlantApi;
  }
}

type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WsTransport extends PlantTransport {
  readonly state: () => ConnectionState;
  /** Told whenever the connection opens or closes; returns a function that stops telling. */
  onState(listener: (state: ConnectionState, reason?: string) => void): () => void;
}

interface Pending {
  resolve(envelope: Envelope<unknown>): void;
  reject(error: Error): void;
  /** A compact publishBatch's request: its events, as the host reads them, are what the answer is rebuilt from. */
  request?: SentBatch;
}

/** A compact publishBatch's sent text, read back into events while the host is storing them. */
class SentBatch {
  private events: unknown[] | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly text: string,
    socket: WebSocket,
  ) {
    // Read once the socket has handed the whole text on (reading sooner holds up the send),
    // so that the answer then only has to be expanded.
    const readWhenSent = () => {
      const sending = socket.bufferedAmount > 0 && socket.readyState === WebSocket.OPEN;
      this.timer = sending ? setTimeout(readWhenSent, 1) : undefined;
      if (this.timer === undefined) this.read();
    };
    this.timer = setTimeout(readWhenSent, 1);
  }

  read(): unknown[] {
    clearTimeout(this.timer);
    if (!this.events) {
      const { args, shared } = JSON.parse(this.text) as { args?: unknown[]; shared?: unknown };
      const sent = args?.[0];
      this.events = Array.isArray(sent) ? sent : [];
      if (shared !== undefined) spreadShared(this.events, shared);
    }
    return this.events;
  }
}

function isPush(message: Record<string, unknown>): message is Record<string, unknown> & EventPushMessage {
  return message.channel === PUSH_CHANNEL && Array.isArray(message.items);
}

export function createWsTransport(url: string): WsTransport {
  const pending = new Map<number, Pending>();
  const stateListeners = new Set<(state: ConnectionState, reason?: string) => void>();
  let pushListener: (push: EventPushMessage) => void = () => undefined;
  const reconnectListeners = new Set<() => void>();
  let everOpened = false;
  let retryMs = 1_000;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let state: ConnectionState = 'closed';
  let nextId = 1;

  const setState = (next: ConnectionState, reason?: string) => {
    state = next;
    for (const listener of stateListeners) listener(next, reason);
  };

  function onMessage(event: MessageEvent): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(String(event.data)) as Record<string, unknown>;
    } catch {
      return console.warn('[plant] ignored a message that is not JSON');
    }
    if (message === null || typeof message !== 'object') return;
    if (isPush(message)) return pushListener(message);
    const call = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (!call) {
      const envelope = message.envelope as Envelope<unknown> | undefined;
      if (envelope && !envelope.ok) console.warn('[plant] the host refused a message:', envelope.error.message);
      return;
    }
    pending.delete(message.id as number);
    if (!('compact' in message)) return call.resolve(message.envelope as Envelope<unknown>);
    try {
      call.resolve({ ok: true, value: expandStored(call.request?.read() ?? [], message.compact) });
    } catch (error) {
      call.reject(error as Error);
    }
  }

  function connect(): Promise<WebSocket> {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      setState('connecting');
      const next = new WebSocket(url);
      next.addEventListener('message', onMessage);
      next.addEventListener('open', () => {
        socket = next;
        retryMs = 1_000;
        setState('open');
        resolve(next);
        if (everOpened) for (const listener of reconnectListeners) listener();
        everOpened = true;
      });
      next.addEventListener('close', (event) => {
        const reason = event.reason || `connection closed (${event.code})`;
        if (socket !== next) reject(new Error(`cannot reach the Plant Event Console host: ${reason}`));
        socket = null;
        opened = null;
        for (const call of pending.values()) call.reject(new Error(`the connection to the host was lost: ${reason}`));
        pending.clear();
        setState('closed', reason);
        scheduleReconnect();
      });
    });
    return opened;
  }

  /** Once connected, a lost connection is made again, with growing pauses while the host is away. */
  function scheduleReconnect(): void {
    if (!everOpened || retryTimer !== null || reconnectListeners.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, 15_000);
      });
    }, retryMs);
  }

  return {
    async call(method: MethodName, args: unknown[]) {
      const open = socket ?? (await connect());
      const id = nextId++;
      const compact = method === 'events.publishBatch';
      return new Promise<Envelope<unknown>>((resolve, reject) => {
        let text: string;
        try {
          // What every event of a batch has the same goes once (shared/api/sharedFields.ts).
          const split = compact && Array.isArray(args[0]) ? splitShared(args[0] as unknown[]) : null;
          const message = split ? { id, method, args: [split.events], compact, shared: split.shared } : compact ? { id, method, args, compact } : { id, method, args };
          text = JSON.stringify(message);
        } catch (error) {
          return reject(new TypeError(`${method}: the arguments cannot be sent (${(error as Error).message})`));
        }
        // Read back while the host stores it: exactly what the host read, a copy of nobody else's.
        pending.set(id, compact ? { resolve, reject, request: new SentBatch(text, open) } : { resolve, reject });
        open.send(text);
      });
    },
    onPush(listener) {
      pushListener = listener;
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
    },
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => void stateListeners.delete(listener);
    },
  };
}

/** The socket URL of the host that served this page, with the token from the page's address. */
export function apiSocketUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('this page was opened without its token: open the address the host printed (it ends in ?token=…)');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

/**
 * Installs `window.plant` over the host's socket unless a preload already provided it.
 * Returns the transport it made (for the connection state), or null under Electron.
 */
export function installWsBridge(): WsTransport | null {
  if (window.plant) return null;
  const transport = createWsTransport(apiSocketUrl(window.location));
  window.plant = createPlantApi(transport);
  return transport;
}
