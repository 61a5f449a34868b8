/**
 * Sparkplug B settings, part of the MQTT connection's settings (`sparkplug` there): which
 * groups to follow, the primary host id (`STATE/<host id>` ONLINE while connected, OFFLINE
 * by the MQTT will), and the mapping from group/edge node/device/metric to equipment and
 * event type. The default mapping: the device is the equipment (the edge node for its own
 * metrics), the group is the line, every metric is a reading of `equipment.telemetry.recorded`.
 */
import { z } from 'zod';
import { parseFields } from '../events/fieldSchema';
import { IngestConfigError, textSchema } from './errors';

export const SPARKPLUG_EVENT_TYPES = ['equipment.telemetry.recorded', 'quality.measurement.recorded'] as const;
export type SparkplugEventType = (typeof SPARKPLUG_EVENT_TYPES)[number];

export interface SparkplugRule {
  /** Each: exact text, `*` for any, or `prefix*`; absent matches any. */
  readonly group?: string;
  readonly node?: string;
  /** `-` matches only the edge node's own metrics (no device). */
  readonly device?: string;
  readonly metric?: string;
  /** Templates over `{group}`, `{node}`, `{device}` (the node's id for its own metrics). */
  readonly equipmentId?: string;
  readonly lineId?: string;
  readonly type?: SparkplugEventType;
  /** Metrics this rule matches are not turned into events. */
  readonly ignore?: boolean;
}

/** A rule with its defaults filled in. */
export type CompleteRule = SparkplugRule & { readonly equipmentId: string; readonly lineId: string; readonly type: SparkplugEventType; readonly ignore: boolean };

export interface ValidSparkplugSettings {
  readonly groups: readonly string[];
  readonly hostId: string | null;
  readonly source: string;
  /** The operator's rules in order, then the default rule, which matches everything. */
  readonly rules: readonly CompleteRule[];
  /** The settings as given, for showing and saving them again. */
  readonly config: SparkplugConfig;
}

export interface SparkplugConfig {
  readonly groups?: readonly string[];
  readonly hostId?: string;
  readonly source?: string;
  readonly rules?: readonly SparkplugRule[];
}

export const DEFAULT_SPARKPLUG_SOURCE = 'sparkplug-ingest';
const DEFAULT_RULE: CompleteRule = { equipmentId: '{device}', lineId: '{group}', type: 'equipment.telemetry.recorded', ignore: false };

/** A Sparkplug id (group, node, device, host): no MQTT wildcards, separators or control characters. */
const ID_RULE = 'must be 1 to 64 characters without /, +, # or control characters';
const sparkplugId = z.string({ error: ID_RULE }).min(1, ID_RULE).max(64, ID_RULE).regex(/^[^/+#\u0000-\u001f\u007f]+$/, ID_RULE);
const PATTERN_RULE = 'must be text of at most 200 characters without control characters';
const pattern = z.string({ error: PATTERN_RULE }).min(1, PATTERN_RULE).max(200, PATTERN_RULE).regex(/^[^\u0000-\u001f\u007f]+$/, PATTERN_RULE);
const TEMPLATE_RULE = 'must be text of at most 200 characters using only {group}, {node} and {device}';
const template = textSchema(200).refine((value) => (value.match(/\{[^}]*\}/g) ?? []).every((part) => ['{group}', '{node}', '{device}'].includes(part)), TEMPLATE_RULE);

const RULE = z.strictObject(
  {
    group: pattern.optional(),
    node: pattern.optional(),
    device: pattern.optional(),
    metric: pattern.optional(),
    equipmentId: template.optional(),
    lineId: template.optional(),
    type: z.enum(SPARKPLUG_EVENT_TYPES, { error: `must be one of ${SPARKPLUG_EVENT_TYPES.join(', ')}` }).optional(),
    ignore: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'must be an object' },
);

const SETTINGS = z.strictObject(
  {
    groups: z.array(sparkplugId, { error: 'must be a list of 1 to 100 group ids' }).min(1, 'must be a list of 1 to 100 group ids').max(100, 'must be a list of 1 to 100 group ids').optional(),
    hostId: sparkplugId.optional(),
    source: textSchema(200).optional(),
    rules: z.array(RULE, { error: 'must be a list of at most 200 rules' }).max(200, 'must be a list of at most 200 rules').optional(),
  },
  { error: 'must be an object' },
);

/** Checks the `sparkplug` part of the MQTT settings; throws IngestConfigError naming the field. */
export function validateSparkplugSettings(candidate: unknown): ValidSparkplugSettings {
  const fields = parseFields(SETTINGS, candidate, (field, rule) => new IngestConfigError(field, rule), {
    prefix: 'sparkplug',
    unknownKey: (path) => `is not a known setting (expected one of ${path.length === 0 ? Object.keys(SETTINGS.shape).join(', ') : Object.keys(RULE.shape).join(', ')})`,
  });
  return {
    groups: fields.groups ?? ['+'],
    hostId: fields.hostId ?? null,
    source: fields.source ?? DEFAULT_SPARKPLUG_SOURCE,
    rules: [...(fields.rules ?? []).map((rule) => ({ ...DEFAULT_RULE, ...rule })), DEFAULT_RULE],
    config: fields,
  };
}

/** The topic filters the settings subscribe to. */
export function sparkplugFilters(settings: ValidSparkplugSettings): string[] {
  return settings.groups.map((group) => `spBv1.0/${group}/#`);
}
