/** The alarms as main's engine has them (`alarms.list`), read again when `alarm.*` events arrive (once a frame at most) and every few seconds. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlarmState } from '../../../shared/domain/alarms';
import type { PlantApi } from '../../../shared/api/plantApi';
import { refreshOnEvents } from '../../common/refreshOnEvents';
import { errorMessage } from '../../common/format';

const POLL_MS = 5_000;

export interface Alarms {
  readonly alarms: readonly AlarmState[] | null;
  readonly error: string | null;
  reload(): void;
}

export function useAlarms(plant: PlantApi): Alarms {
  const [alarms, setAlarms] = useState<readonly AlarmState[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reloadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let active = true;
    let generation = 0;
    const load = () => {
      const mine = ++generation;
      plant.alarms.list().then(
        (list) => {
          if (!active || mine !== generation) return;
          setAlarms(list);
          setError(null);
        },
        (e: unknown) => active && mine === generation && setError(`Reading the alarms: ${errorMessage(e)}`),
      );
    };
    reloadRef.current = load;
    const stop = refreshOnEvents(plant, 'alarm.*', load, POLL_MS, (e) => active && setError(`Alarm events: ${e.message}`));
    return () => {
      active = false;
      stop();
    };
  }, [plant]);

  const reload = useCallback(() => reloadRef.current(), []);
  return { alarms, error, reload };
}
