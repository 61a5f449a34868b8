/** The MQTT connection as it is now: state, broker, since when, subscriptions, and the last error with its time. */
import { Alert, Box, Typography } from '@mui/material';
import type { MqttState } from '../../../shared/api/contractOps';
import { StatusChip } from '../../common/StatusChip';
import { formatTime } from '../../common/format';

const TONE = { connected: 'success', connecting: 'info', disconnected: 'warning', error: 'error' } as const;

export function MqttStatusCard({ state, error }: { readonly state: MqttState | undefined; readonly error: string | null }) {
  if (error) {
    return (
      <Alert severity="error" data-testid="mqtt-status-error">
        The connection status could not be read: {error}
      </Alert>
    );
  }
  const status = state?.status ?? null;
  if (!status) {
    return (
      <Typography variant="body2" data-testid="mqtt-status" data-state="off">
        No broker configured: nothing is read from MQTT. Fill in the broker below and save.
      </Typography>
    );
  }
  return (
    <Box data-testid="mqtt-status" data-state={status.state}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <StatusChip tone={TONE[status.state]} label={status.state} data-testid="mqtt-state" />
        <Typography variant="body2">
          {status.broker} since {formatTime(status.since)}
          {status.attempt > 0 ? `, attempt ${status.attempt}` : ''}
        </Typography>
      </Box>
      {status.reason && (
        <Typography variant="body2" sx={{ mt: 1 }} data-testid="mqtt-reason">
          {status.reason}
        </Typography>
      )}
      <Typography variant="body2" sx={{ mt: 1 }} color="text.secondary">
        Topic filters: {status.topics.join(', ')} ({status.subscribed ? 'subscribed' : 'not subscribed yet'})
      </Typography>
      {status.lastError && (
        <Alert severity={status.state === 'connected' ? 'info' : 'error'} sx={{ mt: 1 }} data-testid="mqtt-last-error">
          Last error at {formatTime(status.lastError.at)}: {status.lastError.message}
        </Alert>
      )}
    </Box>
  );
}
