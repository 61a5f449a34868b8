/**
 * MQTT connection settings as the operator gives them (through the API or a settings file),
 * checked before any connection is made. The password is never echoed back: `publicSettings`
 * is what the API and events may show. Checked by a zod schema, then the checks that span
 * fields (TLS only on TLS URLs, the backoff's order, a password only with a username).
 */
import { z } from 'zod';
import { parseFields } from '../events/fieldSchema';
import { DEFAULT_INGEST_MAPPING } from './defaultMapping';
import { IngestConfigError, plainObject, textSchema } from './errors';
import { sparkplugFilters, validateSparkplugSettings, type ValidSparkplugSettings } from './sparkplugSettings';
import { compileIngestMapping, type CompiledMapping, type IngestMappingConfig } from './mappingConfig';
import { validateTopicFilter } from './topicTemplate';

export interface MqttTlsSettings {
  /** Paths of PEM files, read when connecting. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Default true: the broker's certificate must verify. */
  readonly rejectUnauthorized?: boolean;
}

export interface MqttSettings {
  /** Names the connection in events and metrics; default `default`. */
  readonly name?: string;
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` host and port. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly clientId?: string;
  readonly tls?: MqttTlsSettings;
  /** Filters to subscribe to; default: the filters of the mapping's rules. */
  readonly topics?: readonly string[];
  readonly qos?: 0 | 1 | 2;
  readonly mapping?: IngestMappingConfig;
  /** Reconnection backoff: the first wait, doubled after each failed attempt up to the maximum. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  readonly connectTimeoutMs?: number;
  readonly keepaliveSeconds?: number;
  /** Sparkplug B on this connection (sparkplugSettings.ts); absent: off. */
  readonly sparkplug?: Record<string, unknown>;
}

export interface ValidMqttSettings {
  readonly name: string;
  readonly url: string;
  readonly broker: string;
  readonly username?: string;
  readonly password?: string;
  readonly clientId?: string;
  readonly tls: MqttTlsSettings;
  readonly topics: readonly string[];
  readonly qos: 0 | 1 | 2;
  readonly mappingConfig: IngestMappingConfig;
  readonly mapping: CompiledMapping;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly connectTimeoutMs: number;
  readonly keepaliveSeconds: number;
  readonly sparkplug: ValidSparkplugSettings | null;
}

const PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

/** An integer within [min, max]. */
const integer = (min: number, max: number) => {
  const rule = `must be an integer from ${min} to ${max}`;
  return z.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};

/** The URL as written out by URL, and the broker it names without credentials or query. */
const url = textSchema(2048).transform((raw, context) => {
  const refuse = (message: string) => (context.addIssue({ code: 'custom', message }), z.NEVER);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return refuse('must be a URL such as mqtt://broker.plant.local:1883');
  }
  if (!PROTOCOLS.includes(parsed.protocol)) return refuse(`must start with ${PROTOCOLS.map((p) => `${p}//`).join(', ')}`);
  if (parsed.hostname === '') return refuse('must name a host');
  if (parsed.username !== '' || parsed.password !== '') return refuse('must not hold credentials: give username and password as their own settings');
  return { url: parsed.href, broker: `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}` };
});

const tls = z
  .strictObject(
    {
      caFile: textSchema(4096).optional(),
      certFile: textSchema(4096).optional(),
      keyFile: textSchema(4096).optional(),
      rejectUnauthorized: z.boolean({ error: 'must be true or false' }).optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((value, context) => {
    if ((value.certFile === undefined) !== (value.keyFile === undefined)) {
      context.addIssue({ code: 'custom', path: [value.certFile === undefined ? 'certFile' : 'keyFile'], message: 'a client certificate needs both certFile and keyFile' });
    }
  });

const TOPICS_RULE = 'must be a list of 1 to 100 MQTT topic filters';

const SHAPE = {
  name: textSchema(64).optional(),
  url,
  username: textSchema(256).optional(),
  password: z.string({ error: 'must be a string' }).max(1024, 'must be at most 1024 characters').optional(),
  clientId: textSchema(128).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  tls: tls.optional(),
  topics: z.array(z.unknown(), { error: TOPICS_RULE }).min(1, TOPICS_RULE).max(100, TOPICS_RULE).optional(),
  qos: z.custom<0 | 1 | 2>((value) => value === 0 || value === 1 || value === 2, 'must be 0, 1 or 2').optional(),
  mapping: z.unknown().optional(),
  reconnect: z
    .strictObject({ initialDelayMs: integer(10, 600_000).optional(), maxDelayMs: integer(10, 3_600_000).optional() }, { error: 'must be an object' })
    .optional(),
  connectTimeoutMs: integer(100, 120_000).optional(),
  keepaliveSeconds: integer(0, 3_600).optional(),
  sparkplug: z.unknown().optional(),
};
const SETTINGS = z.strictObject(SHAPE);

/** The keys an object at `path` may hold, for the message naming an unknown one. */
function knownKeys(path: readonly PropertyKey[]): string {
  const keys = path[0] === 'tls' ? Object.keys(tls.shape) : path[0] === 'reconnect' ? ['initialDelayMs', 'maxDelayMs'] : Object.keys(SHAPE);
  return `is not a known setting (expected one of ${keys.join(', ')})`;
}

/** Checks MQTT settings; throws IngestConfigError naming the field at fault. */
export function validateMqttSettings(candidate: unknown): ValidMqttSettings {
  plainObject(candidate, 'settings');
  const fields = parseFields(SETTINGS, candidate, (field, rule) => new IngestConfigError(field, rule), { unknownKey: knownKeys });
  const tlsSettings: MqttTlsSettings = fields.tls ?? {};
  if (Object.keys(tlsSettings).length > 0 && !/^(mqtts|wss):/.test(fields.url.url)) {
    throw new IngestConfigError('tls', 'applies only to mqtts:// or wss:// URLs');
  }
  const mappingConfig = (fields.mapping ?? DEFAULT_INGEST_MAPPING) as IngestMappingConfig;
  const mapping = compileIngestMapping(mappingConfig);
  const sparkplug = fields.sparkplug === undefined || fields.sparkplug === null ? null : validateSparkplugSettings(fields.sparkplug);
  const topics = fields.topics === undefined ? [...mapping.filters, ...(sparkplug ? sparkplugFilters(sparkplug) : [])] : [...new Set(fields.topics.map((filter, i) => validateTopicFilter(filter, `topics[${i}]`)))];
  const initialDelayMs = fields.reconnect?.initialDelayMs ?? 1_000;
  const maxDelayMs = fields.reconnect?.maxDelayMs ?? Math.max(60_000, initialDelayMs);
  if (maxDelayMs < initialDelayMs) throw new IngestConfigError('reconnect.maxDelayMs', 'must not be below reconnect.initialDelayMs');
  if (fields.password !== undefined && fields.username === undefined) throw new IngestConfigError('password', 'needs a username');
  return {
    name: fields.name ?? 'default',
    ...fields.url,
    ...(fields.username === undefined ? {} : { username: fields.username }),
    ...(fields.password === undefined ? {} : { password: fields.password }),
    ...(fields.clientId === undefined ? {} : { clientId: fields.clientId }),
    tls: tlsSettings,
    topics,
    qos: fields.qos ?? 1,
    mappingConfig,
    mapping,
    reconnect: { initialDelayMs, maxDelayMs },
    connectTimeoutMs: fields.connectTimeoutMs ?? 10_000,
    keepaliveSeconds: fields.keepaliveSeconds ?? 30,
    sparkplug,
  };
}

/** The settings without the password, as the API and the UI may show them. */
export function publicSettings(settings: ValidMqttSettings): Record<string, unknown> {
  const { password: secret, mapping: _compiled, mappingConfig, sparkplug, ...rest } = settings;
  return { ...rest, mapping: mappingConfig, ...(sparkplug ? { sparkplug: sparkplug.config } : {}), hasPassword: secret !== undefined };
}
