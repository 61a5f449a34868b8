/**
 * OPC UA connection settings as the operator gives them (API or settings file), checked
 * before any connection is made: the endpoint, security, credentials, the subscription's
 * timing and the monitored items with the equipment and reading each one feeds. The
 * password is never echoed back: `publicOpcuaSettings` is what the API may show.
 */
import { z } from 'zod';
import { parseFields } from '../events/fieldSchema';
import { IngestConfigError, plainObject, textSchema } from './errors';
import { compileNaming, DEFAULT_NAMING_TEMPLATE, nodeIdentifier } from './opcuaNaming';

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type SecurityModeName = (typeof SECURITY_MODES)[number];
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];
/** More items than one connection is meant to carry (the issue asks for at least 1,000). */
export const MAX_ITEMS = 20_000;

export interface OpcuaItem {
  readonly nodeId: string;
  readonly equipmentId: string;
  readonly reading: string;
  readonly lineId?: string;
  readonly samplingIntervalMs: number;
  readonly deadband?: { readonly type: 'absolute' | 'percent'; readonly value: number };
}

export interface ValidOpcuaSettings {
  readonly name: string;
  readonly endpointUrl: string;
  readonly securityMode: SecurityModeName;
  readonly securityPolicy: SecurityPolicyName;
  readonly username?: string;
  readonly password?: string;
  readonly publishingIntervalMs: number;
  readonly samplingIntervalMs: number;
  readonly naming: string;
  readonly items: readonly OpcuaItem[];
  /** The items as given (without the names the template derived), for saving and showing. */
  readonly givenItems: readonly Record<string, unknown>[];
  readonly source: string;
  readonly reconnect: { readonly initialDelayMs: number; readonly maxDelayMs: number };
}

const integer = (min: number, max: number) => {
  const rule = `must be an integer from ${min} to ${max}`;
  return z.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};
