/** The alarm monitor's list: priority then time, state by colour and icon; select several to acknowledge, shelve, unshelve, suppress or unsuppress. */
import { Alert, Box, Button, Checkbox, FormControlLabel, LinearProgress, Stack, Switch, Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useMemo, useState } from 'react';
import type { AlarmRule } from '../../../shared/domain/alarms';
import type { AlarmCommandOutcome } from '../../../shared/api/contractOps';
import { useShortcut } from '../../app/ShortcutsProvider';
import { EmptyState } from '../../common/EmptyState';
import { errorMessage, formatDuration, formatTime, formatTimeZone } from '../../common/format';
import { SortableHead, type Column } from '../../common/SortableHead';
import { sortRows, type Sort } from '../../common/sorting';
import { useCall } from '../../common/useCall';
import { useNow } from '../../common/useNow';
import { formatReading } from '../../common/units';
import { usePlant } from '../../common/usePlant';
import { alarmStartedAt, describeLastAction } from './alarmAction';
import { AlarmCommandDialog, type CommandInput, type CommandKind } from './AlarmCommandDialog';
import { AlarmStateChip, PriorityChip, STATE_LOOK, monitored } from './alarmLook';
import { alarmSortValue, alarmUnit, type AlarmColumn } from './alarmSummary';
import { useAlarmList } from './AlarmsProvider';

const UNITS_REFRESH_MS = 30_000;

const COLUMNS: readonly Column<AlarmColumn>[] = [
  { key: 'priority', label: 'Priority' },
  { key: 'state', label: 'State' },
  { key: 'alarm', label: 'Alarm' },
  { key: 'equipment', label: 'Equipment' },
  { key: 'value', label: 'Value / limit' },
  { key: 'since', label: `Raised (${formatTimeZone()})` },
  { key: 'duration', label: 'Active for' },
  { key: null, label: 'Last action' },
  { key: null, label: 'Note / reason' },
];

export function ActiveAlarms() {
  const plant = usePlant();
  const { alarms, error, reload } = useAlarmList();
  // Units: the rule says which field an alarm watches, the equipment's payloads its unit.
  const context = useCall(() => Promise.all([plant.rules.list(), plant.equipment.list()]), [plant], UNITS_REFRESH_MS);
  const rules = useMemo(() => new Map<string, AlarmRule>((context.value?.[0] ?? []).map((r) => [r.id, r])), [context.value]);
  const equipment = useMemo(() => new Map((context.value?.[1] ?? []).map((e) => [e.equipmentId ?? '', e])), [context.value]);
  const now = useNow();
  const [sort, setSort] = useState<Sort<AlarmColumn> | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: CommandKind; key: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [commandError, setCommandError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(true);

  const shown = monitored(alarms ?? []).filter((a) => showAll || a.state === 'ACTIVE_UNACK' || a.state === 'ACTIVE_ACK' || a.state === 'RTN_UNACK');
  // Unsorted by the operator, the monitor's own order: priority, then the most recent.
  const list = sort ? sortRows(shown, sort, (a, key) => alarmSortValue(a, key, now)) : shown;
  const unitOf = (a: (typeof list)[number]) => alarmUnit(a, rules.get(a.ruleId), equipment.get(a.equipmentId));
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
          <SortableHead
            testIdPrefix="alarms"
            sort={sort}
            onSort={setSort}
            columns={[
              {
                key: null,
                padding: 'checkbox',
                label: (
                  <Checkbox
                    checked={list.length > 0 && ids.length === list.length}
                    indeterminate={ids.length > 0 && ids.length < list.length}
                    onChange={(e) => setSelected(new Set(e.target.checked ? list.map((a) => a.alarmId) : []))}
                    slotProps={{ input: { 'aria-label': 'Select every alarm' } }}
                  />
                ),
              },
              ...COLUMNS,
            ]}
          />
          <TableBody>
            {list.map((a) => (
              <TableRow key={a.alarmId} hover selected={selected.has(a.alarmId)} data-testid="alarm-row" data-alarm-id={a.alarmId} data-state={a.state} sx={STATE_LOOK[a.state].unacked ? { '& td': { fontWeight: 700 } } : undefined}>
                <TableCell padding="checkbox">
                  <Checkbox checked={selected.has(a.alarmId)} onChange={() => toggle(a.alarmId)} slotProps={{ input: { 'aria-label': `Select ${a.ruleName} on ${a.equipmentId}` } }} />
                </TableCell>
                <TableCell>
                  <PriorityChip priority={a.priority} />
                </TableCell>
                <TableCell>
                  <AlarmStateChip state={a.state} />
                </TableCell>
                <TableCell>{a.ruleName}</TableCell>
                <TableCell>{a.equipmentId}</TableCell>
                <TableCell data-testid="alarm-value">
                  {formatReading(a.value, unitOf(a))} / {formatReading(a.limit, unitOf(a))}
                </TableCell>
                <TableCell data-testid="alarm-since">{formatTime(alarmStartedAt(a))}</TableCell>
                <TableCell data-testid="alarm-duration">{a.raisedAt === null ? '—' : formatDuration(now - a.raisedAt)}</TableCell>
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
