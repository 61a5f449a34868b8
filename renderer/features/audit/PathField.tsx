/** An absolute path typed by the operator (browser mode has no native file dialog), checked as typed. */
import { TextField } from '@mui/material';
import { isAbsolutePath } from './exportRequest';

export function pathProblemOf(path: string): string | null {
  const trimmed = path.trim();
  return trimmed === '' || isAbsolutePath(trimmed) ? null : 'Give an absolute path, e.g. /home/operator/exports/audit.ndjson';
}

export interface PathFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly help: string;
  readonly testId: string;
}

export function PathField({ label, value, onChange, help, testId }: PathFieldProps) {
  const problem = pathProblemOf(value);
  return (
    <TextField
      fullWidth
      required
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={problem !== null}
      helperText={problem ?? help}
      sx={{ mt: 1 }}
      slotProps={{ htmlInput: { 'data-testid': testId, spellCheck: false } }}
    />
  );
}
