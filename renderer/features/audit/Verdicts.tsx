/**
 * Verification outcomes: an intact file or store reads "intact: N events, head hash H"; a
 * broken one is marked as an error and names the first bad line (or event) and why.
 */
import { Alert, AlertTitle, Typography } from '@mui/material';
import type { ExportVerdict } from '../../../shared/audit/exportVerifier';
import type { ChainVerdict } from '../../../shared/audit/storeChain';
import { formatCount } from '../../common/format';
import { CopyText } from './CopyText';

function IntactVerdict({ events, headHash, hashLabel, testId }: { readonly events: number; readonly headHash: string; readonly hashLabel: string; readonly testId: string }) {
  return (
    <Alert severity="success" data-testid={testId} data-ok="true" data-events={events} sx={{ mt: 1, '& .MuiAlert-message': { minWidth: 0 } }}>
      <AlertTitle>Intact</AlertTitle>
      <Typography variant="body2" data-testid={`${testId}-text`}>
        intact: {events} events, head hash {headHash}
      </Typography>
      <CopyText value={headHash} label={hashLabel} testId={`${testId}-hash`} />
    </Alert>
  );
}

export function FileVerdict({ verdict, testId }: { readonly verdict: ExportVerdict; readonly testId: string }) {
  if (verdict.ok) return <IntactVerdict events={verdict.events} headHash={verdict.headHash} hashLabel="head hash" testId={testId} />;
  return (
    <Alert severity="error" data-testid={testId} data-ok="false" data-line={verdict.line} sx={{ mt: 1 }}>
      <AlertTitle>Broken at line {formatCount(verdict.line)}</AlertTitle>
      <Typography variant="body2" data-testid={`${testId}-text`}>
        line {verdict.line}: {verdict.reason}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {formatCount(verdict.events)} event line{verdict.events === 1 ? '' : 's'} before it are intact; nothing from this line on can be trusted.
      </Typography>
    </Alert>
  );
}

export function StoreVerdict({ verdict, testId }: { readonly verdict: ChainVerdict; readonly testId: string }) {
  if (verdict.ok) return <IntactVerdict events={verdict.events} headHash={verdict.headHash} hashLabel="store head hash" testId={testId} />;
  return (
    <Alert severity="error" data-testid={testId} data-ok="false" data-seq={verdict.seq} sx={{ mt: 1 }}>
      <AlertTitle>Broken at event #{verdict.seq}</AlertTitle>
      <Typography variant="body2" data-testid={`${testId}-text`}>
        event #{verdict.seq}
        {verdict.eventId ? ` (${verdict.eventId})` : ''}: {verdict.reason}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {formatCount(verdict.events)} event{verdict.events === 1 ? '' : 's'} before it are intact.
      </Typography>
    </Alert>
  );
}
