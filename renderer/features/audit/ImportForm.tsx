/**
 * Import an export for review: the file is verified first. A broken chain is refused and
 * shown; only then can the operator tick "accept a broken chain" for that same file, and the
 * import is marked unverified. The result counts imported events and those already present.
 */
import { Alert, AlertTitle, Box, Button, Checkbox, FormControlLabel, Typography } from '@mui/material';
import type { FormEvent } from 'react';
import { useRemembered } from '../../common/remembered';
import type { ExportVerdict } from '../../../shared/audit/exportVerifier';
import type { AuditImportResult } from '../../../shared/audit/results';
import { formatCount } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { JobProgress } from './JobProgress';
import { JobStopped } from './JobStopped';
import { PathField, pathProblemOf } from './PathField';
import type { AuditJobControl } from './useAuditJob';
import { FileVerdict } from './Verdicts';

type Shown =
  | { readonly kind: 'refused'; readonly verdict: ExportVerdict }
  | { readonly kind: 'done'; readonly result: AuditImportResult }
  | { readonly kind: 'stopped'; readonly message: string; readonly cancelled: boolean };

const OWNER = 'import';

export function ImportForm({ control }: { readonly control: AuditJobControl }) {
  const plant = usePlant();
  const [path, savePath] = useRemembered('audit.import.path', '');
  const [accept, setAccept] = useRemembered('audit.import.accept', false);
  const [brokenFor, setBrokenFor] = useRemembered<string | null>('audit.import.brokenFor', null);
  const [shown, setShown] = useRemembered<Shown | null>('audit.import.shown', null);
  // An outcome is about the file it was for.
  const setPath = (value: string) => {
    savePath(value);
    setShown(null);
  };
  const target = path.trim();
  const mayAccept = brokenFor !== null && brokenFor === target;
  const acceptBroken = accept && mayAccept;
  const ready = target !== '' && pathProblemOf(target) === null && !control.busy;

  const stopped = (outcome: { message: string; cancelled: boolean }) => setShown({ kind: 'stopped', message: outcome.message, cancelled: outcome.cancelled });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setShown(null);
    if (!acceptBroken) {
      const checked = await control.run(OWNER, 'verifyFile', () => plant.audit.verifyFile(target));
      if (!checked.ok) return stopped(checked);
      if (!checked.value.ok) {
        setBrokenFor(target);
        setAccept(false);
        return setShown({ kind: 'refused', verdict: checked.value });
      }
    }
    const imported = await control.run(OWNER, 'import', () => plant.audit.import({ path: target, ...(acceptBroken ? { acceptBroken: true } : {}) }));
    if (!imported.ok) return stopped(imported);
    setShown({ kind: 'done', result: imported.value });
  };

  return (
    <Box component="form" onSubmit={(e) => void submit(e)} data-testid="import-form" aria-label="Import an export">
      <PathField label="Export file to import (NDJSON, absolute path)" value={path} onChange={setPath} help="Verified first; events keep their ids and those already stored are skipped." testId="import-path" dialog={{ kind: 'open', title: 'Import an export', extensions: ['ndjson'] }} />
      <FormControlLabel
        sx={{ display: 'flex', mt: 1 }}
        disabled={!mayAccept}
        label={mayAccept ? 'Accept a broken chain: import the readable events, marked as unverified' : 'Accept a broken chain (offered only after this file failed verification)'}
        control={<Checkbox checked={acceptBroken} onChange={(e) => setAccept(e.target.checked)} />}
        data-testid="import-accept-broken"
      />
      <Button type="submit" variant="contained" color={acceptBroken ? 'warning' : 'primary'} disabled={!ready} data-testid="import-run">
        {acceptBroken ? 'Import unverified' : 'Verify and import'}
      </Button>
      <JobProgress control={control} owner={OWNER} kinds={['import']} />
      {shown?.kind === 'refused' && (
        <>
          <FileVerdict verdict={shown.verdict} testId="import-verdict" />
          <Alert severity="warning" sx={{ mt: 1 }} data-testid="import-refused">
            Not imported: the file does not verify. Tick “Accept a broken chain” to import it anyway, marked as unverified.
          </Alert>
        </>
      )}
      {shown?.kind === 'done' && <ImportDone result={shown.result} />}
      {shown?.kind === 'stopped' && <JobStopped stopped={shown} cancelledText="Import cancelled." failedText="The import failed" testId="import-error" />}
    </Box>
  );
}

function ImportDone({ result }: { readonly result: AuditImportResult }) {
  const { report } = result;
  const refused = report.outcome === 'refused';
  return (
    <Alert
      severity={refused ? 'error' : result.verified ? 'success' : 'warning'}
      sx={{ mt: 1 }}
      data-testid="import-result"
      data-imported={report.imported}
      data-skipped={report.skippedDuplicates}
      data-verified={String(result.verified)}
    >
      <AlertTitle>{refused ? 'Nothing imported' : result.verified ? 'Imported, verified' : 'Imported, UNVERIFIED'}</AlertTitle>
      <Typography variant="body2" data-testid="import-result-text">
        {formatCount(report.imported)} imported, {formatCount(report.skippedDuplicates)} already present (skipped), {formatCount(report.invalid)} invalid line{report.invalid === 1 ? '' : 's'}.
      </Typography>
      {!result.verified && (
        <Typography variant="body2">The chain was broken: each imported event is marked unverified in its metadata (auditImport.verified = false).</Typography>
      )}
      {report.errors.slice(0, 5).map((e) => (
        <Typography key={`${e.line}:${e.reason}`} variant="body2" color="text.secondary">
          line {e.line}: {e.reason}
        </Typography>
      ))}
    </Alert>
  );
}
