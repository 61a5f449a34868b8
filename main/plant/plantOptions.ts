/**
 * The plant link's command-line options, for the three parsers (browser mode, desktop app,
 * and any other host): a `node:util` parseArgs fragment, and `plantFromArgs` that turns the
 * parsed values into checked settings (or null when `--plant` is absent: no link, as today).
 * Secrets may also come from the environment (PLANT_NATS_PASSWORD, PLANT_NATS_TOKEN), so
 * that they need not appear in a process list.
 */
import { hostname } from 'node:os';
import { UsageError, type OptionTable } from '../cli/commandLine';
import { checkPlantSettings, PlantSettingsError, stationFromHost, type PlantLinkSettings } from './plantSettings';

export const PLANT_OPTIONS = {
  plant: { type: 'string', multiple: true },
  station: { type: 'string' },
  'plant-stream': { type: 'string' },
  'plant-user': { type: 'string' },
  'plant-password': { type: 'string' },
  'plant-token': { type: 'string' },
  'plant-nkey-seed-file': { type: 'string' },
  'plant-tls-ca': { type: 'string' },
  'plant-tls-cert': { type: 'string' },
  'plant-tls-key': { type: 'string' },
} as const satisfies OptionTable;

export const PLANT_USAGE = `  --plant URL[,URL…]   share events and alarms with other stations over NATS JetStream (nats:// or tls://; repeat or comma-separate for a cluster)
  --station NAME       this station's name on the plant link (default: the host name)
  --plant-stream NAME  the JetStream stream (default PLANT)
  --plant-user U --plant-password P | --plant-token T | --plant-nkey-seed-file FILE   how to sign in (or PLANT_NATS_PASSWORD / PLANT_NATS_TOKEN)
  --plant-tls-ca FILE --plant-tls-cert FILE --plant-tls-key FILE   TLS: the CA to trust, and a client certificate`;

type PlantValues = Partial<Record<keyof typeof PLANT_OPTIONS, string | string[] | boolean | (string | boolean)[]>>;

function text(values: PlantValues, key: keyof typeof PLANT_OPTIONS): string | undefined {
  const value = values[key];
  if (value === undefined) return undefined;
  // A repeated single-value option: the last one counts, as parseArgs does for scalars.
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === 'string' ? last : undefined;
}

/** The link's settings from parsed options; null when `--plant` was not given. Throws the command lines' UsageError in one sentence. */
export function plantFromArgs(values: PlantValues, env: NodeJS.ProcessEnv = process.env, host = hostname()): PlantLinkSettings | null {
  try {
    return checkedFromArgs(values, env, host);
  } catch (error) {
    if (error instanceof PlantSettingsError) throw new UsageError(error.message);
    throw error;
  }
}

function checkedFromArgs(values: PlantValues, env: NodeJS.ProcessEnv, host: string): PlantLinkSettings | null {
  const plant = values.plant;
  if (plant === undefined) {
    const stray = Object.keys(PLANT_OPTIONS).find((key) => key !== 'plant' && values[key as keyof typeof PLANT_OPTIONS] !== undefined);
    if (stray) throw new PlantSettingsError(`--${stray}: applies only with --plant (the NATS server or servers of the plant link)`);
    return null;
  }
  const servers = (Array.isArray(plant) ? plant : [plant]).flatMap((entry) => String(entry).split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  return checkPlantSettings({
    servers,
    station: text(values, 'station') ?? stationFromHost(host),
    stream: text(values, 'plant-stream'),
    user: text(values, 'plant-user'),
    password: text(values, 'plant-password') ?? (text(values, 'plant-user') !== undefined ? env.PLANT_NATS_PASSWORD : undefined),
    token: text(values, 'plant-token') ?? env.PLANT_NATS_TOKEN,
    nkeySeedFile: text(values, 'plant-nkey-seed-file'),
    tls: { caFile: text(values, 'plant-tls-ca'), certFile: text(values, 'plant-tls-cert'), keyFile: text(values, 'plant-tls-key') },
  });
}
