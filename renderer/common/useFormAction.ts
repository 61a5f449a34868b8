/**
 * A settings form's buttons: one action at a time (busy while it runs), and what it ended
 * with shown below the form: the outcome the action returned, or its error's message.
 */
import { useState } from 'react';
import { errorMessage } from './format';

export type FormOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export function useFormAction<T>() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<FormOutcome<T> | null>(null);
  const run = async (action: () => Promise<T>): Promise<void> => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ ok: true, value: await action() });
    } catch (error) {
      setOutcome({ ok: false, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, run };
}
