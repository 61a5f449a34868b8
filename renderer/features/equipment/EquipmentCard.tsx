/**
 * One equipment's card: status (a word; colour only when down), since when and why, order,
 * every telemetry reading and measurement with its unit and limits, availability; and when
 * it is in alarm, a frame in the highest alarm priority's colour, its alarms, and an
 * Acknowledge button for the unacknowledged ones.
 */
import { Box, Button, Card, CardContent, Chip, Stack, Typography, useTheme } from '@mui/material';
import type { AlarmRule, AlarmState } from '../../../shared/domain/alarms';
import type { EquipmentState, MeasurementState } from '../../../shared/domain/equipment';
import { formatClock, formatDuration, formatRelative } from '../../common/format';
import { BASE_COLOURS, priorityColour, statusTone } from '../../common/palette';
import { formatReading } from '../../common/units';
import { PriorityChip } from '../alarms/alarmLook';
import { alarmUnit, UNACKED_STATES } from '../alarms/alarmSummary';
import { telemetryReadings } from './readings';

function Measurement({ name, m }: { readonly name: string; readonly m: MeasurementState }) {
  const limits = `${m.lowerLimit === null ? '−∞' : formatReading(m.lowerLimit)} … ${m.upperLimit === null ? '+∞' : formatReading(m.upperLimit, m.unit)}`;
  const out = m.isWithinSpec === false;
  return (
    <Stack sx={{ justifyContent: 'space-between' }} direction="row" spacing={1} data-testid="measurement" data-name={name} data-out-of-spec={out}>
      <Typography variant="body2">{name}</Typography>
      <Typography variant="body2" sx={{ fontWeight: out ? 700 : 400, textAlign: 'right' }}>
        {formatReading(m.value, m.unit)}{' '}
        <Typography component="span" variant="caption" color="text.secondary">
          ({limits}){out ? ' out of spec' : ''}
        </Typography>
      </Typography>
    </Stack>
  );
}

export interface EquipmentCardProps {
  readonly state: EquipmentState;
  /** Its annunciated alarms, highest priority first (empty when none, or while time travelling). */
  readonly alarms: readonly AlarmState[];
  readonly rules: ReadonlyMap<string, AlarmRule>;
  readonly now: number;
  readonly onAcknowledge: (alarmIds: string[]) => void;
}

export function EquipmentCard({ state, alarms, rules, now, onAcknowledge }: EquipmentCardProps) {
  const mode = useTheme().palette.mode;
  const tone = statusTone(state.status);
  const worst = alarms[0];
  const frame = worst ? priorityColour(worst.priority, mode).main : tone === 'abnormal' ? BASE_COLOURS[mode].abnormal : 'divider';
  const unacked = alarms.filter((a) => UNACKED_STATES.has(a.state)).map((a) => a.alarmId);
  const ratio = state.availability?.ratio;
  const measurements = Object.entries(state.lastMeasurements ?? {});
  const readings = telemetryReadings(state);
  return (
    <Card
      variant="outlined"
      data-testid="equipment-card"
      data-equipment-id={state.equipmentId ?? ''}
      data-status={state.status}
      data-alarm-priority={worst?.priority ?? ''}
      sx={{ borderLeft: 6, borderLeftColor: frame, ...(worst ? { outline: 2, outlineColor: frame, outlineStyle: 'solid' } : {}) }}
    >
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        <Stack sx={{ alignItems: 'center', justifyContent: 'space-between' }} direction="row">
          <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 700 }}>
            {state.equipmentId ?? '(unnamed)'}
          </Typography>
          <Chip
            size="small"
            variant={tone === 'quiet' ? 'outlined' : 'filled'}
            label={state.status}
            sx={tone === 'abnormal' ? { bgcolor: BASE_COLOURS[mode].abnormal, color: mode === 'dark' ? '#000' : '#fff', fontWeight: 700 } : undefined}
            data-testid="equipment-status"
          />
        </Stack>
        <Typography variant="body2" color="text.secondary" data-testid="equipment-since">
          since {state.statusSince === null ? '—' : `${formatClock(state.statusSince, true)} (${formatRelative(state.statusSince, now)})`}
        </Typography>
        {alarms.length > 0 && (
          <Box sx={{ my: 1 }} data-testid="card-alarms">
            {alarms.map((a) => {
              const unit = alarmUnit(a, rules.get(a.ruleId), state);
              return (
                <Stack key={a.alarmId} direction="row" spacing={1} sx={{ alignItems: 'center', mb: 0.5 }} data-testid="card-alarm" data-alarm-id={a.alarmId} data-state={a.state}>
                  <PriorityChip priority={a.priority} />
                  <Typography variant="body2" sx={{ fontWeight: UNACKED_STATES.has(a.state) ? 700 : 400 }}>
                    {a.ruleName}
                    {a.value !== null ? `: ${formatReading(a.value, unit)}` : ''}
                    {a.limit !== null ? ` (limit ${formatReading(a.limit, unit)})` : ''}
                    {a.raisedAt !== null ? `, for ${formatDuration(now - a.raisedAt)}` : ''}
                    {UNACKED_STATES.has(a.state) ? '' : ', acknowledged'}
                  </Typography>
                </Stack>
              );
            })}
            {unacked.length > 0 && (
              <Button variant="contained" onClick={() => onAcknowledge(unacked)} data-testid="card-acknowledge" aria-label={`Acknowledge ${unacked.length} alarm${unacked.length === 1 ? '' : 's'} on ${state.equipmentId ?? ''}`}>
                Acknowledge {unacked.length > 1 ? `${unacked.length} alarms` : ''}
              </Button>
            )}
          </Box>
        )}
        {state.reason && (
          <Typography variant="body2" data-testid="equipment-reason">
            Reason: {state.reason}
          </Typography>
        )}
        <Typography variant="body2">Order: {state.currentOrderId ?? 'none'}</Typography>
        <Typography variant="body2" data-testid="equipment-availability">
          Availability (shift): {ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)} %`}
        </Typography>
        {readings.length > 0 && (
          <Box sx={{ mt: 1 }} data-testid="telemetry">
            {readings.map((r) => (
              <Stack key={r.name} sx={{ justifyContent: 'space-between' }} direction="row" spacing={1} data-testid="reading" data-name={r.name}>
                <Typography variant="body2">{r.name}</Typography>
                <Typography variant="body2">{formatReading(r.value, r.unit)}</Typography>
              </Stack>
            ))}
          </Box>
        )}
        {measurements.length > 0 && (
          <Box sx={{ mt: 1 }}>
            {measurements.map(([name, m]) => (
              <Measurement key={name} name={name} m={m} />
            ))}
          </Box>
        )}
        {state.outOfSpecCount > 0 && (
          <Typography variant="caption" color="text.secondary">
            {state.outOfSpecCount} out-of-spec measurements
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
