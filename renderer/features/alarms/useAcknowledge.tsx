/** Acknowledging alarms from outside the Alarms view (an equipment card): the same dialog, the same command, the outcome reported. */
import { useState, type ReactNode } from 'react';
import { useReportError } from '../../common/ErrorsProvider';
import { errorMessage } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { AlarmCommandDialog } from './AlarmCommandDialog';

export function useAcknowledge(onDone: () => void): { open: (alarmIds: string[]) => void; dialog: ReactNode } {
  const plant = usePlant();
  const report = useReportError();
  const [ids, setIds] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async (note: string) => {
    if (!ids) return;
    setBusy(true);
    try {
      const outcome = await plant.alarms.acknowledge(ids, note);
      if (outcome.rejected.length > 0) report('Acknowledging', new Error(outcome.rejected.map((r) => `${r.alarmId}: ${r.reason}`).join('; ')));
      setIds(null);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const dialog = ids ? (
    <AlarmCommandDialog key={ids.join(',')} kind="acknowledge" count={ids.length} busy={busy} error={error} onCancel={() => setIds(null)} onConfirm={(input) => void confirm(input.text)} />
  ) : null;
  return { open: (alarmIds) => (setError(null), setIds(alarmIds)), dialog };
}
