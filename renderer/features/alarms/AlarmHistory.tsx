/** Alarm history (`alarms.history`), newest first, filterable by the state change, a page at a time. */
import { Alert, Box, Button, FormControl, InputLabel, LinearProgress, MenuItem, Select, TableCell, TableRow } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { ALARM_EVENT_TYPES, readAlarmPayload } from '../../../shared/domain/alarms';
import type { StoredEvent } from '../../../shared/events/event';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatTime } from '../../common/format';
import { HeadedTable } from '../../common/HeadedTable';
import { usePlant } from '../../common/usePlant';
import { AlarmStateChip } from './alarmLook';

const PAGE = 100;
const CHANGES = Object.values(ALARM_EVENT_TYPES);

export function AlarmHistory() {
  const plant = usePlant();
  const [change, setChange] = useState<string>('');
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (after: string | undefined, replace: boolean) => {
      setLoading(true);
      plant.alarms.history({ order: 'desc', limit: PAGE, ...(change ? { types: [change] } : {}), ...(after ? { cursor: after } : {}) }).then(
        (page) => {
          setEvents((list) => (replace ? page.events : [...list, ...page.events]));
          setCursor(page.nextCursor);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          setError(`Reading the alarm history: ${errorMessage(e)}`);
          setLoading(false);
        },
      );
    },
    [plant, change],
  );
  useEffect(() => load(undefined, true), [load]);

  return (
    <Box data-testid="alarm-history">
      <FormControl size="small" sx={{ minWidth: 260, mb: 1 }}>
        <InputLabel id="history-change-label">State change</InputLabel>
        <Select labelId="history-change-label" label="State change" value={change} onChange={(e) => setChange(e.target.value)} data-testid="history-change">
          <MenuItem value="">Every change</MenuItem>
          {CHANGES.map((t) => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {error && <Alert severity="error">{error}</Alert>}
      {loading && <LinearProgress aria-label="Reading the alarm history" />}
      {!loading && !error && events.length === 0 ? (
        <EmptyState title="No alarm history for this choice.">Alarm state changes are recorded as alarm.* events as soon as a rule raises an alarm.</EmptyState>
      ) : (
        <HeadedTable label="Alarm history" columns={['Time', 'Change', 'Alarm', 'Equipment', 'New state', 'By / note']}>
          {events.map((event) => {
            const p = readAlarmPayload(event.payload);
            return (
              <TableRow key={event.id} data-testid="history-row" data-type={event.type}>
                <TableCell>{formatTime(event.timestamp)}</TableCell>
                <TableCell>{event.type}</TableCell>
                <TableCell>{p?.ruleName ?? '?'}</TableCell>
                <TableCell>{p?.equipmentId ?? '?'}</TableCell>
                <TableCell>{p ? <AlarmStateChip state={p.stateAfter} /> : '?'}</TableCell>
                <TableCell>{[p?.user, p?.note ?? p?.reason].filter(Boolean).join(': ')}</TableCell>
              </TableRow>
            );
          })}
        </HeadedTable>
      )}
      {cursor && (
        <Button onClick={() => load(cursor, false)} disabled={loading} sx={{ mt: 1 }} data-testid="history-more">
          Older changes
        </Button>
      )}
    </Box>
  );
}
