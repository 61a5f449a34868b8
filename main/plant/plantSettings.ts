/**
 * The plant link's settings (issue 14 §1): which NATS servers, this station's name, the
 * stream, credentials and TLS files. One checked shape whether they come from the command
 * line or from settings.json; secrets (password, token, the NKey seed) are only ever held
 * here and in the connection options, never put into status, events or logs.
 */
export interface PlantLinkSettings {
  /** nats:// or tls:// URLs of one server or of a cluster's servers. */
  readonly servers: readonly string[];
  /** This station's name: its durable consumer, and the origin written on what it publishes. */
  readonly station: string;
  /** The JetStream stream (default `PLANT`). */
  readonly stream: string;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** A file holding the NKey seed (`SU…`); the file is read at connect time, its contents never kept in settings. */
  readonly nkeySeedFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
}

export class PlantSettingsError extends Error {
  override readonly name = 'PlantSettingsError';
}

export const DEFAULT_STREAM = 'PLANT';
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SERVER = /^(nats|tls):\/\/[^\s/?#@]+(:\d{1,5})?$/;

/** The settings as they may be shown: servers, station and stream, which secrets are set (never their values). */
export function describeSettings(settings: PlantLinkSettings): { servers: string[]; station: string; stream: string; auth: 'none' | 'user' | 'token' | 'nkey'; tls: boolean } {
  const auth = settings.user !== undefined ? 'user' : settings.token !== undefined ? 'token' : settings.nkeySeedFile !== undefined ? 'nkey' : 'none';
  return { servers: [...settings.servers], station: settings.station, stream: settings.stream, auth, tls: settings.tls !== undefined || settings.servers.some((s) => s.startsWith('tls:')) };
}

/** Checks settings from any source; throws a PlantSettingsError naming the setting and what is wrong. */
export function checkPlantSettings(input: {
  servers: readonly string[];
  station: string;
  stream?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  nkeySeedFile?: string | undefined;
  tls?: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined } | undefined;
}): PlantLinkSettings {
  if (input.servers.length === 0) throw new PlantSettingsError('--plant: give at least one server, such as nats://127.0.0.1:4222');
  for (const server of input.servers) {
    // The text is not echoed whole: a URL may carry credentials that must not reach a log.
    if (!SERVER.test(server)) throw new PlantSettingsError(`--plant: each server must look like nats://HOST:PORT or tls://HOST:PORT without user or password in it (got one starting "${server.slice(0, 12)}")`);
  }
  if (!NAME.test(input.station)) throw new PlantSettingsError(`--station: 1 to 64 letters, digits, "-" or "_" (got "${input.station.slice(0, 80)}")`);
  const stream = input.stream ?? DEFAULT_STREAM;
  if (!NAME.test(stream)) throw new PlantSettingsError(`--plant-stream: 1 to 64 letters, digits, "-" or "_" (got "${stream.slice(0, 80)}")`);
  const ways = [input.user !== undefined || input.password !== undefined, input.token !== undefined, input.nkeySeedFile !== undefined].filter(Boolean).length;
  if (ways > 1) throw new PlantSettingsError('--plant-user/--plant-password, --plant-token and --plant-nkey-seed-file are alternatives: give only one way to sign in');
  if ((input.user === undefined) !== (input.password === undefined)) throw new PlantSettingsError('--plant-user and --plant-password go together: give both or neither');
  const tls = input.tls && Object.values(input.tls).some((v) => v !== undefined) ? input.tls : undefined;
  if (tls && (tls.certFile === undefined) !== (tls.keyFile === undefined)) throw new PlantSettingsError('--plant-tls-cert and --plant-tls-key go together: give both or neither');
  return {
    servers: [...input.servers],
    station: input.station,
    stream,
    ...(input.user !== undefined ? { user: input.user, password: input.password as string } : {}),
    ...(input.token !== undefined ? { token: input.token } : {}),
    ...(input.nkeySeedFile !== undefined ? { nkeySeedFile: input.nkeySeedFile } : {}),
    ...(tls
      ? { tls: { ...(tls.caFile !== undefined ? { caFile: tls.caFile } : {}), ...(tls.certFile !== undefined ? { certFile: tls.certFile } : {}), ...(tls.keyFile !== undefined ? { keyFile: tls.keyFile } : {}) } }
      : {}),
  };
}

/** A station name from a host name: what NAME allows, the rest replaced by "-". */
export function stationFromHost(hostname: string): string {
  const name = hostname.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return name.length > 0 ? name : 'station';
}
