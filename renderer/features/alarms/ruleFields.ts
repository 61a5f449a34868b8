/** The rule editor's fields per rule kind, and reading a form back into a rule candidate. Pure. */
import { ALARM_RULE_KINDS, type AlarmRule, type AlarmRuleKind } from '../../../shared/domain/alarms';
import { PRIORITIES } from '../../../shared/events/event';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'number' | 'select' | 'list' | 'boolean';
  readonly options?: readonly string[];
}

export const COMMON_FIELDS: readonly FieldSpec[] = [
  { name: 'id', label: 'Id (letters, digits, _ . -)', type: 'text' },
  { name: 'name', label: 'Name', type: 'text' },
  { name: 'kind', label: 'Kind', type: 'select', options: ALARM_RULE_KINDS },
  { name: 'priority', label: 'Priority', type: 'select', options: PRIORITIES },
  { name: 'enabled', label: 'Enabled', type: 'boolean' },
  { name: 'equipment', label: 'Equipment (comma-separated; empty = all)', type: 'list' },
];

export const KIND_FIELDS: Readonly<Record<AlarmRuleKind, readonly FieldSpec[]>> = {
  threshold: [
    { name: 'field', label: 'Telemetry field', type: 'text' },
    { name: 'comparator', label: 'Comparator', type: 'select', options: ['above', 'below'] },
    { name: 'limit', label: 'Limit', type: 'number' },
    { name: 'deadband', label: 'Deadband', type: 'number' },
    { name: 'onDelayMs', label: 'On delay (ms)', type: 'number' },
    { name: 'offDelayMs', label: 'Off delay (ms)', type: 'number' },
  ],
  outOfSpec: [{ name: 'parameters', label: 'Parameters (comma-separated; empty = all)', type: 'list' }],
  countInWindow: [
    { name: 'eventType', label: 'Event type pattern', type: 'text' },
    { name: 'count', label: 'Count', type: 'number' },
    { name: 'windowMs', label: 'Window (ms)', type: 'number' },
  ],
  absence: [
    { name: 'eventType', label: 'Event type pattern', type: 'text' },
    { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number' },
  ],
  downTooLong: [{ name: 'durationMs', label: 'Down for longer than (ms)', type: 'number' }],
};

export type RuleForm = Record<string, string | boolean>;

export function ruleToForm(rule: AlarmRule): RuleForm {
  const form: RuleForm = {};
  for (const [key, value] of Object.entries(rule)) {
    form[key] = typeof value === 'boolean' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return form;
}

export function newRuleForm(kind: AlarmRuleKind = 'threshold'): RuleForm {
  return { id: '', name: '', kind, priority: 'NORMAL', enabled: true, equipment: '', comparator: 'above', deadband: '0', onDelayMs: '0', offDelayMs: '0' };
}

/** The form as a rule candidate: numbers parsed (a non-number stays text so validation names it), empty optional fields left out. */
export function formToCandidate(form: RuleForm): Record<string, unknown> {
  const kind = form.kind as AlarmRuleKind;
  const specs = [...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? [])];
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const raw = form[spec.name];
    if (spec.type === 'boolean') out[spec.name] = raw === true;
    else if (typeof raw !== 'string' || raw.trim() === '') continue;
    else if (spec.type === 'number') out[spec.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (spec.type === 'list') out[spec.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else out[spec.name] = raw.trim();
  }
  return out;
}
