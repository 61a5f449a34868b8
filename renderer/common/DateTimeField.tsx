/** A 24-hour date and time field in local time, with the time zone beside it and one sentence when what is typed is not a time. */
import { InputAdornment, TextField } from '@mui/material';
import { DATE_TIME_PLACEHOLDER, maskDateTime, readDateTime } from './dateEntry';
import { formatTimeZone } from './format';

export interface DateTimeFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly testId: string;
  readonly required?: boolean;
}

export function DateTimeField({ label, value, onChange, testId, required }: DateTimeFieldProps) {
  const entry = readDateTime(value);
  // Complain only once the operator has typed as much as a time to the minute.
  const problem = !entry.ok && value.length >= 16 ? entry.problem : null;
  return (
    <TextField
      label={label}
      value={value}
      required={required}
      onChange={(e) => onChange(maskDateTime(e.target.value))}
      placeholder={DATE_TIME_PLACEHOLDER}
      error={problem !== null}
      helperText={problem ?? undefined}
      sx={{ width: 260, flexShrink: 0 }}
      slotProps={{
        inputLabel: { shrink: true },
        htmlInput: { inputMode: 'numeric', 'data-testid': testId, 'aria-description': `24-hour time, ${formatTimeZone()}` },
        input: { endAdornment: <InputAdornment position="end">{formatTimeZone()}</InputAdornment> },
        formHelperText: { 'data-testid': `${testId}-problem` } as object,
      }}
    />
  );
}
