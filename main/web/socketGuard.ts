/**
 * What browser mode's host does for every socket, whoever is on the other end: refuses an
 * upgrade it will not serve before a single frame is read, handles every socket error (a
 * broken frame closes that socket only), caps what a socket that has not proved who it is
 * may send, and bounds what the host keeps queued for a client that does not read.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Frames a socket may send before it has proved who it is (`{ "token": … }` is far smaller). */
export const MAX_FRAME_BYTES_BEFORE_AUTH = 4 * 1024;

export interface OutputLimits {
  /** Queued output beyond this disconnects the client at once. */
  readonly maxBufferedBytes: number;
  /** Queued output above `stallBytes` for longer than `stallMs` disconnects the client too. */
  readonly stallBytes: number;
  readonly stallMs: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { maxBufferedBytes: 32 * 1024 * 1024, stallBytes: 1024 * 1024, stallMs: 30_000 };

const STATUS_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found' };

/** Answers an upgrade request with a plain HTTP refusal and drops the connection: no frame is ever read. */
export function refuseUpgrade(socket: Duplex, status: 403 | 404, reason: string): void {
  socket.on('error', () => undefined);
  const body = `${reason}\n`;
  const response = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  // Destroyed once the answer is out, so that whatever the client keeps sending is never read.
  socket.end(response, () => socket.destroy());
}

/**
 * Handles the socket's errors (a malformed frame, an oversized one, a reset): each is logged
 * and ends this socket; without a listener, `ws` would raise it as an uncaught error and stop
 * the host.
 */
export function handleSocketErrors(ws: WebSocket, name: string, log: (line: string) => void): void {
  ws.on('error', (error) => {
    log(`${name}: ${error.message}; connection closed`);
    ws.terminate();
  });
}

/**
 * Sets the largest frame the socket accepts from now on. `ws` takes the limit once, when the
 * socket is made; its receiver reads the field on every frame, so raising it after the client
 * proved who it is takes effect for the next frame (test/int/web.sockets.int.test.ts checks it).
 */
export function setMaxFrameBytes(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') throw new Error('this version of ws keeps its frame limit elsewhere: see socketGuard.ts');
  receiver._maxPayload = bytes;
}

/** What `boundedSender` needs of a socket (a `ws` WebSocket has it; tests give fakes). */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  send(data: Buffer, options: { readonly binary: false }): void;
  terminate(): void;
}

/**
 * A `send` that never lets one client's unread output grow without bound: a client that does
 * not read is cut off, with a log line, once its queue passes the hard limit or stays above
 * the soft one for too long. Other clients never wait for it.
 */
export function boundedSender(socket: BufferedSocket, name: string, log: (line: string) => void, limits: OutputLimits = DEFAULT_OUTPUT_LIMITS): (text: string) => void {
  let cut = false;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const cutOff = (why: string) => {
    if (cut) return;
    cut = true;
    clearTimeout(stallTimer);
    log(`${name}: disconnected, ${why}`);
    socket.terminate();
  };
  const watchStall = () => {
    if (stallTimer !== undefined || socket.bufferedAmount <= limits.stallBytes) return;
    stallTimer = setTimeout(() => {
      stallTimer = undefined;
      if (socket.bufferedAmount > limits.stallBytes) {
        cutOff(`it left ${socket.bufferedAmount} bytes of answers unread for ${limits.stallMs / 1000} s`);
      }
    }, limits.stallMs);
    stallTimer.unref?.();
  };
  return (text) => {
    if (cut) return;
    // Given a string, ws measures its UTF-8 length in a pass of its own before the socket
    // encodes it; its bytes, sent as a text frame, are encoded once (a push is about 200
    // bytes per event).
    const bytes = Buffer.from(text, 'utf8');
    if (socket.bufferedAmount + bytes.length > limits.maxBufferedBytes) {
      cutOff(`it does not read its answers (${socket.bufferedAmount} bytes waiting, limit ${limits.maxBufferedBytes})`);
      return;
    }
    socket.send(bytes, { binary: false });
    watchStall();
  };
}
