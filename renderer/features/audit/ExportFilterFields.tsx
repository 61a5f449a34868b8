/** The Audit view's filter fields for an export: type patterns, subject, time range. */
import { Alert, Stack, TextField } from '@mui/material';
import type { FilterDraft } from './exportRequest';

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
        <TextField
          label="From"
          type="datetime-local"
          value={draft.from}
          onChange={(e) => set('from', e.target.value)}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'data-testid': 'export-filter-from' } }}
        />
        <TextField
          label="To"
          type="datetime-local"
          value={draft.to}
          onChange={(e) => set('to', e.target.value)}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1, 'data-testid': 'export-filter-to' } }}
        />
      </Stack>
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="export-filter-problem">
          {problem}
        </Alert>
      )}
    </>
  );
}
