/** An event-file import's outcome: what was stored, what was skipped, and every bad line with its reason. */
import { Alert, AlertTitle, Box, Typography } from '@mui/material';
import type { ImportReport } from '../../../shared/api/statusTypes';
import { formatCount } from '../../common/format';

const SHOWN_LINES = 200;

export function ImportReportView({ report, file }: { readonly report: ImportReport; readonly file: string | null }) {
  const refused = report.outcome === 'refused';
  const severity = refused ? 'error' : report.invalid > 0 ? 'warning' : 'success';
  return (
    <Alert severity={severity} sx={{ mt: 1, '& .MuiAlert-message': { minWidth: 0, flex: 1 } }} data-testid="events-import-report" data-outcome={report.outcome} data-imported={report.imported} data-invalid={report.invalid}>
      <AlertTitle>{refused ? 'Nothing imported: the file has bad lines' : 'Imported'}</AlertTitle>
      <Typography variant="body2" data-testid="events-import-summary">
        {file ? `${file}: ` : ''}
        {formatCount(report.imported)} event{report.imported === 1 ? '' : 's'} imported, {formatCount(report.skippedDuplicates)} already present (skipped),{' '}
        {formatCount(report.invalid)} bad line{report.invalid === 1 ? '' : 's'} ({report.format.toUpperCase()}, {report.mode === 'valid-only' ? 'only the valid lines' : 'all or nothing'}).
      </Typography>
      {refused && <Typography variant="body2">Correct the lines below, or import again with “Only the valid lines”.</Typography>}
      {report.stoppedEarly && <Typography variant="body2">Reading stopped at the first line that could not be read; the rest of the file was not read.</Typography>}
      {report.errors.length > 0 && (
        <Box component="ol" sx={{ m: 0, mt: 1, pl: 0, listStyle: 'none', maxHeight: 240, overflow: 'auto' }} data-testid="events-import-errors" aria-label="Bad lines">
          {report.errors.slice(0, SHOWN_LINES).map((e) => (
            <Typography component="li" variant="body2" key={`${e.line}:${e.reason}`} sx={{ fontFamily: 'monospace' }} data-testid="events-import-error" data-line={e.line}>
              line {e.line}: {e.reason}
            </Typography>
          ))}
        </Box>
      )}
      {(report.errorsTruncated || report.errors.length > SHOWN_LINES) && (
        <Typography variant="body2" color="text.secondary">
          Only the first {formatCount(Math.min(report.errors.length, SHOWN_LINES))} of {formatCount(report.invalid)} bad lines are listed.
        </Typography>
      )}
    </Alert>
  );
}
