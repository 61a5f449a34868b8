/**
 * A form's draft filled once, from the first answer of a polled call, and then the
 * operator's alone: later polls never overwrite what is being typed.
 */
import { useEffect, useRef, useState } from 'react';

export function useFilledDraft<V, D>(loaded: V | undefined, empty: D, fill: (value: V) => D): [D, (draft: D) => void] {
  const [draft, setDraft] = useState(empty);
  const filled = useRef(false);
  useEffect(() => {
    if (filled.current || loaded === undefined) return;
    filled.current = true;
    setDraft(fill(loaded));
    // `fill` is read once, with the first value: a new `fill` is no reason to fill again.
  }, [loaded]);
  return [draft, setDraft];
}
