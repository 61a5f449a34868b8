/** The alarm rules (`rules.list`), with create, edit and delete. */
import { Alert, Box, Button, LinearProgress, Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useMemo, useState } from 'react';
import { PRIORITY_RANK } from '../../../shared/events/event';
import type { AlarmRule } from '../../../shared/domain/alarms';
import { useReportError } from '../../common/ErrorsProvider';
import { EmptyState } from '../../common/EmptyState';
import { formatDuration } from '../../common/format';
import { SortableHead, type Column } from '../../common/SortableHead';
import { sortRows, type Sort } from '../../common/sorting';
import { useCall } from '../../common/useCall';
import { usePlant } from '../../common/usePlant';
import { PriorityChip } from './alarmLook';
import { RuleDialog } from './RuleDialog';
import { knownNames, newRuleForm, ruleToForm, type RuleForm } from './ruleFields';

function summary(rule: AlarmRule): string {
  switch (rule.kind) {
    case 'threshold':
      return `${rule.field} ${rule.comparator} ${rule.limit} (deadband ${rule.deadband}, on after ${formatDuration(rule.onDelayMs)}, off after ${formatDuration(rule.offDelayMs)})`;
    case 'outOfSpec':
      return rule.parameters?.length ? `out of spec: ${rule.parameters.join(', ')}` : 'any measurement out of spec';
    case 'countInWindow':
      return `${rule.count} × ${rule.eventType} within ${formatDuration(rule.windowMs)}`;
    case 'absence':
      return `no ${rule.eventType} for ${formatDuration(rule.timeoutMs)}`;
    case 'downTooLong':
      return `down longer than ${formatDuration(rule.durationMs)}`;
  }
}

type RuleColumn = 'name' | 'kind' | 'condition' | 'priority' | 'enabled';

const COLUMNS: readonly Column<RuleColumn>[] = [
  { key: 'name', label: 'Name' },
  { key: 'kind', label: 'Kind' },
  { key: 'condition', label: 'Condition' },
  { key: 'priority', label: 'Priority' },
  { key: 'enabled', label: 'Enabled' },
  { key: null, label: 'Actions' },
];

function ruleSortValue(rule: AlarmRule, column: RuleColumn): string | number {
  if (column === 'priority') return PRIORITY_RANK[rule.priority];
  if (column === 'condition') return summary(rule);
  if (column === 'enabled') return rule.enabled ? 1 : 0;
  return rule[column];
}

export function RuleEditor() {
  const plant = usePlant();
  const report = useReportError();
  const rules = useCall(() => plant.rules.list(), [plant]);
  const equipment = useCall(() => plant.equipment.list(), [plant]);
  const known = useMemo(() => knownNames(equipment.value ?? []), [equipment.value]);
  const taken = useMemo(() => new Set((rules.value ?? []).map((r) => r.id)), [rules.value]);
  const [editing, setEditing] = useState<{ form: RuleForm; isNew: boolean } | null>(null);
  const [sort, setSort] = useState<Sort<RuleColumn>>({ key: 'name', direction: 'asc' });

  const save = async (rule: AlarmRule) => {
    if (editing?.isNew) await plant.rules.create(rule);
    else await plant.rules.update(rule);
    setEditing(null);
    rules.reload();
  };
  const remove = (rule: AlarmRule) => {
    if (!window.confirm(`Delete the rule "${rule.name}"? Its alarms stop being raised.`)) return;
    plant.rules.delete(rule.id).then(rules.reload, (e: unknown) => report(`Deleting the rule ${rule.id}`, e));
  };

  return (
    <Box data-testid="rule-editor">
      <Button variant="contained" onClick={() => setEditing({ form: newRuleForm(), isNew: true })} sx={{ mb: 1 }} data-testid="rule-new">
        New rule
      </Button>
      {rules.error && <Alert severity="error">{rules.error}</Alert>}
      {rules.loading && !rules.value && <LinearProgress aria-label="Reading the rules" />}
      {rules.value && rules.value.length === 0 && <EmptyState title="No alarm rules.">Press New rule to watch a telemetry threshold, out-of-spec measurements and more.</EmptyState>}
      {rules.value && rules.value.length > 0 && (
        <Table size="small" aria-label="Alarm rules">
          <SortableHead testIdPrefix="rules" columns={COLUMNS} sort={sort} onSort={setSort} />
          <TableBody>
            {sortRows(rules.value, sort, ruleSortValue).map((rule) => (
              <TableRow key={rule.id} data-testid="rule-row" data-rule-id={rule.id}>
                <TableCell>{rule.name}</TableCell>
                <TableCell>{rule.kind}</TableCell>
                <TableCell>{summary(rule)}</TableCell>
                <TableCell>
                  <PriorityChip priority={rule.priority} />
                </TableCell>
                <TableCell>{rule.enabled ? 'yes' : 'no'}</TableCell>
                <TableCell>
                  <Button onClick={() => setEditing({ form: ruleToForm(rule), isNew: false })} aria-label={`Edit ${rule.name}`}>
                    Edit
                  </Button>
                  <Button color="error" onClick={() => remove(rule)} aria-label={`Delete ${rule.name}`}>
                    Delete
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && <RuleDialog initial={editing.form} isNew={editing.isNew} onCancel={() => setEditing(null)} onSave={save} known={known} taken={taken} />}
    </Box>
  );
}
