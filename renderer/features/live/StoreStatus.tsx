/** The app bar's view of the store: connected or not, how many events, how many restarts. */
import { Tooltip } from '@mui/material';
import { StatusChip } from '../../common/StatusChip';
import { useEffect, useState } from 'react';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { WsTransport } from '../../bridge/wsBridge';

/**
 * The count moves on once a second. Not with each event as it arrives: that subscription
 * brought every event to every window (2,000 a second from a busy plant) for a number in the
 * app bar, and cost a window that shows no events (the equipment board) most of its CPU.
 */
const POLL_MS = 1000;

type Status =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly connected: boolean; readonly events: number; readonly restarts: number }
  | { readonly kind: 'error'; readonly message: string };

export function StoreStatus({ plant, transport }: { readonly plant: PlantApi; readonly transport: WsTransport | null }) {
  const [status, setStatus] = useState<Status>({ kind: 'loading' });

  useEffect(() => {
    let active = true;
    const poll = () =>
      plant.metrics.get().then(
        (m) => active && setStatus({ kind: 'ok', connected: m.store.connected, events: m.store.headSeq, restarts: m.store.restarts }),
        (error: Error) => active && setStatus({ kind: 'error', message: error.message }),
      );
    void poll();
    const timer = setInterval(poll, POLL_MS);
    const stopWatching = transport?.onState((state) => state === 'open' && void poll());
    return () => {
      active = false;
      stopWatching?.();
      clearInterval(timer);
    };
  }, [plant, transport]);

  if (status.kind === 'loading') return <StatusChip tone="default" label="Store: connecting…" data-testid="store-state" data-state="loading" />;
  if (status.kind === 'error') {
    return (
      <Tooltip title={status.message}>
        <StatusChip tone="error" label="Host unreachable" data-testid="store-state" data-state="error" />
      </Tooltip>
    );
  }
  const restarts = status.restarts > 0 ? ` · ${status.restarts} restarts` : '';
  return status.connected ? (
    <StatusChip tone="success" label={`Store connected · ${status.events} events${restarts}`} data-testid="store-state" data-state="connected" />
  ) : (
    <StatusChip tone="warning" label={`Store reconnecting…${restarts}`} data-testid="store-state" data-state="reconnecting" />
  );
}
