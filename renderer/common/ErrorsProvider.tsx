/**
 * Bridge errors, shown: any part of the UI reports a failed call here and the operator sees
 * it as a readable message in a stack at the bottom of the window until dismissed.
 */
import { Alert, Stack } from '@mui/material';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { errorMessage } from './format';

interface Reported {
  readonly id: number;
  readonly text: string;
}

type Report = (what: string, error: unknown) => void;

const ErrorsContext = createContext<Report>((what, error) => console.error(`${what}: ${errorMessage(error)}`));

/** Most recent errors kept on screen. */
const MAX_SHOWN = 4;

export function ErrorsProvider({ children }: { readonly children: ReactNode }) {
  const [shown, setShown] = useState<readonly Reported[]>([]);
  const report = useCallback<Report>((what, error) => {
    const text = `${what}: ${errorMessage(error)}`;
    console.error(text);
    setShown((list) => [...list.filter((r) => r.text !== text), { id: Date.now() + Math.random(), text }].slice(-MAX_SHOWN));
  }, []);
  const value = useMemo(() => report, [report]);
  return (
    <ErrorsContext.Provider value={value}>
      {children}
      <Stack spacing={1} sx={{ position: 'fixed', bottom: 16, right: 16, zIndex: 2000, maxWidth: 520 }} aria-live="assertive">
        {shown.map((r) => (
          <Alert key={r.id} severity="error" variant="filled" data-testid="bridge-error" onClose={() => setShown((list) => list.filter((x) => x.id !== r.id))}>
            {r.text}
          </Alert>
        ))}
      </Stack>
    </ErrorsContext.Provider>
  );
}

/** `report(what, error)`: shows "what: message" to the operator. */
export function useReportError(): Report {
  return useContext(ErrorsContext);
}
