/** The Connections view's row for the plant link: this station, its servers and stream, the state in words, counts and the last error. */
import { Alert, Stack, Typography } from '@mui/material';
import { describePlantLink, type PlantLinkStatus } from '../../../shared/api/plantStatus';
import { formatClock, formatCount, formatTimeWithZone } from '../../common/format';

export function PlantLinkCard({ status }: { readonly status: PlantLinkStatus }) {
  return (
    <Stack spacing={1} data-testid="plant-link-card">
      <Typography data-testid="plant-link-words">{describePlantLink(status, (ms) => formatClock(ms, true))}</Typography>
      <Typography variant="body2" color="text.secondary">
        Station <strong>{status.station}</strong> · stream {status.stream} · {status.servers.join(', ')}
      </Typography>
      <Typography variant="body2">
        {formatCount(status.published)} sent · {formatCount(status.received)} received · {formatCount(status.waiting)} waiting to be sent · {formatCount(status.behind)} still to take ·{' '}
        {formatCount(status.rejected)} rejected (kept as plant.message.rejected)
      </Typography>
      {status.lastError && (
        <Alert severity={status.state === 'offline' ? 'warning' : 'info'} data-testid="plant-link-error">
          {formatTimeWithZone(status.lastError.at)}: {status.lastError.message}
        </Alert>
      )}
    </Stack>
  );
}
