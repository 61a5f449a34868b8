/** The app bar's view of the store: connected or not, how many events, how many restarts. */
import { Chip, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { WsTransport } from '../../bridge/wsBridge';

const POLL_MS = 2000;

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
    // Between two polls, the newest stored event moves the count on.
    const unsubscribe = plant.events.subscribe('*', (event) => {
      if (active) setStatus((s) => (s.kind === 'ok' && event.seq > s.events ? { ...s, events: event.seq } : s));
    });
    return () => {
      active = false;
      unsubscribe();
      stopWatching?.();
      clearInterval(timer);
    };
  }, [plant, transport]);

  if (status.kind === 'loading') return <Chip label="Store: connecting…" data-testid="store-state" data-state="loading" />;
  if (status.kind === 'error') {
    return (
      <Tooltip title={status.message}>
        <Chip color="error" label="Host unreachable" data-testid="store-state" data-state="error" />
      </Tooltip>
    );
  }
  const restarts = status.restarts > 0 ? ` · ${status.restarts} restarts` : '';
  return status.connected ? (
    <Chip color="success" label={`Store connected · ${status.events} events${restarts}`} data-testid="store-state" data-state="connected" />
  ) : (
    <Chip color="warning" label={`Store reconnecting…${restarts}`} data-testid="store-state" data-state="reconnecting" />
  );
}
