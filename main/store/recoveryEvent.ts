/**
 * Telling the operator that the store was rebuilt: a `store.recovered` event (kept in the
 * history like any other) and a CRITICAL system alarm that stays in the alarm view until
 * someone acknowledges it.
 */
import type { EventBus } from '../bus/eventBus';
import type { StoreRecovery } from './durableStore';
import { raiseSystemAlarm } from './systemAlarm';

export const STORE_RECOVERED = 'store.recovered';

export async function recordRecovery(bus: EventBus, recovery: StoreRecovery): Promise<void> {
  const { damage, sentence, storeSeq, recordedSeq, rebuiltEvents, movedTo } = recovery;
  await bus.publish({ type: STORE_RECOVERED, source: 'system', priority: 'CRITICAL', payload: { damage, reason: sentence, storeSeq, recordedSeq, rebuiltEvents, damagedStoreKeptAt: movedTo } });
  await raiseSystemAlarm(bus, {
    alarmId: 'system:store-recovered',
    name: 'Event store rebuilt from the journal',
    subject: 'event-store',
    value: rebuiltEvents,
    limit: null,
    note: `${sentence}; ${rebuiltEvents} events were rebuilt from the journal and the damaged store was kept at ${movedTo}`,
  });
}
