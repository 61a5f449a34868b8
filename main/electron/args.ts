/**
 * The desktop application's own command-line options. Chromium and Playwright add switches
 * of their own (`--inspect=0`, `--remote-debugging-port=0`…), so unknown ones are left alone.
 */
import { readOwnOptions, UsageError, type OptionTable } from '../cli/commandLine';
import { PLANT_OPTIONS, plantFromArgs } from '../plant/plantOptions';
import type { PlantLinkSettings } from '../plant/plantSettings';
import { STORE_OPTIONS, storeUrlFromArgs } from '../store/postgres/storeOption';
import { SPARKPLUG_OPTIONS, sparkplugFromArgs } from '../ingest/sparkplug/sparkplugOptions';
import type { SparkplugConfig } from '../../shared/ingest/sparkplugSettings';

export interface DesktopOptions {
  /** Where data lives instead of Electron's user-data folder. */
  readonly dataDir?: string;
  /** False with `--no-simulator`: no simulated plant (a real deployment). */
  readonly simulator: boolean;
  /** True with `--review`: the history is only read. */
  readonly review: boolean;
  /** The plant link to other stations (`--plant`); null for a station on its own. */
  readonly plant?: PlantLinkSettings | null;
  /** `--store postgres://…`: events in PostgreSQL instead of the user-data folder. */
  readonly store?: string;
  /** `--sparkplug`…: Sparkplug B on the saved MQTT connection, for this run. */
  readonly sparkplug?: SparkplugConfig | null;
}

/** The options of the desktop app; a feature with options of its own spreads its table in here. */
export const DESKTOP_OPTIONS = {
  'data-dir': { type: 'string' },
  'no-simulator': { type: 'boolean' },
  review: { type: 'boolean' },
  ...PLANT_OPTIONS,
  ...STORE_OPTIONS,
  ...SPARKPLUG_OPTIONS,
} as const satisfies OptionTable;

export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  let dataDir: string | undefined;
  let simulator = true;
  let review = false;
  const plantValues: Record<string, string | string[]> = {};
  let store: string | undefined;
  const sparkplugValues: Record<string, string[] | boolean> = {};
  for (const option of readOwnOptions(argv, DESKTOP_OPTIONS)) {
    const name = option.rawName.slice(2);
    if (Object.hasOwn(PLANT_OPTIONS, name)) {
      if (option.value === undefined || option.value.trim() === '') throw new UsageError(`${option.rawName}: needs a value`);
      plantValues[name] = name === 'plant' ? [...((plantValues[name] as string[] | undefined) ?? []), option.value] : option.value;
    } else if (Object.hasOwn(SPARKPLUG_OPTIONS, name)) {
      if (name === 'sparkplug') sparkplugValues[name] = true;
      else if (option.value === undefined || option.value.trim() === '' || (!option.inline && option.value.startsWith('--'))) throw new UsageError(`${option.rawName}: needs a value`);
      else sparkplugValues[name] = [...((sparkplugValues[name] as string[] | undefined) ?? []), option.value];
    } else if (option.rawName === '--no-simulator') simulator = false;
    else if (option.rawName === '--review') review = true;
    else if (option.rawName === '--store') store = storeUrlFromArgs({ store: option.value ?? '' });
    else {
      const value = option.value;
      // Without `=`, a following switch (`--data-dir --no-sandbox`) is a forgotten folder, not a folder's name.
      if (value === undefined || value.trim() === '' || (!option.inline && value.startsWith('--'))) {
        throw new UsageError('--data-dir needs a folder, e.g. --data-dir ./plant-data');
      }
      dataDir = value;
    }
  }
  const plant = plantFromArgs(plantValues);
  const linked = plant ? { plant } : {};
  const sparkplug = sparkplugFromArgs(sparkplugValues);
  return { simulator, review, ...(sparkplug ? { sparkplug } : {}), ...(dataDir === undefined ? {} : { dataDir }), ...(store === undefined ? {} : { store }), ...linked };
}
