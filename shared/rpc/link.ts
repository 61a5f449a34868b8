/**
 * A two-way message channel, whatever carries it: an Electron MessagePort, a browser
 * MessagePort, a WebSocket. Adapters live with the process that owns the transport.
 */
/**
 * Thrown by `send` when the link is closed or closing. The caller can tell it from a message
 * that cannot be carried: the message is fine, and can go again on the next link.
 */
export class LinkClosedError extends Error {
  override name = 'LinkClosedError';
}

export interface MessageLink {
  /** Throws LinkClosedError once the link is closing or closed. */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the other side goes away (closed, crashed, disconnected). */
  onClose(listener: () => void): void;
  close(): void;
}

/** Two linked ends in one process: what one sends, the other receives (asynchronously, as a port would). */
export function linkedPair(): [MessageLink, MessageLink] {
  const make = () => ({ listeners: [] as ((m: unknown) => void)[], closers: [] as (() => void)[], closed: false });
  const a = make();
  const b = make();
  const end = (self: typeof a, other: typeof a): MessageLink => ({
    send(message) {
      if (self.closed) return;
      const copy = structuredClone(message);
      setTimeout(() => {
        if (!other.closed) for (const listener of other.listeners) listener(copy);
      }, 0);
    },
    onMessage: (listener) => void self.listeners.push(listener),
    onClose: (listener) => void self.closers.push(listener),
    close() {
      for (const side of [self, other]) {
        if (side.closed) continue;
        side.closed = true;
        for (const closer of side.closers) closer();
      }
    },
  });
  return [end(a, b), end(b, a)];
}
