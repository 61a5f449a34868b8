/** The equipment board: cards grouped by line, live or at a chosen time, and compare mode. */
import { Alert, Box, Button, LinearProgress, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { useShortcut } from '../../app/ShortcutsProvider';
import { EmptyState } from '../../common/EmptyState';
import { usePlant } from '../../common/usePlant';
import { ComparePanel } from './ComparePanel';
import { EquipmentCard } from './EquipmentCard';
import { groupByLine } from './lines';
import { TimeScrubber } from './TimeScrubber';
import { useBoard } from './useBoard';

export function EquipmentBoard() {
  const plant = usePlant();
  const board = useBoard(plant);
  const [comparing, setComparing] = useState(false);
  useShortcut('equipment.compare', () => setComparing((c) => !c));
  useShortcut('equipment.now', board.backToNow);
  const groups = groupByLine(board.states, board.lines);
  const ids = board.states.map((s) => s.equipmentId).filter((id): id is string => id !== null);

  return (
    <Box data-testid="equipment-board">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          Equipment
        </Typography>
        <Button variant={comparing ? 'contained' : 'outlined'} onClick={() => setComparing((c) => !c)} data-testid="compare-toggle">
          Compare (c)
        </Button>
      </Stack>
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
              <EquipmentCard key={state.equipmentId ?? ''} state={state} />
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
