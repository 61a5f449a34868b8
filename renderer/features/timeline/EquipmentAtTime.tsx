/** An equipment's state rebuilt at an event's time (`equipment.stateAt`), shown on request. */
import { Alert, Box, Button, LinearProgress, Typography } from '@mui/material';
import { useState } from 'react';
import type { EquipmentState } from '../../../shared/domain/equipment';
import { errorMessage, formatTime } from '../../common/format';
import { usePlant } from '../../common/usePlant';

type Load = { readonly kind: 'idle' } | { readonly kind: 'loading' } | { readonly kind: 'done'; readonly state: EquipmentState } | { readonly kind: 'error'; readonly message: string };

export function EquipmentAtTime({ equipmentId, at }: { readonly equipmentId: string; readonly at: number }) {
  const plant = usePlant();
  const [load, setLoad] = useState<Load>({ kind: 'idle' });
  const show = () => {
    setLoad({ kind: 'loading' });
    plant.equipment.stateAt(equipmentId, at).then(
      (state) => setLoad({ kind: 'done', state }),
      (error: unknown) => setLoad({ kind: 'error', message: errorMessage(error) }),
    );
  };
  return (
    <Box data-testid="equipment-at-time">
      <Typography variant="subtitle2" component="h3">
        Equipment {equipmentId} at {formatTime(at)}
      </Typography>
      {load.kind === 'idle' && (
        <Button onClick={show} data-testid="show-equipment-state">
          Show its state at this moment
        </Button>
      )}
      {load.kind === 'loading' && <LinearProgress aria-label="Rebuilding the equipment's state" />}
      {load.kind === 'error' && <Alert severity="error">{load.message}</Alert>}
      {load.kind === 'done' && (
        <Box component="dl" data-testid="equipment-state" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, '& dt': { color: 'text.secondary' }, '& dd': { m: 0 } }}>
          <dt>Status</dt>
          <dd>{load.state.status}</dd>
          <dt>Since</dt>
          <dd>{formatTime(load.state.statusSince)}</dd>
          <dt>Reason</dt>
          <dd>{load.state.reason ?? '—'}</dd>
          <dt>Order</dt>
          <dd>{load.state.currentOrderId ?? '—'}</dd>
          <dt>Events folded</dt>
          <dd>{load.state.eventCount}</dd>
        </Box>
      )}
    </Box>
  );
}
