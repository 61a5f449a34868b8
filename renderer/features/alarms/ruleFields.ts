/** The rule editor's fields per rule kind, and reading a form back into a rule candidate. Pure. */
import { ALARM_RULE_KINDS, type AlarmRule, type AlarmRuleKind } from '../../../shared/domain/alarms';
import type { EquipmentState } from '../../../shared/domain/equipment';
import { PRIORITIES } from '../../../shared/events/event';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  /** `seconds`: shown in seconds, stored in milliseconds. `field`, `equipment`, `parameters`: picked from what the plant has reported. */
  readonly type: 'text' | 'number' | 'seconds' | 'select' | 'list' | 'boolean' | 'pick' | 'pickMany';
  readonly options?: readonly string[];
  /** For `pick` and `pickMany`: which list of known names to offer. */
  readonly known?: 'equipment' | 'telemetry' | 'parameters';
}

export const COMMON_FIELDS: readonly FieldSpec[] = [
  { name: 'id', label: 'Id (empty: made from the name)', type: 'text' },
  { name: 'name', label: 'Name', type: 'text' },
  { name: 'kind', label: 'Kind', type: 'select', options: ALARM_RULE_KINDS },
  { name: 'priority', label: 'Priority', type: 'select', options: PRIORITIES },
  { name: 'enabled', label: 'Enabled', type: 'boolean' },
  { name: 'equipment', label: 'Equipment (none picked: all)', type: 'pickMany', known: 'equipment' },
];

export const KIND_FIELDS: Readonly<Record<AlarmRuleKind, readonly FieldSpec[]>> = {
  threshold: [
    { name: 'field', label: 'Measured value', type: 'pick', known: 'telemetry' },
    { name: 'comparator', label: 'Comparator', type: 'select', options: ['above', 'below'] },
    { name: 'limit', label: 'Limit', type: 'number' },
    { name: 'deadband', label: 'Deadband', type: 'number' },
    { name: 'onDelayMs', label: 'On delay (s)', type: 'seconds' },
    { name: 'offDelayMs', label: 'Off delay (s)', type: 'seconds' },
  ],
  outOfSpec: [{ name: 'parameters', label: 'Measured parameters (none picked: all)', type: 'pickMany', known: 'parameters' }],
  countInWindow: [
    { name: 'eventType', label: 'Event type pattern', type: 'text' },
    { name: 'count', label: 'Count', type: 'number' },
    { name: 'windowMs', label: 'Window (s)', type: 'seconds' },
  ],
  absence: [
    { name: 'eventType', label: 'Event type pattern', type: 'text' },
    { name: 'timeoutMs', label: 'Timeout (s)', type: 'seconds' },
  ],
  downTooLong: [{ name: 'durationMs', label: 'Down for longer than (s)', type: 'seconds' }],
};

export type RuleForm = Record<string, string | boolean>;

const SECONDS: ReadonlySet<string> = new Set(Object.values(KIND_FIELDS).flat().filter((f) => f.type === 'seconds').map((f) => f.name));

export function ruleToForm(rule: AlarmRule): RuleForm {
  const form: RuleForm = {};
  for (const [key, value] of Object.entries(rule)) {
    if (SECONDS.has(key) && typeof value === 'number') form[key] = String(value / 1_000);
    else form[key] = typeof value === 'boolean' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return form;
}

/** A rule id from its name ("Oven too hot" → "oven-too-hot"), made unique among `taken` with a number. */
export function generateRuleId(name: string, taken: ReadonlySet<string>): string {
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9_.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'rule';
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

export function newRuleForm(kind: AlarmRuleKind = 'threshold'): RuleForm {
  return { id: '', name: '', kind, priority: 'NORMAL', enabled: true, equipment: '', comparator: 'above', deadband: '0', onDelayMs: '0', offDelayMs: '0' };
}

/**
 * The form as a rule candidate: numbers parsed (a non-number stays text so validation names
 * it), seconds turned into milliseconds, empty optional fields left out, and an empty id made
 * from the name (unique among `taken`).
 */
export function formToCandidate(form: RuleForm, taken: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const kind = form.kind as AlarmRuleKind;
  const specs = [...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? [])];
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const raw = form[spec.name];
    if (spec.type === 'boolean') out[spec.name] = raw === true;
    else if (typeof raw !== 'string' || raw.trim() === '') continue;
    else if (spec.type === 'number') out[spec.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (spec.type === 'seconds') out[spec.name] = Number.isFinite(Number(raw)) ? Math.round(Number(raw) * 1_000) : raw;
    else if (spec.type === 'list' || spec.type === 'pickMany') out[spec.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else out[spec.name] = raw.trim();
  }
  if (out.id === undefined && typeof out.name === 'string') out.id = generateRuleId(out.name, taken);
  return out;
}

export interface KnownNames {
  readonly equipment: readonly string[];
  readonly telemetry: readonly string[];
  readonly parameters: readonly string[];
}

/** What the rule editor offers to pick: the equipment the projector knows, and the telemetry fields and measured parameters they reported. */
export function knownNames(states: readonly EquipmentState[]): KnownNames {
  const equipment = new Set<string>();
  const telemetry = new Set<string>();
  const parameters = new Set<string>();
  for (const state of states) {
    if (state.equipmentId) equipment.add(state.equipmentId);
    for (const [name, value] of Object.entries(state.lastTelemetry ?? {})) if (name !== 'at' && typeof value === 'number') telemetry.add(name);
    for (const name of Object.keys(state.lastMeasurements ?? {})) parameters.add(name);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { equipment: sorted(equipment), telemetry: sorted(telemetry), parameters: sorted(parameters) };
}
