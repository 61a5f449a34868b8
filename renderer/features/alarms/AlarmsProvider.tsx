/**
 * One reading of the alarms for the whole console: the app bar's counts, the navigation's
 * badge, the equipment cards and the Alarms view all show the same list, read once (on
 * `alarm.*` events and every few seconds) rather than once per component.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { usePlant } from '../../common/usePlant';
import { useAlarms, type Alarms } from './useAlarms';

const AlarmsContext = createContext<Alarms | null>(null);

export function AlarmsProvider({ children }: { readonly children: ReactNode }) {
  const plant = usePlant();
  const alarms = useAlarms(plant);
  // A new value only when the list or its error changes, so that consumers render only then.
  const { alarms: list, error, reload } = alarms;
  const value = useMemo(() => ({ alarms: list, error, reload }), [list, error, reload]);
  return <AlarmsContext.Provider value={value}>{children}</AlarmsContext.Provider>;
}

/** The console's alarms, as the provider above last read them. */
export function useAlarmList(): Alarms {
  const shared = useContext(AlarmsContext);
  if (!shared) throw new Error('useAlarmList: no AlarmsProvider above this component');
  return shared;
}
