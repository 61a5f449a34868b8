/** A text field of a connection's settings form: small, full width, no spell checking, found by its data-testid. */
import { TextField } from '@mui/material';

export interface TextProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly help?: string | undefined;
  readonly required?: boolean;
  readonly multiline?: boolean;
  readonly type?: string;
  /** Marks the field as the one at fault (the help then says why). */
  readonly error?: boolean;
}

export function Text({ label, value, onChange, testId, help, required, multiline, type, error }: TextProps) {
  return (
    <TextField
      fullWidth
      size="small"
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required={required ?? false}
      error={error ?? false}
      multiline={multiline ?? false}
      minRows={multiline ? 2 : undefined}
      type={type ?? 'text'}
      helperText={help}
      autoComplete={type === 'password' ? 'new-password' : 'off'}
      slotProps={{ htmlInput: { 'data-testid': testId, spellCheck: false } }}
    />
  );
}
