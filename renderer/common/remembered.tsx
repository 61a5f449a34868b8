/**
 * State that outlives its view: a view's inputs and results kept in a map above the views, so
 * that an operator who looks at another view and comes back finds them as left (and an
 * operation that finishes meanwhile still lands its result there). For this session only;
 * what must survive a restart goes to main's settings instead.
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

const MemoryContext = createContext<Map<string, unknown> | null>(null);

export function RememberedProvider({ children }: { readonly children: ReactNode }) {
  const memory = useRef(new Map<string, unknown>());
  return <MemoryContext.Provider value={memory.current}>{children}</MemoryContext.Provider>;
}

/** Like useState, remembered under `key` while the app runs; with a null key (or no provider) it is plain state. */
export function useRemembered<T>(key: string | null, initial: T): [T, (value: T) => void] {
  const memory = useContext(MemoryContext);
  const [value, setValue] = useState<T>(() => (key !== null && memory?.has(key) ? (memory.get(key) as T) : initial));
  const set = useCallback(
    (next: T) => {
      if (key !== null) memory?.set(key, next);
      setValue(next);
    },
    [key, memory],
  );
  return [value, set];
}
