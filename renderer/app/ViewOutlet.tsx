/** The view the navigation chose. */
import type { ComponentType } from 'react';
import { AlarmsView } from '../features/alarms/AlarmsView';
import { AuditView } from '../features/audit/AuditView';
import { ConnectionsView } from '../features/connections/ConnectionsView';
import { DeadLettersView } from '../features/deadLetters/DeadLettersView';
import { EquipmentBoard } from '../features/equipment/EquipmentBoard';
import { HealthView } from '../features/health/HealthView';
import { ImportEventsView } from '../features/import/ImportEventsView';
import { SimulatorView } from '../features/simulator/SimulatorView';
import { TimelineView } from '../features/timeline/TimelineView';
import type { ViewId } from './views';

/** Each view's component; a view added to ViewId must be added here too (the type says so). */
const VIEWS: Readonly<Record<ViewId, ComponentType>> = {
  timeline: TimelineView,
  equipment: EquipmentBoard,
  alarms: AlarmsView,
  deadLetters: DeadLettersView,
  health: HealthView,
  audit: AuditView,
  connections: ConnectionsView,
  simulator: SimulatorView,
  import: ImportEventsView,
};

export function ViewOutlet({ view }: { readonly view: ViewId }) {
  const View = VIEWS[view];
  return <View />;
}
