/**
 * A MessageLink over a `ws` WebSocket on the Node side: one JSON text frame per message.
 * Used for the store host's socket in browser mode.
 */
import type { RawData, WebSocket } from 'ws';
import { LinkClosedError, type MessageLink } from '../../shared/rpc/link';

export function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export function nodeSocketLink(socket: WebSocket, name = 'socket'): MessageLink {
  const listeners: ((message: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  let closed = false;
  const fireClose = () => {
    if (closed) return;
    closed = true;
    for (const closer of closers) closer();
  };
  socket.on('message', (data, isBinary) => {
    if (isBinary) return console.warn(`[${name}] ignored a binary frame`);
    let message: unknown;
    try {
      message = JSON.parse(textOf(data));
    } catch {
      return console.warn(`[${name}] ignored a frame that is not JSON`);
    }
    for (const listener of listeners) listener(message);
  });
  socket.on('close', fireClose);
  socket.on('error', (error) => console.warn(`[${name}] ${error.message}`));
  return {
    send(message) {
      if (closed || socket.readyState !== socket.OPEN) throw new LinkClosedError(`${name}: the connection is closed`);
      // The text's UTF-8 bytes, sent as a text frame: handed the string itself, ws first
      // measures its UTF-8 length in a pass of its own, then the socket encodes it.
      socket.send(Buffer.from(JSON.stringify(message)), { binary: false });
    },
    onMessage: (listener) => void listeners.push(listener),
    onClose: (listener) => (closed ? listener() : void closers.push(listener)),
    close() {
      socket.close(1000, 'closed by the host');
      fireClose();
    },
  };
}
