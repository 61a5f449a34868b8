/**
 * MessageLink adapters for the two transports a Chromium page has: a MessagePort (Electron
 * hands the store host one) and a WebSocket (browser mode). Over a socket every message is
 * one JSON text frame; a frame that is not JSON is reported and dropped.
 */
import type { MessageLink } from '../../shared/rpc/link';

/** Calls each close listener once, whichever way the link went away. */
function closeNotifier(): { add(listener: () => void): void; fire(): void } {
  const listeners: (() => void)[] = [];
  let fired = false;
  return {
    add: (listener) => (fired ? listener() : void listeners.push(listener)),
    fire() {
      if (fired) return;
      fired = true;
      for (const listener of listeners) listener();
    },
  };
}

/** A link over a browser MessagePort (structured clone: no serialisation needed). */
export function portLink(port: MessagePort): MessageLink {
  const closed = closeNotifier();
  const listeners: ((message: unknown) => void)[] = [];
  port.onmessage = (event) => {
    for (const listener of listeners) listener(event.data);
  };
  // Chromium fires 'close' on a port whose other end was closed or whose owner died.
  port.addEventListener('close', () => closed.fire());
  port.start();
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => void listeners.push(listener),
    onClose: (listener) => closed.add(listener),
    close() {
      port.close();
      closed.fire();
    },
  };
}

/** A link over an open WebSocket. */
export function socketLink(socket: WebSocket): MessageLink {
  const closed = closeNotifier();
  const listeners: ((message: unknown) => void)[] = [];
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return console.warn('[link] ignored a binary frame');
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return console.warn('[link] ignored a frame that is not JSON');
    }
    for (const listener of listeners) listener(message);
  });
  socket.addEventListener('close', () => closed.fire());
  return {
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) throw new Error('the connection to the host is closed');
      socket.send(JSON.stringify(message));
    },
    onMessage: (listener) => void listeners.push(listener),
    onClose: (listener) => closed.add(listener),
    close() {
      socket.close(1000, 'closed by this page');
      closed.fire();
    },
  };
}

/** Opens a WebSocket and resolves once it is open (rejects with the close reason otherwise). */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const onClose = (event: CloseEvent) => reject(new Error(`the host refused the connection (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
    socket.addEventListener('close', onClose, { once: true });
    socket.addEventListener(
      'open',
      () => {
        socket.removeEventListener('close', onClose);
        resolve(socket);
      },
      { once: true },
    );
  });
}
