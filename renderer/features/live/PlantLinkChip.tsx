/**
 * The app bar's view of the plant link (issue 14): connected; offline since a time with the
 * events waiting in the outbox; catching up with the messages still to take. Only shown when
 * the station runs with `--plant`. Clicking it opens the Connections view.
 */
import { Tooltip } from '@mui/material';
import { describePlantLink, type PlantLinkState } from '../../../shared/api/plantStatus';
import type { PlantApi } from '../../../shared/api/plantApi';
import { StatusChip, type StatusTone } from '../../common/StatusChip';
import { formatClock } from '../../common/format';
import { useCall } from '../../common/useCall';

const POLL_MS = 2_000;
const TONE: Record<PlantLinkState, StatusTone> = { connected: 'success', 'catching-up': 'info', connecting: 'default', offline: 'warning' };

export function PlantLinkChip({ plant, onOpen }: { readonly plant: PlantApi; readonly onOpen?: () => void }) {
  const metrics = useCall(() => plant.metrics.get(), [plant], POLL_MS);
  const status = metrics.value?.plant;
  if (!status) return null;
  const label = describePlantLink(status, (ms) => formatClock(ms, true));
  return (
    <Tooltip title={status.lastError ? `Last error: ${status.lastError.message}` : `Station ${status.station} on ${status.servers.join(', ')}`}>
      <StatusChip tone={TONE[status.state]} label={label} onClick={onOpen} data-testid="plant-link-state" data-state={status.state} />
    </Tooltip>
  );
}
