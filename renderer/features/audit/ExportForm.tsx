/**
 * The export form: format, target path (absolute, on the machine running the console), the
 * BOM option for CSV, the filters it will apply, then progress with Cancel, and the result:
 * count, head hash (copyable) and file. A cancelled export leaves no file under the target
 * name (main writes to a temporary file and renames it only when complete).
 */
import { Alert, Box, Button, Checkbox, FormControl, FormControlLabel, FormLabel, Radio, RadioGroup, Stack, Typography } from '@mui/material';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useRemembered } from '../../common/remembered';
import type { ExportResult } from '../../../shared/audit/results';
import { isString, useSetting } from '../../app/settings';
import { formatCount } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { CopyText } from './CopyText';
import { ReplaceFileDialog } from './ReplaceFileDialog';
import { describeFilters, FORMATS, withFormatExtension, type ExportFormatId, type RequestFilters } from './exportRequest';
import { downloadFromHost, exportTargetOnHost, hasHostFiles } from './hostFiles';
import { JobProgress } from './JobProgress';
import { PathField, pathProblemOf, type PathDialog } from './PathField';
import { formatBytes } from './progressText';
import type { AuditJobControl } from './useAuditJob';

type Shown = { readonly kind: 'done'; readonly result: ExportResult } | { readonly kind: 'cancelled'; readonly file: string } | { readonly kind: 'failed'; readonly message: string };

export interface ExportFormProps {
  readonly control: AuditJobControl;
  readonly filters: RequestFilters;
  /** Filters of the source view that an export cannot apply, said before exporting. */
  readonly notApplied?: readonly string[];
  /** Fields to edit the filters, when the form offers them. */
  readonly filterFields?: ReactNode;
  /** Why the filters cannot be used as they are (the Export button waits). */
  readonly filterProblem?: string | null;
  /** Where the form's option and outcome are remembered while the app runs (the Audit view's form), if anywhere. */
  readonly remember?: string;
}

const isFormat = (value: unknown): value is ExportFormatId => FORMATS.some((f) => f.id === value);

/** The Save dialog for this format, suggesting the typed file's name (or audit.<extension>). */
function saveDialogFor(path: string, format: ExportFormatId): PathDialog {
  const extension = FORMATS.find((f) => f.id === format)?.extension.slice(1) ?? format;
  const name = path.trim().split(/[/\\]/).pop() ?? '';
  return { kind: 'save', title: 'Export the audit log', defaultName: name || `audit.${extension}`, extensions: [extension] };
}

