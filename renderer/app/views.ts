/** The console's views, in navigation order, with their keyboard shortcuts. */

export const VIEWS = [
  { id: 'timeline', label: 'Timeline', key: '1' },
  { id: 'equipment', label: 'Equipment', key: '2' },
  { id: 'alarms', label: 'Alarms', key: '3' },
  { id: 'deadLetters', label: 'Dead letters', key: '4' },
  { id: 'health', label: 'Health', key: '5' },
  { id: 'audit', label: 'Audit', key: '6' },
  { id: 'connections', label: 'Connections', key: '7' },
  { id: 'simulator', label: 'Simulator', key: '8' },
  { id: 'import', label: 'Import', key: '9' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function isViewId(value: unknown): value is ViewId {
  return VIEWS.some((view) => view.id === value);
}
