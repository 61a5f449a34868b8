/** The alarm monitor's list: priority then time, state by colour and icon; select several to acknowledge, shelve, unshelve, suppress or unsuppress. */
import { Alert, Box, Button, Checkbox, FormControlLabel, LinearProgress, Stack, Switch, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useState } from 'react';
import type { AlarmCommandOutcome } from '../../../shared/api/contractOps';
import { useShortcut } from '../../app/ShortcutsProvider';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatTime } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { alarmStartedAt, describeLastAction } from './alarmAction';
import { AlarmCommandDialog, type CommandInput, type CommandKind } from './AlarmCommandDialog';
import { AlarmStateChip, STATE_LOOK, monitored } from './alarmLook';
import { useAlarms } from './useAlarms';

export function ActiveAlarms() {
  const plant = usePlant();
  const { alarms, error, reload } = useAlarms(plant);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: CommandKind; key: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [commandError, setCommandError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(true);

  const list = monitored(alarms ?? []).filter((a) => showAll || a.state === 'ACTIVE_UNACK' || a.state === 'ACTIVE_ACK' || a.state === 'RTN_UNACK');
  const ids = [...selected].filter((id) => list.some((a) => a.alarmId === id));
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const open = (kind: CommandKind) => ids.length > 0 && (setCommandError(null), setDialog({ kind, key: Date.now() }));

  useShortcut('alarms.acknowledge', () => open('acknowledge'));
  useShortcut('alarms.shelve', () => open('shelve'));
  useShortcut('alarms.selectUnacked', () => setSelected(new Set(list.filter((a) => STATE_LOOK[a.state].unacked).map((a) => a.alarmId))));

  const report = (verb: string, result: AlarmCommandOutcome) => {
    const refused = result.rejected.map((r) => `${r.alarmId}: ${r.reason}`).join('; ');
    setOutcome(`${verb} ${result.applied.length} alarm${result.applied.length === 1 ? '' : 's'}${refused ? `. Refused: ${refused}` : ''}`);
    setSelected(new Set());
    reload();
  };

  const run = async (verb: string, call: () => Promise<AlarmCommandOutcome>) => {
    setBusy(true);
    try {
      report(verb, await call());
      setDialog(null);
    } catch (e) {
      if (dialog) setCommandError(errorMessage(e));
      else setOutcome(`${verb} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const confirm = (input: CommandInput) => {
    if (!dialog) return;
    if (dialog.kind === 'acknowledge') void run('Acknowledged', () => plant.alarms.acknowledge(ids, input.text));
    if (dialog.kind === 'shelve') void run('Shelved', () => plant.alarms.shelve(ids, { reason: input.text, durationMs: input.durationMs }));
    if (dialog.kind === 'suppress') void run('Suppressed', () => plant.alarms.suppress(ids, input.text));
  };

  return (
    <Box data-testid="active-alarms">
      <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
        <Button variant="contained" disabled={ids.length === 0} onClick={() => open('acknowledge')} data-testid="alarm-ack">
          Acknowledge (a)
        </Button>
        <Button disabled={ids.length === 0} onClick={() => open('shelve')} data-testid="alarm-shelve">
          Shelve (s)
        </Button>
        <Button disabled={ids.length === 0 || busy} onClick={() => void run('Unshelved', () => plant.alarms.unshelve(ids))} data-testid="alarm-unshelve">
          Unshelve
        </Button>
        <Button disabled={ids.length === 0} onClick={() => open('suppress')} data-testid="alarm-suppress">
          Suppress
        </Button>
        <Button disabled={ids.length === 0 || busy} onClick={() => void run('Unsuppressed', () => plant.alarms.unsuppress(ids))} data-testid="alarm-unsuppress">
          Unsuppress
        </Button>
        <Box sx={{ flex: 1 }} />
        <FormControlLabel control={<Switch checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />} label="Include shelved and suppressed" />
      </Stack>
      {error && <Alert severity="error" sx={{ mb: 1 }} data-testid="alarms-error">{error}</Alert>}
      {outcome && <Alert severity={outcome.includes('Refused') || outcome.includes('failed') ? 'warning' : 'success'} onClose={() => setOutcome(null)} sx={{ mb: 1 }} data-testid="alarm-outcome">{outcome}</Alert>}
      {alarms === null && !error && <LinearProgress aria-label="Reading the alarms" />}
      {alarms !== null && list.length === 0 ? (
        <EmptyState title="No active alarms.">Alarms appear here when a rule's condition is met. Edit the rules in the Rules tab.</EmptyState>
      ) : (
        <Table size="small" aria-label="Active alarms">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Checkbox
                  checked={list.length > 0 && ids.length === list.length}
                  indeterminate={ids.length > 0 && ids.length < list.length}
                  onChange={(e) => setSelected(new Set(e.target.checked ? list.map((a) => a.alarmId) : []))}
                  slotProps={{ input: { 'aria-label': 'Select every alarm' } }}
                />
              </TableCell>
              <TableCell>Priority</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Alarm</TableCell>
              <TableCell>Equipment</TableCell>
              <TableCell>Value / limit</TableCell>
              <TableCell>Since</TableCell>
              <TableCell>Last action</TableCell>
              <TableCell>Note / reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((a) => (
              <TableRow key={a.alarmId} hover selected={selected.has(a.alarmId)} data-testid="alarm-row" data-alarm-id={a.alarmId} data-state={a.state} sx={STATE_LOOK[a.state].unacked ? { '& td': { fontWeight: 700 } } : undefined}>
                <TableCell padding="checkbox">
                  <Checkbox checked={selected.has(a.alarmId)} onChange={() => toggle(a.alarmId)} slotProps={{ input: { 'aria-label': `Select ${a.ruleName} on ${a.equipmentId}` } }} />
                </TableCell>
                <TableCell>{a.priority}</TableCell>
                <TableCell>
                  <AlarmStateChip state={a.state} />
                </TableCell>
                <TableCell>{a.ruleName}</TableCell>
                <TableCell>{a.equipmentId}</TableCell>
                <TableCell>{a.value ?? '—'} / {a.limit ?? '—'}</TableCell>
                <TableCell data-testid="alarm-since">{formatTime(alarmStartedAt(a))}</TableCell>
                <TableCell data-testid="alarm-last-action">{describeLastAction(a)}</TableCell>
                <TableCell>{a.acknowledged?.note ?? (a.shelved ? `${a.shelved.reason} (until ${formatTime(a.shelved.until)})` : a.reason) ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {dialog && <AlarmCommandDialog key={dialog.key} kind={dialog.kind} count={ids.length} busy={busy} error={commandError} onCancel={() => setDialog(null)} onConfirm={confirm} />}
    </Box>
  );
}
