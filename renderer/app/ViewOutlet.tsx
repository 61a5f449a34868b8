/** The view the navigation chose. */
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

export function ViewOutlet({ view }: { readonly view: ViewId }) {
  switch (view) {
    case 'timeline':
      return <TimelineView />;
    case 'equipment':
      return <EquipmentBoard />;
    case 'alarms':
      return <AlarmsView />;
    case 'deadLetters':
      return <DeadLettersView />;
    case 'health':
      return <HealthView />;
    case 'audit':
      return <AuditView />;
    case 'connections':
      return <ConnectionsView />;
    case 'simulator':
      return <SimulatorView />;
    case 'import':
      return <ImportEventsView />;
  }
}
