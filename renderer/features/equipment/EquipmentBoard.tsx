/**
 * The equipment board: cards grouped by line, live or at a chosen time, and compare mode.
 * Live, cards in alarm carry their alarms and acknowledge them; at a chosen time the board
 * says in a banner and a different frame that it is not live.
 */
import { Alert, Box, Button, LinearProgress, Stack, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import type { AlarmRule } from '../../../shared/domain/alarms';
import { useShortcut } from '../../app/ShortcutsProvider';
import { EmptyState } from '../../common/EmptyState';
import { formatTimeWithZone } from '../../common/format';
import { useCall } from '../../common/useCall';
import { useNow } from '../../common/useNow';
import { usePlant } from '../../common/usePlant';
import { alarmsByEquipment } from '../alarms/alarmSummary';
import { useAlarmList } from '../alarms/AlarmsProvider';
import { useAcknowledge } from '../alarms/useAcknowledge';
import { ComparePanel } from './ComparePanel';
import { EquipmentCard } from './EquipmentCard';
import { groupByLine } from './lines';
import { TimeScrubber } from './TimeScrubber';
import { useBoard } from './useBoard';

const RULES_REFRESH_MS = 30_000;

export function EquipmentBoard() {
  const plant = usePlant();
  const board = useBoard(plant);
  const alarmList = useAlarmList();
  const rules = useCall(() => plant.rules.list(), [plant], RULES_REFRESH_MS);
  const rulesById = useMemo(() => new Map<string, AlarmRule>((rules.value ?? []).map((r) => [r.id, r])), [rules.value]);
  const byEquipment = useMemo(() => alarmsByEquipment(alarmList.alarms ?? []), [alarmList.alarms]);
  const ack = useAcknowledge(alarmList.reload);
  const now = useNow();
  const [comparing, setComparing] = useState(false);
  useShortcut('equipment.compare', () => setComparing((c) => !c));
  useShortcut('equipment.now', board.backToNow);
  const groups = groupByLine(board.states, board.lines);
  const ids = board.states.map((s) => s.equipmentId).filter((id): id is string => id !== null);
  const travelling = board.travel.kind !== 'live';
  const shownAt = board.travel.kind === 'live' ? null : board.travel.at;

  return (
    <Box
      data-testid="equipment-board"
      data-live={!travelling}
      sx={travelling ? { outline: 4, outlineStyle: 'dashed', outlineColor: 'text.secondary', outlineOffset: 4, p: 1, bgcolor: 'action.hover' } : undefined}
    >
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Equipment
        </Typography>
        <Button variant={comparing ? 'contained' : 'outlined'} onClick={() => setComparing((c) => !c)} data-testid="compare-toggle">
          Compare (c)
        </Button>
      </Stack>
      {shownAt !== null && (
        <Alert
          severity="info"
          variant="filled"
          sx={{ mb: 2, bgcolor: 'text.primary', color: 'background.paper' }}
          data-testid="travel-banner"
          action={
            <Button color="inherit" onClick={board.backToNow} data-testid="travel-banner-now">
              Back to live (n)
            </Button>
          }
        >
          Not live: the board shows the plant as it was at {formatTimeWithZone(shownAt)}. Alarms are not shown while travelling in time.
        </Alert>
      )}
      <TimeScrubber travel={board.travel} onTravel={board.travelTo} onCancel={board.cancel} onNow={board.backToNow} />
      {comparing && <ComparePanel equipmentIds={ids} />}
      {board.error && <Alert severity="error" sx={{ mb: 2 }} data-testid="board-error">{board.error}</Alert>}
      {board.loading && <LinearProgress aria-label="Reading the equipment" />}
      {!board.loading && board.states.length === 0 && (
        <EmptyState title="No equipment known yet.">
          Equipment appears when events name it (payload.equipmentId): start the simulator, connect an MQTT broker or import a file of events.
        </EmptyState>
      )}
      {groups.map((group) => (
        <Box key={group.lineId} component="section" aria-label={`Line ${group.lineId}`} sx={{ mb: 3 }} data-testid="line-group" data-line-id={group.lineId}>
          <Typography variant="h6" component="h3" gutterBottom>
            {group.lineId}
          </Typography>
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: 2 }}>
            {group.states.map((state) => (
              <EquipmentCard
                key={state.equipmentId ?? ''}
                state={state}
                alarms={travelling ? [] : (byEquipment.get(state.equipmentId ?? '') ?? [])}
                rules={rulesById}
                now={travelling && shownAt !== null ? shownAt : now}
                onAcknowledge={ack.open}
              />
            ))}
          </Box>
        </Box>
      ))}
      {ack.dialog}
    </Box>
  );
}
