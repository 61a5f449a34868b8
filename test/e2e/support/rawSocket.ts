/**
 * A WebSocket client made of raw TCP, for sending what no well-behaved library would: broken
 * frames, frames before the handshake is accepted, and a client that never reads.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawUpgrade {
  readonly socket: Socket;
  /** Everything the host sent, the status line included, as it arrives. */
  readonly received: string[];
  /** The status line of the host's answer (`HTTP/1.1 101 Switching Protocols`, `… 403 Forbidden`). */
  readonly status: string;
}

/**
 * Opens a TCP connection and sends an upgrade request for `path`, with `early` bytes right
 * behind it (frames sent before the host has answered); resolves with the host's status line.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}, early?: Buffer): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), early ?? Buffer.alloc(0)]));
    const received: string[] = [];
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk.toString('latin1'));
      const head = received.join('');
      const end = head.indexOf('\r\n');
      if (answered || end < 0) return;
      answered = true;
      resolve({ socket, received, status: head.slice(0, end) });
    });
    socket.once('close', () => reject(new Error(`the host closed the connection without answering the upgrade of ${path}`)));
  });
}

/** One client frame: `opcode`, `payload`, masked unless told not to, with the length the header claims (default: the payload's). */
export function frame(opcode: number, payload: Buffer, options: { masked?: boolean; claimedLength?: number } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.claimedLength ?? payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65_536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header.push(maskBit | 127, ...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
  return Buffer.concat([Buffer.from(header), key, body]);
}

/** A masked text frame of `text`. */
export const textFrame = (text: string): Buffer => frame(0x1, Buffer.from(text));

/** Everything the host sent on this connection, once it has closed it. */
export async function readAll(upgrade: RawUpgrade): Promise<string> {
  await closedByHost(upgrade.socket);
  return upgrade.received.join('');
}

/** Resolves when the host has closed the TCP connection. */
export function closedByHost(socket: Socket): Promise<void> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve();
  socket.resume();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
