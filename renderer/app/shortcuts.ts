/**
 * Keyboard shortcuts: one table, read by the key handler and listed in the help dialog.
 * Views register handlers for their actions while they are shown.
 */
import { VIEWS } from './views';

export interface Shortcut {
  /** `KeyboardEvent.key` values that trigger it. */
  readonly keys: readonly string[];
  readonly action: string;
  readonly description: string;
  /** The view whose action it is; global when absent. */
  readonly view?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEWS.map((view) => ({ keys: [view.key], action: `go.${view.id}`, description: `Go to ${view.label}` })),
  { keys: ['?'], action: 'help', description: 'Show this list of shortcuts' },
  { keys: ['t'], action: 'theme', description: 'Switch the theme (system, light, dark)' },
  { keys: ['p', ' '], action: 'timeline.pause', description: 'Pause or resume the live tail', view: 'Timeline' },
  { keys: ['/'], action: 'timeline.search', description: 'Search the payload text', view: 'Timeline' },
  { keys: ['r'], action: 'timeline.reload', description: 'Reload from the store (clears the new-events count)', view: 'Timeline' },
  { keys: ['Escape'], action: 'drawer.close', description: 'Close the detail drawer', view: 'Timeline' },
  { keys: ['a'], action: 'alarms.acknowledge', description: 'Acknowledge the selected alarms', view: 'Alarms' },
  { keys: ['s'], action: 'alarms.shelve', description: 'Shelve the selected alarms', view: 'Alarms' },
  { keys: ['x'], action: 'alarms.selectUnacked', description: 'Select every unacknowledged alarm', view: 'Alarms' },
  { keys: ['c'], action: 'equipment.compare', description: 'Compare two times', view: 'Equipment' },
  { keys: ['n'], action: 'equipment.now', description: 'Back to now (leave time travel)', view: 'Equipment' },
];

/** The action a key press asks for, or null (typing in a field never triggers one, except Escape). */
export function actionForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, typing: boolean): string | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (typing && event.key !== 'Escape') return null;
  return SHORTCUTS.find((s) => s.keys.includes(event.key))?.action ?? null;
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes((target as HTMLInputElement).type);
  return tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable || target.getAttribute('role') === 'combobox';
}
