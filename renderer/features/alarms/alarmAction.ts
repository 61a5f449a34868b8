/** What the Active list says about when an alarm started and what was last done to it. */
import type { AlarmState } from '../../../shared/domain/alarms';
import { formatTime } from '../../common/format';

const ACTION_WORDS: Record<string, string> = {
  'alarm.acknowledged': 'Acknowledged',
  'alarm.cleared': 'Cleared',
  'alarm.normalized': 'Back to normal',
  'alarm.shelved': 'Shelved',
  'alarm.unshelved': 'Unshelved',
  'alarm.shelve.expired': 'Shelving expired',
  'alarm.suppressed': 'Suppressed',
  'alarm.unsuppressed': 'Unsuppressed',
  'alarm.removed-from-service': 'Removed from service',
  'alarm.returned-to-service': 'Returned to service',
};

/** When the alarm's episode started; an alarm never raised (suppressed while normal) shows when it entered its state. */
export function alarmStartedAt(alarm: AlarmState): number | null {
  return alarm.raisedAt ?? alarm.since;
}

/** "Acknowledged by alice at 2026-…", or '' when nothing happened since the raise. */
export function describeLastAction(alarm: AlarmState): string {
  const action = alarm.lastAction;
  if (!action) return '';
  const word = ACTION_WORDS[action.type] ?? action.type;
  return `${word}${action.by ? ` by ${action.by}` : ''} at ${formatTime(action.at)}`;
}
