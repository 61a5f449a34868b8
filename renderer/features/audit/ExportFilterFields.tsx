/** The Audit view's filter fields for an export: type patterns, subject, time range. */
import { Alert, Stack, TextField } from '@mui/material';
import type { FilterDraft } from './exportRequest';

/** The two ends of the time range, each a local date and time to the second. */
const TIME_RANGE = [
  { key: 'from', label: 'From' },
  { key: 'to', label: 'To' },
] as const;

export interface ExportFilterFieldsProps {
  readonly draft: FilterDraft;
  readonly problem: string | null;
  readonly onChange: (draft: FilterDraft) => void;
}

export function ExportFilterFields({ draft, problem, onChange }: ExportFilterFieldsProps) {
  const set = (key: keyof FilterDraft, value: string) => onChange({ ...draft, [key]: value });
  return (
    <>
      <Stack direction="row" spacing={2} sx={{ mt: 2, flexWrap: 'wrap' }} useFlexGap>
        <TextField
          label="Type patterns"
          placeholder="equipment.*, alarm.*"
          value={draft.types}
          onChange={(e) => set('types', e.target.value)}
          sx={{ minWidth: 240, flex: 1 }}
          slotProps={{ htmlInput: { 'data-testid': 'export-filter-types', spellCheck: false } }}
        />
        <TextField label="Subject" placeholder="press-1" value={draft.subject} onChange={(e) => set('subject', e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'export-filter-subject' } }} />
        {TIME_RANGE.map(({ key, label }) => (
          <TextField
            key={key}
            label={label}
            type="datetime-local"
            value={draft[key]}
            onChange={(e) => set(key, e.target.value)}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'data-testid': `export-filter-${key}` } }}
          />
        ))}
      </Stack>
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="export-filter-problem">
          {problem}
        </Alert>
      )}
    </>
  );
}
