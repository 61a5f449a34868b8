/** One equipment's card: status (colour and word), since when and why, order, measurements against limits, availability. */
import { Box, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import type { EquipmentState, MeasurementState } from '../../../shared/domain/equipment';
import { formatTime } from '../../common/format';
import { statusColor } from './lines';

function Measurement({ name, m }: { readonly name: string; readonly m: MeasurementState }) {
  const limits = `${m.lowerLimit ?? '−∞'} … ${m.upperLimit ?? '+∞'}`;
  const out = m.isWithinSpec === false;
  return (
    <Stack sx={{ justifyContent: 'space-between' }} direction="row" data-testid="measurement" data-out-of-spec={out}>
      <Typography variant="body2">{name}</Typography>
      <Typography variant="body2" sx={{ fontWeight: out ? 700 : 400, color: out ? 'error.main' : 'text.primary' }}>
        {Number(m.value.toFixed(4))} <Typography component="span" variant="caption" color="text.secondary">({limits}){out ? ' out of spec' : ''}</Typography>
      </Typography>
    </Stack>
  );
}

export function EquipmentCard({ state }: { readonly state: EquipmentState }) {
  const color = statusColor(state.status);
  const ratio = state.availability?.ratio;
  const measurements = Object.entries(state.lastMeasurements ?? {});
  return (
    <Card variant="outlined" data-testid="equipment-card" data-equipment-id={state.equipmentId ?? ''} data-status={state.status} sx={{ borderLeft: 6, borderLeftColor: color === 'default' ? 'divider' : `${color}.main` }}>
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack sx={{ alignItems: 'center', justifyContent: 'space-between' }} direction="row">
          <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 700 }}>
            {state.equipmentId ?? '(unnamed)'}
          </Typography>
          <Chip size="small" color={color} label={state.status} data-testid="equipment-status" />
        </Stack>
        <Typography variant="body2" color="text.secondary">
          since {formatTime(state.statusSince)}
        </Typography>
        {state.reason && (
          <Typography variant="body2" data-testid="equipment-reason">
            Reason: {state.reason}
          </Typography>
        )}
        <Typography variant="body2">Order: {state.currentOrderId ?? 'none'}</Typography>
        <Typography variant="body2" data-testid="equipment-availability">
          Availability (shift): {ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`}
        </Typography>
        {measurements.length > 0 && (
          <Box sx={{ mt: 1 }}>
            {measurements.map(([name, m]) => (
              <Measurement key={name} name={name} m={m} />
            ))}
          </Box>
        )}
        {state.outOfSpecCount > 0 && (
          <Typography variant="caption" color="error.main">
            {state.outOfSpecCount} out-of-spec measurements
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
