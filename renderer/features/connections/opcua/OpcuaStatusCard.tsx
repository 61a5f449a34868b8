/**
 * The OPC UA connection as it is now: state, endpoint, items monitored, the last error, and,
 * when the server's certificate is not trusted yet, a button that opens the trust dialog.
 */
import { Alert, Box, Button, Typography } from '@mui/material';
import type { OpcuaState } from '../../../../shared/api/opcuaTypes';
import { StatusChip } from '../../../common/StatusChip';
import { formatTime } from '../../../common/format';

const TONE = { connected: 'success', connecting: 'info', disconnected: 'warning', error: 'error' } as const;

export function OpcuaStatusCard({ state, error, onReviewCertificate }: { readonly state: OpcuaState | undefined; readonly error: string | null; readonly onReviewCertificate: () => void }) {
  if (error) {
    return (
      <Alert severity="error" data-testid="opcua-status-error">
        The OPC UA status could not be read: {error}
      </Alert>
    );
  }
  const status = state?.status ?? null;
  const own = state?.clientCertificate ?? null;
  if (!status) {
    return (
      <Typography variant="body2" data-testid="opcua-status" data-state="off">
        No OPC UA server configured. Fill in the endpoint below and save.
      </Typography>
    );
  }
  const metrics = state?.metrics;
  return (
    <Box data-testid="opcua-status" data-state={status.state}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <StatusChip tone={TONE[status.state]} label={status.state} data-testid="opcua-state" />
        <Typography variant="body2">
          {status.endpointUrl} ({status.securityMode}) since {formatTime(status.since)}
          {status.attempt > 0 ? `, attempt ${status.attempt}` : ''}
        </Typography>
      </Box>
      {status.reason && (
        <Typography variant="body2" sx={{ mt: 1 }} data-testid="opcua-reason">
          {status.reason}
        </Typography>
      )}
      <Typography variant="body2" sx={{ mt: 1 }} color="text.secondary" data-testid="opcua-counts">
        {status.monitored} of {status.items} items monitored in {status.subscriptions} subscription{status.subscriptions === 1 ? '' : 's'}
        {metrics ? `; ${metrics.received} values received, ${metrics.bad} Bad, ${metrics.rejected} rejected` : ''}
      </Typography>
      {status.untrustedCertificate && (
        <Alert severity="warning" sx={{ mt: 1 }} action={<Button onClick={onReviewCertificate} data-testid="opcua-review-certificate">Review certificate</Button>}>
          The server presented a certificate this console does not trust yet. Nothing is read until you trust it.
        </Alert>
      )}
      {status.lastError && status.state === 'connected' && (
        <Alert severity="info" sx={{ mt: 1 }} data-testid="opcua-last-error">
          Last error at {formatTime(status.lastError.at)}: {status.lastError.message}
        </Alert>
      )}
      {own && (
        <Typography variant="caption" component="p" sx={{ mt: 1 }} color="text.secondary" data-testid="opcua-own-certificate">
          This console's certificate (to trust on the server for Sign and SignAndEncrypt): SHA-256 {own.sha256}
        </Typography>
      )}
    </Box>
  );
}
