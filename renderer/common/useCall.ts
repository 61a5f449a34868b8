/**
 * One bridge call's result as state: loading, the value or the error's message, and a way to
 * call again. With `pollMs`, it calls again on that interval. A stale answer (from before a
 * newer call) is ignored.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './format';

export interface CallState<T> {
  readonly value: T | undefined;
  readonly error: string | null;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function useCall<T>(call: () => Promise<T>, deps: readonly unknown[], pollMs?: number): CallState<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const callRef = useRef(call);
  callRef.current = call;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    callRef.current().then(
      (result) => {
        if (mine !== generation.current) return;
        setValue(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    run();
    if (pollMs === undefined) return () => void generation.current++;
    const timer = setInterval(run, pollMs);
    return () => {
      generation.current++;
      clearInterval(timer);
    };
  }, [run, pollMs, ...deps]);

  return { value, error, loading, reload: run };
}
