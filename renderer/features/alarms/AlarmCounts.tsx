/**
 * The unacknowledged alarms, counted by priority, where the operator always sees them: in the
 * app bar and beside the Alarms entry of the navigation. Each count is a word and a number on
 * its priority's colour, so it reads without colour too.
 */
import { Box, Chip, Stack, useTheme } from '@mui/material';
import { priorityColour } from '../../common/palette';
import { PRIORITIES_DOWN, totalOf, unackedByPriority } from './alarmSummary';
import { useAlarmList } from './AlarmsProvider';

const PRIORITY_WORD = { CRITICAL: 'critical', HIGH: 'high', NORMAL: 'normal', LOW: 'low' } as const;

function useCounts() {
  const { alarms } = useAlarmList();
  return unackedByPriority(alarms ?? []);
}

/** App bar: one chip per priority that has unacknowledged alarms, or a quiet "no alarms"; a click opens the Alarms view. */
export function AppBarAlarmCounts({ onOpen }: { readonly onOpen: () => void }) {
  const counts = useCounts();
  const mode = useTheme().palette.mode;
  const total = totalOf(counts);
  return (
    <Stack direction="row" spacing={0.5} data-testid="appbar-alarms" data-total={total} aria-label={`${total} unacknowledged alarms`} role="status">
      {total === 0 ? (
        <Chip size="small" label="No unacknowledged alarms" onClick={onOpen} sx={{ bgcolor: 'background.paper', color: 'text.primary' }} />
      ) : (
        PRIORITIES_DOWN.filter((p) => counts[p] > 0).map((p) => {
          const swatch = priorityColour(p, mode);
          return (
            <Chip
              key={p}
              size="small"
              label={`${counts[p]} ${PRIORITY_WORD[p]}`}
              onClick={onOpen}
              aria-label={`${counts[p]} unacknowledged ${PRIORITY_WORD[p]} priority alarms`}
              sx={{ bgcolor: swatch.main, color: swatch.contrastText, fontWeight: 700, '&:hover': { bgcolor: swatch.main } }}
              data-testid={`appbar-alarms-${p}`}
              data-count={counts[p]}
            />
          );
        })
      )}
    </Stack>
  );
}

/** Navigation: small counts beside "Alarms", highest priority first; nothing when none waits. */
export function NavAlarmCounts() {
  const counts = useCounts();
  const mode = useTheme().palette.mode;
  const shown = PRIORITIES_DOWN.filter((p) => counts[p] > 0);
  if (shown.length === 0) return null;
  return (
    <Stack direction="row" spacing={0.5} data-testid="nav-alarm-counts" data-total={totalOf(counts)}>
      {shown.map((p) => {
        const swatch = priorityColour(p, mode);
        return (
          <Box
            key={p}
            component="span"
            title={`${counts[p]} unacknowledged ${PRIORITY_WORD[p]}`}
            sx={{ bgcolor: swatch.main, color: swatch.contrastText, borderRadius: 1, px: 0.75, fontSize: 12, fontWeight: 700, lineHeight: '20px' }}
            data-testid={`nav-alarms-${p}`}
            data-count={counts[p]}
          >
            {counts[p]}
            <Box component="span" sx={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
              {` ${PRIORITY_WORD[p]}`}
            </Box>
          </Box>
        );
      })}
    </Stack>
  );
}
