/**
 * MQTT connection settings as the operator gives them (through the API or a settings file),
 * checked before any connection is made. The password is never echoed back: `publicSettings`
 * is what the API and events may show.
 */
import { DEFAULT_INGEST_MAPPING } from './defaultMapping';
import { IngestConfigError, integer, onlyKeys, plainObject, text } from './errors';
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
}

const KEYS = ['name', 'url', 'username', 'password', 'clientId', 'tls', 'topics', 'qos', 'mapping', 'reconnect', 'connectTimeoutMs', 'keepaliveSeconds'];
const PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

/** Checks MQTT settings; throws IngestConfigError naming the field at fault. */
export function validateMqttSettings(candidate: unknown): ValidMqttSettings {
  const fields = plainObject(candidate, 'settings');
  onlyKeys(fields, KEYS, '');
  const { url, broker } = parseUrl(fields.url);
  const tls = fields.tls === undefined ? {} : parseTls(fields.tls);
  if (Object.keys(tls).length > 0 && !/^(mqtts|wss):/.test(url)) {
    throw new IngestConfigError('tls', 'applies only to mqtts:// or wss:// URLs');
  }
  const mappingConfig = (fields.mapping ?? DEFAULT_INGEST_MAPPING) as IngestMappingConfig;
  const mapping = compileIngestMapping(mappingConfig);
  const topics = fields.topics === undefined ? mapping.filters : parseTopics(fields.topics);
  const reconnect = fields.reconnect === undefined ? {} : plainObject(fields.reconnect, 'reconnect');
  onlyKeys(reconnect, ['initialDelayMs', 'maxDelayMs'], 'reconnect');
  const initialDelayMs = reconnect.initialDelayMs === undefined ? 1_000 : integer(reconnect.initialDelayMs, 'reconnect.initialDelayMs', 10, 600_000);
  const maxDelayMs = reconnect.maxDelayMs === undefined ? Math.max(60_000, initialDelayMs) : integer(reconnect.maxDelayMs, 'reconnect.maxDelayMs', 10, 3_600_000);
  if (maxDelayMs < initialDelayMs) throw new IngestConfigError('reconnect.maxDelayMs', 'must not be below reconnect.initialDelayMs');
  if (fields.password !== undefined && fields.username === undefined) throw new IngestConfigError('password', 'needs a username');
  const qos = fields.qos === undefined ? 1 : fields.qos;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new IngestConfigError('qos', 'must be 0, 1 or 2');
  return {
    name: fields.name === undefined ? 'default' : text(fields.name, 'name', 64),
    url,
    broker,
    ...(fields.username === undefined ? {} : { username: text(fields.username, 'username', 256) }),
    ...(fields.password === undefined ? {} : { password: password(fields.password) }),
    ...(fields.clientId === undefined ? {} : { clientId: clientId(fields.clientId) }),
    tls,
    topics,
    qos,
    mappingConfig,
    mapping,
    reconnect: { initialDelayMs, maxDelayMs },
    connectTimeoutMs: fields.connectTimeoutMs === undefined ? 10_000 : integer(fields.connectTimeoutMs, 'connectTimeoutMs', 100, 120_000),
    keepaliveSeconds: fields.keepaliveSeconds === undefined ? 30 : integer(fields.keepaliveSeconds, 'keepaliveSeconds', 0, 3_600),
  };
}

/** The settings without the password, as the API and the UI may show them. */
export function publicSettings(settings: ValidMqttSettings): Record<string, unknown> {
  const { password: secret, mapping: _compiled, mappingConfig, ...rest } = settings;
  return { ...rest, mapping: mappingConfig, hasPassword: secret !== undefined };
}

function parseUrl(value: unknown): { url: string; broker: string } {
  const raw = text(value, 'url', 2048);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IngestConfigError('url', 'must be a URL such as mqtt://broker.plant.local:1883');
  }
  if (!PROTOCOLS.includes(url.protocol)) throw new IngestConfigError('url', `must start with ${PROTOCOLS.map((p) => `${p}//`).join(', ')}`);
  if (url.hostname === '') throw new IngestConfigError('url', 'must name a host');
  if (url.username !== '' || url.password !== '') {
    throw new IngestConfigError('url', 'must not hold credentials: give username and password as their own settings');
  }
  const broker = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return { url: url.href, broker };
}

function parseTls(value: unknown): MqttTlsSettings {
  const tls = plainObject(value, 'tls');
  onlyKeys(tls, ['caFile', 'certFile', 'keyFile', 'rejectUnauthorized'], 'tls');
  const out: { -readonly [K in keyof MqttTlsSettings]: MqttTlsSettings[K] } = {};
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    if (tls[key] !== undefined) out[key] = text(tls[key], `tls.${key}`, 4096);
  }
  if ((out.certFile === undefined) !== (out.keyFile === undefined)) {
    throw new IngestConfigError(out.certFile === undefined ? 'tls.certFile' : 'tls.keyFile', 'a client certificate needs both certFile and keyFile');
  }
  if (tls.rejectUnauthorized !== undefined) {
    if (typeof tls.rejectUnauthorized !== 'boolean') throw new IngestConfigError('tls.rejectUnauthorized', 'must be true or false');
    out.rejectUnauthorized = tls.rejectUnauthorized;
  }
  return out;
}

function parseTopics(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    throw new IngestConfigError('topics', 'must be a list of 1 to 100 MQTT topic filters');
  }
  return [...new Set(value.map((filter: unknown, i) => validateTopicFilter(filter, `topics[${i}]`)))];
}

function password(value: unknown): string {
  if (typeof value !== 'string') throw new IngestConfigError('password', 'must be a string');
  if (value.length > 1024) throw new IngestConfigError('password', 'must be at most 1024 characters');
  return value;
}

function clientId(value: unknown): string {
  const id = text(value, 'clientId', 128);
  if (!/^[\x21-\x7e]+$/.test(id)) throw new IngestConfigError('clientId', 'must be printable ASCII without spaces');
  return id;
}
