/** A banner across the console while an alarm flood lasts (`alarms.kpis(...).inFlood` over the last hour, checked on new alarms and every 15 s). */
import { Alert } from '@mui/material';
import { useEffect, useState } from 'react';
import { refreshOnEvents } from '../../common/refreshOnEvents';
import { usePlant } from '../../common/usePlant';

const WINDOW_MS = 60 * 60_000;
const CHECK_MS = 15_000;

export function FloodBanner() {
  const plant = usePlant();
  const [flood, setFlood] = useState<{ since: number; count: number } | null>(null);

  useEffect(() => {
    let active = true;
    let last = 0;
    const check = () => {
      if (Date.now() - last < 1_000) return;
      last = Date.now();
      const to = Date.now();
      plant.alarms.kpis({ from: to - WINDOW_MS, to }).then(
        (k) => {
          if (!active) return;
          const current = k.inFlood ? k.floods[k.floods.length - 1] : undefined;
          setFlood(current ? { since: current.start, count: current.count } : null);
        },
        // The alarm view shows the error; the banner only shows floods.
        () => undefined,
      );
    };
    const stop = refreshOnEvents(plant, 'alarm.raised', check, CHECK_MS, () => undefined);
    return () => {
      active = false;
      stop();
    };
  }, [plant]);

  if (!flood) return null;
  return (
    <Alert severity="error" variant="filled" data-testid="flood-banner" sx={{ borderRadius: 0 }}>
      Alarm flood in progress since {new Date(flood.since).toLocaleTimeString()}: {flood.count} alarms. Deal with the highest priorities first.
    </Alert>
  );
}
