/**
 * The Audit view: export the log (NDJSON, CSV or PDF) with progress and Cancel, verify an
 * export file or the store's own chain, and import an export for review. One audit
 * operation runs at a time; every section shows its own progress and outcome, kept while the
 * operator looks at other views.
 */
import { Paper, Stack, Typography } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import { useRemembered } from '../../common/remembered';
import { ExportFilterFields } from './ExportFilterFields';
import { ExportForm } from './ExportForm';
import { EMPTY_DRAFT, filtersOfDraft } from './exportRequest';
import { ImportForm } from './ImportForm';
import { useAuditJob } from './useAuditJob';
import { VerifyFileForm } from './VerifyFileForm';
import { VerifyStoreCard } from './VerifyStoreCard';

function Section({ title, id, children }: { readonly title: string; readonly id: string; readonly children: ReactNode }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-labelledby={`${id}-title`} data-testid={id}>
      <Typography variant="h6" component="h3" id={`${id}-title`} gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export function AuditView() {
  const control = useAuditJob();
  // Inputs and outcomes are remembered while the app runs: leaving the view and coming back finds them as left.
  const [draft, setDraft] = useRemembered('audit.filters', EMPTY_DRAFT);
  const { filters, problem } = useMemo(() => filtersOfDraft(draft), [draft]);
  return (
    <Stack spacing={2} data-testid="audit" sx={{ pb: 4 }}>
      <Typography variant="h5" component="h2">
        Audit
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Exports are tamper-evident: each line is chained to the one before it by a hash, and the last line, the manifest, holds the head hash. Paths are on the machine
        that runs the console.
      </Typography>
      <Section title="Export the audit log" id="audit-export">
        <ExportForm remember="audit.export" control={control} filters={filters} filterProblem={problem} filterFields={<ExportFilterFields draft={draft} problem={problem} onChange={setDraft} />} />
      </Section>
      <Section title="Verify an export file" id="audit-verify-file">
        <VerifyFileForm control={control} />
      </Section>
      <Section title="Verify the store" id="audit-verify-store">
        <VerifyStoreCard control={control} />
      </Section>
      <Section title="Import an export for review" id="audit-import">
        <ImportForm control={control} />
      </Section>
    </Stack>
  );
}
