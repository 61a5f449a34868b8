/**
 * The store-host page's handshake: on a fresh link the page first says `{ kind: 'ready' }`
 * once its store is open. `readyLink` waits for that and hands out a link that hides it, so
 * StoreClient sees only store messages.
 */
import type { MessageLink } from '../../../shared/rpc/link';

const isReady = (message: unknown) => (message as { kind?: unknown } | null)?.kind === 'ready';

/**
 * Resolves with the link once the page is ready; rejects if `signal` aborts (with its reason)
 * or the link closes first. `onClosed` runs once when the link closes after that, saying
 * whether main closed it.
 */
export function readyLink(raw: MessageLink, signal: AbortSignal, onClosed: (byMain: boolean) => void): Promise<MessageLink> {
  const listeners: ((message: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  let ready = false;
  let closedByMain = false;
  const link: MessageLink = {
    send: (message) => raw.send(message),
    onMessage: (listener) => void listeners.push(listener),
    onClose: (listener) => void closers.push(listener),
    close: () => {
      closedByMain = true;
      raw.close();
    },
  };
  return new Promise<MessageLink>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      reject(signal.reason);
      raw.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    raw.onMessage((message) => {
      if (ready) {
        for (const listener of listeners) listener(message);
      } else if (isReady(message)) {
        ready = true;
        signal.removeEventListener('abort', onAbort);
        resolve(link);
      }
    });
    raw.onClose(() => {
      signal.removeEventListener('abort', onAbort);
      if (!ready) return reject(new Error('the store host went away before it was ready'));
      onClosed(closedByMain);
      for (const closer of closers.splice(0)) closer();
    });
  });
}
