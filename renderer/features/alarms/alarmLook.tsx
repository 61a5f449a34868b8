/**
 * How each ISA-18.2 alarm state looks: an icon AND a word, in grey (colour is the
 * priority's); unacknowledged states blink-free but bold and inverted. And the monitor's
 * order: priority first, then the most recent.
 */
import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import DoNotDisturbOn from '@mui/icons-material/DoNotDisturbOn';
import ErrorOutlined from '@mui/icons-material/ErrorOutlined';
import Inventory2Outlined from '@mui/icons-material/Inventory2Outlined';
import NotificationsActive from '@mui/icons-material/NotificationsActive';
import NotificationsPaused from '@mui/icons-material/NotificationsPaused';
import ReportProblemOutlined from '@mui/icons-material/ReportProblemOutlined';
import { Chip, useTheme } from '@mui/material';
import type { AlarmState, AlarmStateName } from '../../../shared/domain/alarms';
import { PRIORITY_RANK, type Priority } from '../../../shared/events/event';
import { priorityColour } from '../../common/palette';

export const STATE_LOOK: Readonly<Record<AlarmStateName, { readonly label: string; readonly Icon: typeof ErrorOutlined; readonly unacked: boolean }>> = {
  ACTIVE_UNACK: { label: 'Active, unacknowledged', Icon: NotificationsActive, unacked: true },
  ACTIVE_ACK: { label: 'Active, acknowledged', Icon: ReportProblemOutlined, unacked: false },
  RTN_UNACK: { label: 'Returned to normal, unacknowledged', Icon: ErrorOutlined, unacked: true },
  NORMAL: { label: 'Normal', Icon: CheckCircleOutlined, unacked: false },
  SHELVED: { label: 'Shelved', Icon: NotificationsPaused, unacked: false },
  SUPPRESSED: { label: 'Suppressed', Icon: DoNotDisturbOn, unacked: false },
  OUT_OF_SERVICE: { label: 'Out of service', Icon: Inventory2Outlined, unacked: false },
};

export function AlarmStateChip({ state }: { readonly state: AlarmStateName }) {
  const look = STATE_LOOK[state] ?? STATE_LOOK.NORMAL;
  return (
    <Chip
      size="small"
      icon={<look.Icon />}
      variant={look.unacked ? 'filled' : 'outlined'}
      label={look.label}
      // ISA-101: colour belongs to the priority; the state reads by icon, word and weight, an unacknowledged one inverted.
      sx={look.unacked ? { fontWeight: 700, bgcolor: 'text.primary', color: 'background.paper', '& .MuiChip-icon': { color: 'background.paper' } } : { fontWeight: 400 }}
      data-testid="alarm-state"
      data-state={state}
    />
  );
}

/** An alarm priority as a word on its colour, the same on every view. */
export function PriorityChip({ priority, label }: { readonly priority: Priority; readonly label?: string }) {
  const swatch = priorityColour(priority, useTheme().palette.mode);
  return <Chip size="small" label={label ?? priority} sx={{ bgcolor: swatch.main, color: swatch.contrastText, fontWeight: 700 }} data-testid="priority-chip" data-priority={priority} />;
}

/** Priority (highest first), then the most recent change first, then by id. */
export function sortAlarms(alarms: readonly AlarmState[]): AlarmState[] {
  return [...alarms].sort(
    (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || (b.since ?? 0) - (a.since ?? 0) || a.alarmId.localeCompare(b.alarmId),
  );
}

/** The alarms the monitor lists: every one not back to normal. */
export function monitored(alarms: readonly AlarmState[]): AlarmState[] {
  return sortAlarms(alarms.filter((a) => a.state !== 'NORMAL'));
}
