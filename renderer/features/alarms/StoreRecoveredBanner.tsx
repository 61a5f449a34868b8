/**
 * A banner across the console after the event store was found damaged and rebuilt from the
 * journal: what was wrong, how many events came back and where the damaged store was kept
 * (from the `store.recovered` event). It stays until the operator acknowledges the alarm
 * "Event store rebuilt from the journal", so nobody misses it by not opening the Alarms view.
 */
import { Alert } from '@mui/material';
import { useEffect, useState } from 'react';
import { usePlant } from '../../common/usePlant';
import { useAlarmList } from './AlarmsProvider';

const ALARM_ID = 'system:store-recovered';

interface Recovery {
  readonly reason: string;
  readonly rebuiltEvents: number;
  readonly damagedStoreKeptAt: string;
}

function recoveryOf(payload: unknown): Recovery | null {
  const { reason, rebuiltEvents, damagedStoreKeptAt } = (payload ?? {}) as Partial<Recovery>;
  if (typeof reason !== 'string' || typeof rebuiltEvents !== 'number' || typeof damagedStoreKeptAt !== 'string') return null;
  return { reason, rebuiltEvents, damagedStoreKeptAt };
}

export function StoreRecoveredBanner() {
  const plant = usePlant();
  const { alarms } = useAlarmList();
  const unacknowledged = alarms?.some((alarm) => alarm.alarmId === ALARM_ID && (alarm.state === 'ACTIVE_UNACK' || alarm.state === 'RTN_UNACK')) ?? false;
  const [recovery, setRecovery] = useState<Recovery | null>(null);

  useEffect(() => {
    if (!unacknowledged) return;
    let active = true;
    plant.events.query({ types: ['store.recovered'], order: 'desc', limit: 1 }).then(
      (page) => active && setRecovery(recoveryOf(page.events[0]?.payload)),
      // The alarm itself still tells the operator; the banner only adds the details.
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [plant, unacknowledged]);

  if (!unacknowledged || !recovery) return null;
  return (
    <Alert severity="error" variant="filled" data-testid="store-recovered-banner" sx={{ borderRadius: 0 }}>
      The event store was rebuilt from the journal: {recovery.reason}. {recovery.rebuiltEvents} events were restored, and the damaged
      store was kept at {recovery.damagedStoreKeptAt}. Acknowledge the alarm “Event store rebuilt from the journal” once you have read this.
    </Alert>
  );
}