export function ExportForm({ control, filters, notApplied = [], filterFields, filterProblem = null, remember }: ExportFormProps) {
  const plant = usePlant();
  const [format, setFormat] = useSetting<ExportFormatId>('audit.exportFormat', 'ndjson', isFormat);
  const [path, savePath] = useSetting('audit.exportPath', '', isString);
  const [bom, setBom] = useRemembered(remember ? `${remember}.bom` : null, false);
  const [shown, setShown] = useRemembered<Shown | null>(remember ? `${remember}.shown` : null, null);
  /** The file that exists already and that the operator is asked to replace. */
  const [replace, setReplace] = useState<string | null>(null);
  // An outcome speaks of the target and format it was for: another choice makes it stale.
  const setPath = (value: string) => {
    savePath(value);
    setShown(null);
  };
  const target = path.trim();
  const pathProblem = pathProblemOf(path);
  const summary = describeFilters(filters);
  const changeFormat = (value: string) => {
    if (!isFormat(value)) return;
    setFormat(value);
    setPath(withFormatExtension(path, value));
  };

  const exportTo = async (overwrite: boolean) => {
    if (!target || pathProblem || filterProblem || control.busy) return;
    setShown(null);
    const withFilters = summary.length > 0 ? { filters } : {};
    const options = { ...(format === 'csv' && bom ? { bom: true } : {}), ...(overwrite ? { overwrite: true } : {}) };
    const outcome = await control.run('export', 'export', () => plant.audit.export({ out: target, format, ...withFilters, ...options }));
    if (outcome.ok) setShown({ kind: 'done', result: outcome.value });
    else if (outcome.code === 'exists' && !overwrite) setReplace(target);
    else setShown(outcome.cancelled ? { kind: 'cancelled', file: target } : { kind: 'failed', message: outcome.message });
  };
  // Browser mode: the host exports into its own folder, then the browser downloads the file.
  const exportAndDownload = async () => {
    if (filterProblem || control.busy) return;
    setShown(null);
    let onHost: { path: string; name: string };
    try {
      onHost = await exportTargetOnHost(format);
    } catch (error) {
      return setShown({ kind: 'failed', message: (error as Error).message });
    }
    const withFilters = summary.length > 0 ? { filters } : {};
    const options = format === 'csv' && bom ? { bom: true } : {};
    const outcome = await control.run('export', 'export', () => plant.audit.export({ out: onHost.path, format, ...withFilters, ...options }));
    if (outcome.ok) {
      downloadFromHost(onHost.name);
      setShown({ kind: 'done', result: { ...outcome.value, file: `${onHost.name} (downloaded by the browser)` } });
    } else setShown(outcome.cancelled ? { kind: 'cancelled', file: onHost.name } : { kind: 'failed', message: outcome.message });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void exportTo(false);
  };

  return (
    <Box component="form" onSubmit={submit} data-testid="export-form" aria-label="Export the audit log">
      <FormControl>
        <FormLabel id="export-format-label">Format</FormLabel>
        <RadioGroup row aria-labelledby="export-format-label" value={format} onChange={(e) => changeFormat(e.target.value)}>
          {FORMATS.map((f) => (
            <FormControlLabel key={f.id} value={f.id} label={f.label} control={<Radio />} data-testid={`export-format-${f.id}`} />
          ))}
        </RadioGroup>
      </FormControl>
      {format === 'csv' && (
        <FormControlLabel
          sx={{ display: 'flex' }}
          label="Start with a byte-order mark (for spreadsheet programs)"
          control={<Checkbox checked={bom} onChange={(e) => setBom(e.target.checked)} />}
          data-testid="export-bom"
        />
      )}
      <PathField label="Target file (absolute path)" value={path} onChange={setPath} help="On the machine that runs the console. The file appears only when the export is complete." testId="export-path" dialog={saveDialogFor(path, format)} />
      {filterFields}
      <Box sx={{ mt: 2 }} data-testid="export-filters">
        <Typography variant="subtitle2" component="p">
          Events exported
        </Typography>
        {summary.length === 0 ? (
          <Typography variant="body2">Every event in the store.</Typography>
        ) : (
          summary.map((line) => (
            <Typography key={line} variant="body2" data-testid="export-filter">
              {line}
            </Typography>
          ))
        )}
        {notApplied.map((line) => (
          <Alert key={line} severity="warning" sx={{ mt: 1 }} data-testid="export-not-applied">
            Not applied to the export: {line}
          </Alert>
        ))}
      </Box>
      <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center' }}>
        <Button type="submit" variant="contained" disabled={!target || pathProblem !== null || filterProblem !== null || control.busy} data-testid="export-run">
          Export
        </Button>
        {hasHostFiles() && (
          <Button variant="outlined" disabled={filterProblem !== null || control.busy} onClick={() => void exportAndDownload()} data-testid="export-download">
            Export and download
          </Button>
        )}
        {control.busy && control.mine?.owner !== 'export' && (
          <Typography variant="body2" color="text.secondary">
            Another audit operation is running; wait for it or cancel it.
          </Typography>
        )}
      </Stack>
      <JobProgress control={control} owner="export" kinds={['export']} />
      {replace !== null && (
        <ReplaceFileDialog
          file={replace}
          onCancel={() => setReplace(null)}
          onReplace={() => {
            setReplace(null);
            void exportTo(true);
          }}
        />
      )}
      {shown?.kind === 'done' && <ExportDone result={shown.result} />}
      {shown?.kind === 'cancelled' && (
        <Alert severity="info" sx={{ mt: 1 }} data-testid="export-cancelled">
          Export cancelled: nothing was written to {shown.file}.
        </Alert>
      )}
      {shown?.kind === 'failed' && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="export-error">
          The export failed: {shown.message}
        </Alert>
      )}
    </Box>
  );
}

function ExportDone({ result }: { readonly result: ExportResult }) {
  return (
    <Alert severity="success" sx={{ mt: 1, '& .MuiAlert-message': { minWidth: 0 } }} data-testid="export-result" data-count={result.count} data-file={result.file}>
      <Typography variant="body2">
        Exported {formatCount(result.count)} event{result.count === 1 ? '' : 's'} ({result.format.toUpperCase()}, {formatBytes(result.bytes)}) to{' '}
        <Box component="span" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="export-result-file">
          {result.file}
        </Box>
      </Typography>
      <Typography variant="body2" component="div">
        Head hash: <CopyText value={result.headHash} label="head hash" testId="export-head-hash" />
      </Typography>
      {result.recordedEventId && (
        <Typography variant="body2" color="text.secondary">
          Recorded as event {result.recordedEventId} (audit.log.exported).
        </Typography>
      )}
    </Alert>
  );
}
