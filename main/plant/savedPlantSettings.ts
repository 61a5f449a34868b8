/**
 * The plant link's settings as the UI sends them and settings.json keeps them (key
 * `plantLink`), checked field by field: a fault is a PlantFieldError naming the field
 * (`servers[0]: must look like …`), which the API answers as invalid input. A password or
 * token the operator left unchanged is taken from the saved settings (`withSavedSecrets`),
 * since the renderer never has it; `publicPlantSettings` is what the renderer may see.
 */
import { z } from 'zod';
import type { PlantLinkApplyOptions, PlantLinkPublicSettings } from '../../shared/api/contractPlantLink';
import type { JsonValue } from '../../shared/events/event';
import { parseFields } from '../../shared/events/fieldSchema';
import { FieldError } from '../../shared/events/validate';
import { textSchema } from '../../shared/ingest/errors';
import { checkPlantSettings, type PlantLinkSettings } from './plantSettings';

export const PLANT_SETTINGS_KEY = 'plantLink';

export class PlantFieldError extends FieldError {
  override name = 'PlantFieldError';
}

const NAME_RULE = 'must be 1 to 64 letters, digits, "-" or "_"';
const name = z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9_-]{1,64}$/, NAME_RULE);
const server = z
  .string({ error: 'must be a string' })
  .max(300, 'must be at most 300 characters')
  .regex(/^(nats|tls):\/\/[^\s/?#@]+(:\d{1,5})?$/, 'must look like nats://HOST:PORT or tls://HOST:PORT, without a user name or password in it');
const file = textSchema(4096).refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path), 'must be an absolute path');
const secret = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
const SHAPE = {
  servers: z.array(server, { error: 'must be a list of server URLs' }).min(1, 'must name at least one server, such as nats://127.0.0.1:4222').max(20, 'at most 20 servers'),
  station: name,
  stream: name.optional(),
  user: textSchema(256).optional(),
  password: secret.optional(),
  token: secret.optional(),
  nkeySeedFile: file.optional(),
  tls: z.strictObject({ caFile: file.optional(), certFile: file.optional(), keyFile: file.optional() }, { error: 'must be an object' }).optional(),
};
const SETTINGS = z.strictObject(SHAPE, { error: 'must be an object' });

/** Checks settings from the UI or settings.json; throws a PlantFieldError naming the field at fault. */
export function validatePlantSettings(candidate: unknown): PlantLinkSettings {
  const fields = parseFields(SETTINGS, candidate, (field, rule) => new PlantFieldError(field, rule), {
    unknownKey: (path) => `is not a known setting (expected one of ${(path[0] === 'tls' ? ['caFile', 'certFile', 'keyFile'] : Object.keys(SHAPE)).join(', ')})`,
  });
  if (fields.password !== undefined && fields.user === undefined) throw new PlantFieldError('password', 'needs a user name');
  if (fields.user !== undefined && fields.password === undefined) throw new PlantFieldError('password', 'is needed with a user name');
  const ways = [fields.user !== undefined, fields.token !== undefined, fields.nkeySeedFile !== undefined].filter(Boolean).length;
  if (ways > 1) throw new PlantFieldError(fields.token !== undefined ? 'token' : 'nkeySeedFile', 'a user and password, a token and an NKey seed file are alternatives: give only one way to sign in');
  const tls = fields.tls ?? {};
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) throw new PlantFieldError(tls.certFile === undefined ? 'tls.certFile' : 'tls.keyFile', 'a client certificate needs both its certificate and its key file');
  return checkPlantSettings({ ...fields, tls });
}

/** The settings with the saved password (same user only) or token put back where the operator kept them. */
export function withSavedSecrets(given: Record<string, unknown>, options: PlantLinkApplyOptions, saved: JsonValue | undefined): Record<string, unknown> {
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return given;
  const out = { ...given };
  if (options.keepPassword && given.password === undefined && saved.password !== undefined && saved.user === given.user) out.password = saved.password;
  if (options.keepToken && given.token === undefined && saved.token !== undefined) out.token = saved.token;
  return out;
}

/** What settings.json keeps: the checked settings as plain JSON. */
export function storedPlantSettings(settings: PlantLinkSettings): JsonValue {
  return JSON.parse(JSON.stringify(settings)) as JsonValue;
}

export function publicPlantSettings(settings: PlantLinkSettings): PlantLinkPublicSettings {
  return {
    servers: [...settings.servers],
    station: settings.station,
    stream: settings.stream,
    user: settings.user ?? null,
    hasPassword: settings.password !== undefined,
    hasToken: settings.token !== undefined,
    nkeySeedFile: settings.nkeySeedFile ?? null,
    tls: { caFile: settings.tls?.caFile ?? null, certFile: settings.tls?.certFile ?? null, keyFile: settings.tls?.keyFile ?? null },
  };
}
