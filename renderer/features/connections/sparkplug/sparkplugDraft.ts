/**
 * The Sparkplug B card as typed (part of the MQTT draft, saved with the MQTT settings) and
 * its translation to the `sparkplug` settings. The draft is checked here with the same
 * validator main runs, so that a bad field is named by its label on the form before
 * anything is sent; main checks again and names the same field. Pure.
 */
import { IngestConfigError } from '../../../../shared/ingest/errors';
import { SPARKPLUG_EVENT_TYPES, validateSparkplugSettings, type SparkplugEventType, type SparkplugRule } from '../../../../shared/ingest/sparkplugSettings';

export interface SparkplugRuleDraft {
  readonly group: string;
  readonly node: string;
  readonly device: string;
  readonly metric: string;
  readonly equipmentId: string;
  readonly lineId: string;
  /** Empty: the default event type (telemetry). */
  readonly type: '' | SparkplugEventType;
  readonly ignore: boolean;
}

export interface SparkplugDraft {
  readonly enabled: boolean;
  /** Group ids, separated by commas or line ends; empty: every group. */
  readonly groups: string;
  /** Empty: no STATE is published (not a primary host). */
  readonly hostId: string;
  /** Empty: the default source name. */
  readonly source: string;
  readonly rules: readonly SparkplugRuleDraft[];
}

export type RuleField = keyof SparkplugRuleDraft;

/** Where on the card a problem lies: a card field, or one field of one mapping rule. */
export type DraftField = { readonly kind: 'card'; readonly key: 'groups' | 'hostId' | 'source' } | { readonly kind: 'rule'; readonly index: number; readonly key: RuleField };

export type SparkplugDraftResult =
  | { readonly ok: true; readonly config: Record<string, unknown> | null }
  | { readonly ok: false; readonly field: DraftField | null; readonly problem: string };

export const EMPTY_RULE: SparkplugRuleDraft = { group: '', node: '', device: '', metric: '', equipmentId: '', lineId: '', type: '', ignore: false };
export const SPARKPLUG_OFF: SparkplugDraft = { enabled: false, groups: '', hostId: '', source: '', rules: [] };

const CARD_LABELS = { groups: 'Sparkplug groups', hostId: 'Sparkplug primary host id', source: 'Sparkplug event source' } as const;
export const RULE_LABELS: Readonly<Record<RuleField, string>> = {
  group: 'group',
  node: 'edge node',
  device: 'device',
  metric: 'metric',
  equipmentId: 'equipment id',
  lineId: 'line id',
  type: 'event type',
  ignore: 'ignore',
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function ruleDraft(rule: unknown): SparkplugRuleDraft {
  if (!isObject(rule)) return EMPTY_RULE;
  const type = SPARKPLUG_EVENT_TYPES.find((known) => known === rule.type) ?? '';
  return { group: str(rule.group), node: str(rule.node), device: str(rule.device), metric: str(rule.metric), equipmentId: str(rule.equipmentId), lineId: str(rule.lineId), type, ignore: rule.ignore === true };
}

/** The card showing the settings in use; null or absent: Sparkplug off. */
export function draftOfSparkplug(config: unknown): SparkplugDraft {
  if (!isObject(config)) return SPARKPLUG_OFF;
  return {
    enabled: true,
    groups: Array.isArray(config.groups) ? config.groups.map(str).join(', ') : '',
    hostId: str(config.hostId),
    source: str(config.source),
    rules: Array.isArray(config.rules) ? config.rules.map(ruleDraft) : [],
  };
}

function ruleOf(draft: SparkplugRuleDraft): SparkplugRule {
  const rule: Record<string, unknown> = {};
  for (const key of ['group', 'node', 'device', 'metric', 'equipmentId', 'lineId'] as const) {
    // Only surrounding blanks are dropped: what remains is checked as typed.
    const value = draft[key].trim();
    if (value !== '') rule[key] = value;
  }
  if (draft.type !== '') rule.type = draft.type;
  if (draft.ignore) rule.ignore = true;
  return rule as SparkplugRule;
}

/** The `sparkplug` settings of the draft (null: off), or the one field at fault in a sentence naming it. */
export function sparkplugOfDraft(draft: SparkplugDraft): SparkplugDraftResult {
  if (!draft.enabled) return { ok: true, config: null };
  const config: Record<string, unknown> = {};
  const groups = draft.groups.split(/[,\n]/).map((group) => group.trim()).filter((group) => group !== '');
  if (groups.length > 0) config.groups = groups;
  if (draft.hostId.trim() !== '') config.hostId = draft.hostId.trim();
  if (draft.source.trim() !== '') config.source = draft.source.trim();
  if (draft.rules.length > 0) config.rules = draft.rules.map(ruleOf);
  try {
    validateSparkplugSettings(config);
  } catch (error) {
    if (!(error instanceof IngestConfigError)) throw error;
    return { ok: false, ...described(error.field, error.rule) };
  }
  return { ok: true, config };
}

/** `sparkplug.rules[1].device` → the second rule's device, said with the labels the card shows. */
function described(path: string, rule: string): { field: DraftField | null; problem: string } {
  const ruleMatch = /^sparkplug\.rules\[(\d+)\]\.(\w+)/.exec(path);
  if (ruleMatch && Object.hasOwn(RULE_LABELS, ruleMatch[2]!)) {
    const index = Number(ruleMatch[1]);
    const key = ruleMatch[2] as RuleField;
    return { field: { kind: 'rule', index, key }, problem: `Mapping rule ${index + 1}, ${RULE_LABELS[key]}: ${rule}.` };
  }
  const cardMatch = /^sparkplug\.(groups|hostId|source)/.exec(path);
  if (cardMatch) {
    const key = cardMatch[1] as keyof typeof CARD_LABELS;
    const which = key === 'groups' && /\[(\d+)\]/.exec(path);
    return { field: { kind: 'card', key }, problem: `${CARD_LABELS[key]}${which ? ` (group ${Number(which[1]) + 1})` : ''}: ${rule}.` };
  }
  return { field: null, problem: `Sparkplug settings, ${path}: ${rule}.` };
}
