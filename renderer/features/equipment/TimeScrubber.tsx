/** The time-travel scrubber: a slider over the stored history; letting go rebuilds the board at that time. */
import { Box, Button, LinearProgress, Slider, Stack, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { DateTimeField } from '../../common/DateTimeField';
import { readDateTime, toDateTimeText } from '../../common/dateEntry';
import { formatRelative, formatTime, formatTimeWithZone } from '../../common/format';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import type { Travel } from './useBoard';

export interface TimeScrubberProps {
  readonly travel: Travel;
  readonly onTravel: (at: number) => void;
  readonly onCancel: () => void;
  readonly onNow: () => void;
}

export function TimeScrubber({ travel, onTravel, onCancel, onNow }: TimeScrubberProps) {
  const plant = usePlant();
  const first = useCall(() => plant.events.query({ order: 'asc', limit: 1 }), [plant]);
  const start = first.value?.events[0]?.timestamp ?? null;
  const [now, setNow] = useState(() => Date.now());
  const [value, setValue] = useState<number | null>(null);
  const [typed, setTyped] = useState('');
  const entry = readDateTime(typed);
  const typedAt = entry.ok ? entry.ms : null;
  useEffect(() => {
    if (travel.kind !== 'live') return;
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, [travel.kind]);

  const shown = value ?? (travel.kind === 'live' ? now : travel.at);
  return (
    <Box sx={{ mb: 2 }} data-testid="time-scrubber">
      <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
        <Typography variant="body2" sx={{ minWidth: 260 }} data-testid="board-time" data-mode={travel.kind}>
          {travel.kind === 'live' ? 'Live (now)' : `At ${formatTimeWithZone(travel.at)} (${formatRelative(travel.at, now)})`}
        </Typography>
        {start === null ? (
          <Typography variant="body2" color="text.secondary">
            {first.error ?? 'No history stored yet: time travel needs events.'}
          </Typography>
        ) : (
          <Slider
            aria-label="Board time"
            min={start}
            max={now}
            step={1_000}
            value={Math.min(Math.max(shown, start), now)}
            valueLabelDisplay="auto"
            valueLabelFormat={formatTime}
            getAriaValueText={formatTime}
            onChange={(_e, v) => setValue(v as number)}
            onChangeCommitted={(_e, v) => {
              setValue(null);
              onTravel(v as number);
            }}
            disabled={travel.kind === 'replaying'}
            data-testid="time-slider"
          />
        )}
        <DateTimeField label="Go to time" value={typed || toDateTimeText(travel.kind === 'live' ? null : travel.at)} onChange={setTyped} testId="travel-input" />
        <Button onClick={() => typedAt !== null && onTravel(typedAt)} disabled={typedAt === null || travel.kind === 'replaying'} data-testid="travel-go">
          Go
        </Button>
        <Button onClick={onNow} disabled={travel.kind === 'live'} data-testid="board-now">
          Now (n)
        </Button>
      </Stack>
      {travel.kind === 'replaying' && (
        <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2} data-testid="replay-progress">
          <LinearProgress variant="determinate" value={travel.total ? (100 * travel.done) / travel.total : 0} sx={{ flex: 1 }} aria-label="Replay progress" />
          <Typography variant="body2">
            Rebuilt {travel.done} of {travel.total} at {formatTime(travel.at)}
          </Typography>
          <Button onClick={onCancel} data-testid="replay-cancel">
            Cancel
          </Button>
        </Stack>
      )}
    </Box>
  );
}
