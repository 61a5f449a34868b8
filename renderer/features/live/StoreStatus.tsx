/** The app bar's view of the store: connected or not, how many events, how many restarts. */
import { Tooltip } from '@mui/material';
import { StatusChip } from '../../common/StatusChip';
import { useEffect, useState } from 'react';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { StoredEvent } from '../../../shared/events/event';
import type { WsTransport } from '../../bridge/wsBridge';
import { createFrameBatcher } from '../../common/frameBatcher';

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
    // Between two polls, the newest stored event moves the count on (once a frame at most).
    const batcher = createFrameBatcher<StoredEvent>(({ items }) => {
      const newest = items.reduce((max, e) => Math.max(max, e.seq), 0);
      if (active) setStatus((s) => (s.kind === 'ok' && newest > s.events ? { ...s, events: newest } : s));
    }, 1);
    const unsubscribe = plant.events.subscribe('*', (event) => batcher.push(event), {
      onError: (error) => active && setStatus({ kind: 'error', message: error.message }),
    });
    return () => {
      active = false;
      batcher.dispose();
      unsubscribe();
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
