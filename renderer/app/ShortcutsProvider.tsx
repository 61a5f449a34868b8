/** Dispatches key presses to the handler registered for their action. */
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { actionForKey, isTypingTarget } from './shortcuts';

type Handlers = Map<string, () => void>;

const ShortcutsContext = createContext<{ current: Handlers } | null>(null);

export function ShortcutsProvider({ children }: { readonly children: ReactNode }) {
  const handlers = useRef<Handlers>(new Map());
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const action = actionForKey(event, isTypingTarget(event.target));
      const handler = action ? handlers.current.get(action) : undefined;
      if (!handler) return;
      // A dialog open on top keeps its own keys (but Escape still reaches its own close).
      if (document.querySelector('[role="dialog"][aria-modal="true"]') && action !== 'help') return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return <ShortcutsContext.Provider value={handlers}>{children}</ShortcutsContext.Provider>;
}

/** Runs `handler` when the shortcut of `action` is pressed, while the calling component is shown. */
export function useShortcut(action: string, handler: () => void): void {
  const handlers = useContext(ShortcutsContext);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!handlers) return;
    const run = () => latest.current();
    handlers.current.set(action, run);
    return () => {
      if (handlers.current.get(action) === run) handlers.current.delete(action);
    };
  }, [action, handlers]);
}
