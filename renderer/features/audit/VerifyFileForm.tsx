/** Verify an NDJSON export: "intact: N events, head hash H", or the first bad line and why. */
import { Box, Button } from '@mui/material';
import type { FormEvent } from 'react';
import { useRemembered } from '../../common/remembered';
import type { ExportVerdict } from '../../../shared/audit/exportVerifier';
import { usePlant } from '../../common/usePlant';
import { JobProgress } from './JobProgress';
import { JobStopped } from './JobStopped';
import { PathField, pathProblemOf } from './PathField';
import type { AuditJobControl } from './useAuditJob';
import { FileVerdict } from './Verdicts';

type Shown = { readonly kind: 'verdict'; readonly verdict: ExportVerdict } | { readonly kind: 'stopped'; readonly message: string; readonly cancelled: boolean };

export function VerifyFileForm({ control }: { readonly control: AuditJobControl }) {
  const plant = usePlant();
  const [path, savePath] = useRemembered('audit.verify.path', '');
  const [shown, setShown] = useRemembered<Shown | null>('audit.verify.shown', null);
  // A verdict is about the file it was for.
  const setPath = (value: string) => {
    savePath(value);
    setShown(null);
  };
  const target = path.trim();
  const ready = target !== '' && pathProblemOf(target) === null && !control.busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setShown(null);
    const outcome = await control.run('verifyFile', 'verifyFile', () => plant.audit.verifyFile(target));
    setShown(outcome.ok ? { kind: 'verdict', verdict: outcome.value } : { kind: 'stopped', message: outcome.message, cancelled: outcome.cancelled });
  };

  return (
    <Box component="form" onSubmit={(e) => void submit(e)} data-testid="verify-file-form" aria-label="Verify an export file">
      <PathField label="Export file (NDJSON, absolute path)" value={path} onChange={setPath} help="Checks every line's hash chain and the manifest." testId="verify-path" dialog={{ kind: 'open', title: 'Verify an export', extensions: ['ndjson'] }} />
      <Button type="submit" variant="contained" sx={{ mt: 1 }} disabled={!ready} data-testid="verify-file-run">
        Verify the file
      </Button>
      <JobProgress control={control} owner="verifyFile" kinds={['verifyFile']} />
      {shown?.kind === 'verdict' && <FileVerdict verdict={shown.verdict} testId="verify-file-verdict" />}
      {shown?.kind === 'stopped' && <JobStopped stopped={shown} cancelledText="Verification cancelled." failedText="The file could not be verified" testId="verify-file-error" />}
    </Box>
  );
}
