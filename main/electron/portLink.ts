/**
 * Main's end of a MessageChannelMain as a MessageLink. Typed by the few members it uses, so
 * tests can hand it a fake port.
 */
import { LinkClosedError, type MessageLink } from '../../shared/rpc/link';

/** The part of Electron's MessagePortMain this adapter needs. */
export interface MainPort {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** Wraps a port; the close listeners run once, whether the far side went away or we closed it. */
export function portLink(port: MainPort): MessageLink {
  const listeners: ((message: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const closer of closers.splice(0)) closer();
  };
  port.on('message', (messageEvent) => {
    if (!closed) for (const listener of listeners) listener(messageEvent.data);
  });
  port.on('close', finish);
  port.start();
  return {
    send(message) {
      if (closed) throw new LinkClosedError('the store host port is closed');
      port.postMessage(message);
    },
    onMessage: (listener) => void listeners.push(listener),
    onClose(listener) {
      if (closed) queueMicrotask(listener);
      else closers.push(listener);
    },
    close() {
      if (closed) return;
      port.close();
      finish();
    },
  };
}
