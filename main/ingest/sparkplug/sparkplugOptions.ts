/**
 * Sparkplug B from the command line, for browser mode and the desktop app: `--sparkplug`
 * switches it on for the MQTT connection saved in the settings, `--sparkplug-group G`
 * (repeated or comma-separated) and `--sparkplug-host-id ID` choose the groups and the
 * primary host id. They apply to this run only and over what the settings say; the mapping
 * rules and event source stay those saved (the Connections view edits them). A parseArgs
 * table fragment, a check that refuses a bad value in one sentence naming the option, and
 * the merge into the saved MQTT settings.
 */
import { UsageError, type OptionTable } from '../../cli/commandLine';
import { IngestConfigError } from '../../../shared/ingest/errors';
import { validateSparkplugSettings, type SparkplugConfig } from '../../../shared/ingest/sparkplugSettings';

export const SPARKPLUG_OPTIONS = {
  sparkplug: { type: 'boolean' },
  'sparkplug-group': { type: 'string', multiple: true },
  'sparkplug-host-id': { type: 'string' },
} as const satisfies OptionTable;

export const SPARKPLUG_USAGE = `  --sparkplug          decode Sparkplug B on the saved MQTT connection (its groups, host id and mapping as saved, unless given here)
  --sparkplug-group G[,G…]   follow only these Sparkplug groups (repeatable; default: every group)
  --sparkplug-host-id ID     act as primary host ID: STATE/ID is ONLINE while connected, OFFLINE by the MQTT will`;

type SparkplugValues = Partial<Record<keyof typeof SPARKPLUG_OPTIONS, string | boolean | (string | boolean)[]>>;

const OPTION_OF_FIELD: readonly [RegExp, string][] = [
  [/^sparkplug\.groups/, '--sparkplug-group'],
  [/^sparkplug\.hostId/, '--sparkplug-host-id'],
];

/** What the options ask of Sparkplug; null when `--sparkplug` was not given. Throws UsageError naming the option. */
export function sparkplugFromArgs(values: SparkplugValues): SparkplugConfig | null {
  const given = (key: keyof typeof SPARKPLUG_OPTIONS) => values[key] !== undefined;
  if (values.sparkplug !== true) {
    const stray = (['sparkplug-group', 'sparkplug-host-id'] as const).find(given);
    if (stray) throw new UsageError(`--${stray}: applies only with --sparkplug (Sparkplug B on the MQTT connection)`);
    return null;
  }
  const groupValues = values['sparkplug-group'];
  const groups = (Array.isArray(groupValues) ? groupValues : groupValues === undefined ? [] : [groupValues])
    .flatMap((entry) => String(entry).split(','))
    .map((group) => group.trim());
  const hostValue = values['sparkplug-host-id'];
  const hostId = Array.isArray(hostValue) ? hostValue[hostValue.length - 1] : hostValue;
  const config: SparkplugConfig = {
    ...(groups.length > 0 ? { groups } : {}),
    ...(hostId === undefined ? {} : { hostId: String(hostId).trim() }),
  };
  try {
    validateSparkplugSettings(config);
  } catch (error) {
    if (!(error instanceof IngestConfigError)) throw error;
    const option = OPTION_OF_FIELD.find(([pattern]) => pattern.test(error.field))?.[1] ?? '--sparkplug';
    throw new UsageError(`${option}: ${error.rule}`);
  }
  return config;
}

/**
 * The saved MQTT settings with the command line's Sparkplug choices laid over their
 * `sparkplug` part; unchanged when there are none, or no saved connection to apply them to.
 */
export function withSparkplugOptions(saved: unknown, options: SparkplugConfig | null): unknown {
  if (options === null || typeof saved !== 'object' || saved === null || Array.isArray(saved)) return saved;
  const settings = saved as Record<string, unknown>;
  const current = settings.sparkplug;
  const base = typeof current === 'object' && current !== null && !Array.isArray(current) ? current : {};
  return { ...settings, sparkplug: { ...base, ...options } };
}