const name = textSchema(64).regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, dots, colons, dashes or underscores');
const nodeId = textSchema(512).regex(/^(ns=\d{1,5};)?(i=\d{1,10}|s=.+|g=[0-9A-Fa-f-]{36}|b=[A-Za-z0-9+/=]+)$/s, 'must be an OPC UA node id such as ns=2;s=press-1.temperature or ns=0;i=2258');
const endpointUrl = textSchema(2048).refine((raw) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'opc.tcp:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}, 'must be an opc.tcp:// URL such as opc.tcp://plc.plant.local:4840 (credentials go in username and password)');

const ITEM = z.strictObject(
  {
    nodeId,
    equipmentId: name.optional(),
    reading: name.optional(),
    lineId: name.optional(),
    samplingIntervalMs: integer(0, 3_600_000).optional(),
    deadband: z
      .strictObject({ type: z.enum(['absolute', 'percent'], { error: 'must be absolute or percent' }), value: z.number({ error: 'must be a number' }).min(0, 'must not be negative') }, { error: 'must be an object' })
      .refine((d) => d.type !== 'percent' || d.value <= 100, { message: 'a percent deadband must be at most 100', path: ['value'] })
      .optional(),
  },
  { error: 'must be an object' },
);

const SHAPE = {
  name: name.optional(),
  endpointUrl,
  securityMode: z.enum(SECURITY_MODES, { error: `must be one of ${SECURITY_MODES.join(', ')}` }).optional(),
  securityPolicy: z.enum(SECURITY_POLICIES, { error: `must be one of ${SECURITY_POLICIES.join(', ')}` }).optional(),
  username: textSchema(256).optional(),
  password: z.string({ error: 'must be a string' }).max(1024, 'must be at most 1024 characters').optional(),
  publishingIntervalMs: integer(10, 600_000).optional(),
  samplingIntervalMs: integer(0, 3_600_000).optional(),
  naming: textSchema(200).optional(),
  items: z.array(ITEM, { error: `must be a list of at most ${MAX_ITEMS} items` }).max(MAX_ITEMS, `must be a list of at most ${MAX_ITEMS} items`).optional(),
  source: textSchema(100).optional(),
  reconnect: z.strictObject({ initialDelayMs: integer(10, 600_000).optional(), maxDelayMs: integer(10, 3_600_000).optional() }, { error: 'must be an object' }).optional(),
};
const SETTINGS = z.strictObject(SHAPE);

function knownKeys(path: readonly PropertyKey[]): string {
  const keys = path[0] === 'items' ? Object.keys(ITEM.shape) : path[0] === 'reconnect' ? ['initialDelayMs', 'maxDelayMs'] : Object.keys(SHAPE);
  return `is not a known setting (expected one of ${keys.join(', ')})`;
}

/** Checks OPC UA settings; throws IngestConfigError naming the field at fault. */
export function validateOpcuaSettings(candidate: unknown): ValidOpcuaSettings {
  plainObject(candidate, 'settings');
  const fields = parseFields(SETTINGS, candidate, (field, rule) => new IngestConfigError(field, rule), { unknownKey: knownKeys });
  const securityMode = fields.securityMode ?? 'None';
  const securityPolicy = fields.securityPolicy ?? (securityMode === 'None' ? 'None' : 'Basic256Sha256');
  if ((securityMode === 'None') !== (securityPolicy === 'None')) {
    throw new IngestConfigError('securityPolicy', securityMode === 'None' ? 'must be None when securityMode is None' : `must name a policy when securityMode is ${securityMode}`);
  }
  if (fields.password !== undefined && fields.username === undefined) throw new IngestConfigError('password', 'needs a username');
  const naming = compileNaming(fields.naming ?? DEFAULT_NAMING_TEMPLATE, 'naming');
  const samplingIntervalMs = fields.samplingIntervalMs ?? 250;
  const seen = new Set<string>();
  const items = (fields.items ?? []).map((item, i): OpcuaItem => {
    if (seen.has(item.nodeId)) throw new IngestConfigError(`items[${i}].nodeId`, `${item.nodeId} is listed twice`);
    seen.add(item.nodeId);
    const named = naming.match(nodeIdentifier(item.nodeId)) ?? {};
    const equipmentId = item.equipmentId ?? named.equipment;
    const reading = item.reading ?? named.reading ?? 'value';
    const lineId = item.lineId ?? named.line;
    if (equipmentId === undefined) throw new IngestConfigError(`items[${i}].equipmentId`, `is needed: the naming template ${naming.template} does not fit ${item.nodeId}`);
    for (const [key, value] of [['equipmentId', equipmentId], ['lineId', lineId]] as const) {
      if (value !== undefined && !name.safeParse(value).success) throw new IngestConfigError(`items[${i}].${key}`, `"${value.slice(0, 64)}" (from ${item.nodeId}) must be letters, digits, dots, colons, dashes or underscores; give it explicitly`);
    }
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(reading) || ['equipmentId', 'lineId', 'timestamp', 'at', 'units', 'opcua'].includes(reading)) {
      throw new IngestConfigError(`items[${i}].reading`, `"${reading.slice(0, 64)}" cannot name a reading (a letter, then letters, digits, - or _; not a reserved field)`);
    }
    return { nodeId: item.nodeId, equipmentId, reading, ...(lineId ? { lineId } : {}), samplingIntervalMs: item.samplingIntervalMs ?? samplingIntervalMs, ...(item.deadband ? { deadband: item.deadband } : {}) };
  });
  const initialDelayMs = fields.reconnect?.initialDelayMs ?? 1_000;
  const maxDelayMs = fields.reconnect?.maxDelayMs ?? Math.max(30_000, initialDelayMs);
  if (maxDelayMs < initialDelayMs) throw new IngestConfigError('reconnect.maxDelayMs', 'must not be below reconnect.initialDelayMs');
  return {
    name: fields.name ?? 'default',
    endpointUrl: fields.endpointUrl,
    securityMode,
    securityPolicy,
    ...(fields.username === undefined ? {} : { username: fields.username }),
    ...(fields.password === undefined ? {} : { password: fields.password }),
    publishingIntervalMs: fields.publishingIntervalMs ?? 500,
    samplingIntervalMs,
    naming: naming.template,
    items,
    givenItems: (fields.items ?? []) as Record<string, unknown>[],
    source: fields.source ?? 'opcua',
    reconnect: { initialDelayMs, maxDelayMs },
  };
}

/** The settings without the password, as the API and the UI may show them. */
export function publicOpcuaSettings(settings: ValidOpcuaSettings): Record<string, unknown> {
  const { password: secret, items: _derived, givenItems, ...rest } = settings;
  return { ...rest, items: givenItems, hasPassword: secret !== undefined };
}
