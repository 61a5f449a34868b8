/**
 * The Import view: NDJSON or CSV files of events (not audit exports, which the Audit view
 * imports with their chain) into the store. All or nothing by default, or only the valid
 * lines; progress with Cancel while it runs; then the report naming every bad line. The
 * last import's outcome is main's, so it is still shown when the operator comes back.
 */
import { Alert, Box, Button, FormControl, FormControlLabel, FormLabel, LinearProgress, Radio, RadioGroup, Stack, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import type { ImportMode } from '../../../shared/api/statusTypes';
import { isString, useSetting } from '../../app/settings';
import { errorMessage, formatCount } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import { PathField, pathProblemOf } from '../audit/PathField';
import { ImportReportView } from './ImportReportView';

type Format = 'auto' | 'ndjson' | 'csv';
const isFormat = (v: unknown): v is Format => v === 'auto' || v === 'ndjson' || v === 'csv';
const isMode = (v: unknown): v is ImportMode => v === 'all-or-nothing' || v === 'valid-only';

export function ImportEventsView() {
  const plant = usePlant();
  const [path, setPath] = useSetting('import.path', '', isString);
  const [format, setFormat] = useSetting<Format>('import.format', 'auto', isFormat);
  const [mode, setMode] = useSetting<ImportMode>('import.mode', 'all-or-nothing', isMode);
  const [failure, setFailure] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const status = useCall(() => plant.import.status(), [plant], starting ? 250 : 2_000);
  const job = status.value;
  const running = starting || job?.running === true;
  const target = path.trim();
  const ready = target !== '' && pathProblemOf(target) === null && !running;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    setFailure(null);
    setStarting(true);
    try {
      await plant.import.start({ path: target, mode, ...(format === 'auto' ? {} : { format }) });
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setStarting(false);
      status.reload();
    }
  };

  const progress = job?.running ? job.progress : null;
  const percent = progress && progress.totalBytes > 0 ? Math.min(100, (100 * progress.bytesRead) / progress.totalBytes) : null;
  return (
    <Stack spacing={2} data-testid="events-import" sx={{ pb: 4 }}>
      <Typography variant="h5" component="h2">
        Import event files
      </Typography>
      <Typography variant="body2" color="text.secondary">
        NDJSON (one event per line) or CSV files of events from another system. Events keep their ids; those already stored are skipped. To import an audit export
        with its hash chain, use the Audit view.
      </Typography>
      <Box component="form" onSubmit={(e) => void submit(e)} aria-label="Import an event file" data-testid="events-import-form">
        <PathField
          label="Event file (absolute path)"
          value={path}
          onChange={setPath}
          help="On the machine that runs the console; .ndjson, .jsonl or .csv."
          testId="events-import-path"
          dialog={{ kind: 'open', title: 'Import an event file', extensions: ['ndjson', 'jsonl', 'json', 'csv'] }}
        />
        <Stack direction="row" spacing={4} sx={{ mt: 2 }}>
          <FormControl>
            <FormLabel id="events-import-format">Format</FormLabel>
            <RadioGroup row aria-labelledby="events-import-format" value={format} onChange={(e) => isFormat(e.target.value) && setFormat(e.target.value)}>
              <FormControlLabel value="auto" label="From the file name" control={<Radio />} />
              <FormControlLabel value="ndjson" label="NDJSON" control={<Radio />} data-testid="events-import-format-ndjson" />
              <FormControlLabel value="csv" label="CSV" control={<Radio />} data-testid="events-import-format-csv" />
            </RadioGroup>
          </FormControl>
          <FormControl>
            <FormLabel id="events-import-mode">When some lines are bad</FormLabel>
            <RadioGroup row aria-labelledby="events-import-mode" value={mode} onChange={(e) => isMode(e.target.value) && setMode(e.target.value)}>
              <FormControlLabel value="all-or-nothing" label="Import nothing" control={<Radio />} data-testid="events-import-mode-all" />
              <FormControlLabel value="valid-only" label="Only the valid lines" control={<Radio />} data-testid="events-import-mode-valid" />
            </RadioGroup>
          </FormControl>
        </Stack>
        <Stack direction="row" spacing={2} sx={{ mt: 2 }}>
          <Button type="submit" variant="contained" disabled={!ready} data-testid="events-import-run">
            Import
          </Button>
          <Button color="warning" variant="outlined" disabled={!job?.running} onClick={() => void plant.import.cancel().finally(status.reload)} data-testid="events-import-cancel">
            Cancel
          </Button>
        </Stack>
      </Box>
      {running && (
        <Box data-testid="events-import-progress">
          {percent === null ? <LinearProgress aria-label="Import progress" /> : <LinearProgress variant="determinate" value={percent} aria-label="Import progress" />}
          {progress && (
            <Typography variant="body2" aria-live="polite">
              {progress.phase === 'validating' ? 'Checking every line' : 'Importing'}: {formatCount(progress.records)} lines read, {formatCount(progress.imported)} imported,{' '}
              {formatCount(progress.invalid)} bad.
            </Typography>
          )}
        </Box>
      )}
      {failure && (
        <Alert severity="error" data-testid="events-import-error-message">
          The import failed: {failure}
        </Alert>
      )}
      {!running && !failure && job?.error && (
        <Alert severity="error" data-testid="events-import-error-message">
          The last import ({job.file}) failed: {job.error}
        </Alert>
      )}
      {!running && job?.report && <ImportReportView report={job.report} file={job.file} />}
    </Stack>
  );
}
