/** The running audit operation's progress bar, its counts, and a Cancel button; shown in the section that runs it. */
import { Box, Button, LinearProgress, Stack, Typography } from '@mui/material';
import { describeProgress } from './progressText';
import type { AuditJobControl, AuditKind } from './useAuditJob';

const LABELS: Record<AuditKind, string> = { export: 'Export', verifyFile: 'File verification', verifyStore: 'Store verification', import: 'Import' };

export interface JobProgressProps {
  readonly control: AuditJobControl;
  /** The section showing it: it shows the operations this section started, */
  readonly owner: string;
  /** and those of these kinds started elsewhere (another window on the same console). */
  readonly kinds: readonly AuditKind[];
}

export function JobProgress({ control, owner, kinds }: JobProgressProps) {
  const { job, mine } = control;
  const ours = mine?.owner === owner;
  const foreign = mine === null && job?.running === true && job.kind !== null && kinds.includes(job.kind);
  if (!ours && !foreign) return null;
  const kind = ours ? mine.kind : (job?.kind as AuditKind);
  const running = job?.running === true && job.kind === kind;
  const view = describeProgress(kind, running ? job.progress : null);
  const label = `${LABELS[kind]} progress`;
  return (
    <Box sx={{ my: 1 }} data-testid="job-progress" data-kind={kind}>
      {foreign && (
        <Typography variant="body2" color="text.secondary">
          {LABELS[kind]} started elsewhere on this console: {job?.target}
        </Typography>
      )}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        {view.percent === null ? (
          <LinearProgress key="indeterminate" sx={{ flex: 1 }} aria-label={label} />
        ) : (
          <LinearProgress key="determinate" sx={{ flex: 1 }} variant="determinate" value={view.percent} aria-label={label} />
        )}
        <Button color="warning" variant="outlined" onClick={control.cancel} disabled={!running && !ours} data-testid="job-cancel">
          Cancel
        </Button>
      </Stack>
      <Typography variant="body2" aria-live="polite" data-testid="job-progress-text">
        {view.text}
      </Typography>
    </Box>
  );
}
