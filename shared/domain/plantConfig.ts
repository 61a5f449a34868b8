/**
 * The simulated plant: which lines and equipment it has, what each kind of equipment makes
 * and measures, and how long things take. `createPlantConfig` checks options that arrive from
 * settings or the API and names the first bad field.
 */
import { EventValidationError } from '../events/validate';

/** What a kind of equipment is like when it runs. */
export interface EquipmentKind {
  readonly kind: string;
  /** Degrees above ambient while running. */
  readonly heat: number;
  /** Vibration while running (mm/s). */
  readonly vibration: number;
  /** Nominal speed while running, in `speedUnit`. */
  readonly speed: number;
  readonly speedUnit: string;
  readonly product: string;
  /** The quality parameter measured on its output, with nominal value and tolerance (±). */
  readonly parameter: string;
  readonly unit: string;
  readonly nominal: number;
  readonly tolerance: number;
}

export const EQUIPMENT_KINDS: readonly EquipmentKind[] = [
  { kind: 'press', heat: 18, vibration: 2.2, speed: 60, speedUnit: 'strokes/min', product: 'bracket', parameter: 'thickness', unit: 'mm', nominal: 2, tolerance: 0.05 },
  { kind: 'cnc', heat: 25, vibration: 1.4, speed: 12_000, speedUnit: 'rpm', product: 'shaft', parameter: 'diameter', unit: 'mm', nominal: 25, tolerance: 0.02 },
  { kind: 'welder', heat: 45, vibration: 0.8, speed: 30, speedUnit: 'cm/min', product: 'frame', parameter: 'seam-strength', unit: 'N', nominal: 460, tolerance: 30 },
  { kind: 'paint', heat: 12, vibration: 0.5, speed: 4, speedUnit: 'm/min', product: 'panel', parameter: 'coating-thickness', unit: 'um', nominal: 80, tolerance: 8 },
  { kind: 'oven', heat: 150, vibration: 0.3, speed: 2, speedUnit: 'm/min', product: 'cured-part', parameter: 'core-temperature', unit: 'degC', nominal: 180, tolerance: 4 },
  { kind: 'packer', heat: 8, vibration: 1.1, speed: 45, speedUnit: 'boxes/min', product: 'box', parameter: 'weight', unit: 'g', nominal: 500, tolerance: 5 },
];

export const FAILURE_MODES = ['bearing wear', 'overheating', 'motor fault', 'jam', 'hydraulic leak', 'sensor fault'] as const;
export const MICRO_STOP_REASONS = ['waiting for material', 'changeover', 'operator break'] as const;

/** Durations in simulated milliseconds; a pair is a [min, max] range drawn uniformly. */
export interface PlantTiming {
  readonly orderMs: readonly [number, number];
  readonly idleBetweenOrdersMs: readonly [number, number];
  readonly measurementEveryMs: readonly [number, number];
  /** Mean running time from a repair to the next breakdown. */
  readonly meanTimeToFailureMs: number;
  readonly maintenanceDelayMs: readonly [number, number];
  readonly repairMs: readonly [number, number];
  /** Mean running time between short stops (waiting for material, changeover). */
  readonly meanTimeBetweenStopsMs: number;
  readonly stopMs: readonly [number, number];
}

export const DEFAULT_TIMING: PlantTiming = {
  orderMs: [180_000, 600_000],
  idleBetweenOrdersMs: [15_000, 90_000],
  measurementEveryMs: [10_000, 30_000],
  meanTimeToFailureMs: 45 * 60_000,
  maintenanceDelayMs: [30_000, 120_000],
  repairMs: [120_000, 480_000],
  meanTimeBetweenStopsMs: 20 * 60_000,
  stopMs: [20_000, 90_000],
};

export interface PlantEquipment {
  readonly equipmentId: string;
  readonly lineId: string;
  readonly kind: EquipmentKind;
}

export interface PlantConfig {
  readonly seed: number;
  /** The `source` of every simulated event. */
  readonly source: string;
  readonly equipment: readonly PlantEquipment[];
  readonly timing: PlantTiming;
}

export interface PlantOptions {
  readonly seed?: number;
  readonly lines?: number;
  readonly equipmentPerLine?: number;
  readonly source?: string;
  readonly timing?: Partial<PlantTiming>;
}

export const MAX_LINES = 50;
export const MAX_EQUIPMENT_PER_LINE = 50;

function fail(field: string, rule: string): never {
  throw new EventValidationError(field, rule);
}

function wholeNumber(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

function duration(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 7 * 24 * 3_600_000) fail(field, 'must be a number of milliseconds above 0 and at most a week');
  return value;
}

function range(value: unknown, field: string): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(field, 'must be [min, max] in milliseconds');
  const min = duration(value[0], `${field}[0]`);
  const max = duration(value[1], `${field}[1]`);
  if (max < min) fail(field, 'max must not be below min');
  return [min, max];
}

function checkTiming(given: unknown): PlantTiming {
  if (given === undefined) return DEFAULT_TIMING;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) fail('timing', 'must be an object');
  const fields = given as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!(key in DEFAULT_TIMING)) fail(`timing.${key}`, 'is not a timing of the plant');
  const merged = { ...DEFAULT_TIMING, ...fields } as Record<keyof PlantTiming, unknown>;
  return {
    orderMs: range(merged.orderMs, 'timing.orderMs'),
    idleBetweenOrdersMs: range(merged.idleBetweenOrdersMs, 'timing.idleBetweenOrdersMs'),
    measurementEveryMs: range(merged.measurementEveryMs, 'timing.measurementEveryMs'),
    meanTimeToFailureMs: duration(merged.meanTimeToFailureMs, 'timing.meanTimeToFailureMs'),
    maintenanceDelayMs: range(merged.maintenanceDelayMs, 'timing.maintenanceDelayMs'),
    repairMs: range(merged.repairMs, 'timing.repairMs'),
    meanTimeBetweenStopsMs: duration(merged.meanTimeBetweenStopsMs, 'timing.meanTimeBetweenStopsMs'),
    stopMs: range(merged.stopMs, 'timing.stopMs'),
  };
}

/**
 * A plant of `lines` lines (default 2) of `equipmentPerLine` equipment (default 6), one of
 * each kind in turn: `press-1`, `cnc-1`, … on `line-1`. Throws EventValidationError.
 */
export function createPlantConfig(options: PlantOptions = {}): PlantConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('plant', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!['seed', 'lines', 'equipmentPerLine', 'source', 'timing'].includes(key)) fail(key, 'is not a plant option');
  }
  const seed = wholeNumber(options.seed, 'seed', 0, 0xffffffff, 1);
  const lines = wholeNumber(options.lines, 'lines', 1, MAX_LINES, 2);
  const perLine = wholeNumber(options.equipmentPerLine, 'equipmentPerLine', 1, MAX_EQUIPMENT_PER_LINE, 6);
  const source = options.source ?? 'plant-simulator';
  if (typeof source !== 'string' || source.trim() === '' || source.length > 200) fail('source', 'must be a non-empty string of at most 200 characters');
  const equipment: PlantEquipment[] = [];
  for (let line = 1; line <= lines; line++) {
    for (let i = 0; i < perLine; i++) {
      const kind = EQUIPMENT_KINDS[i % EQUIPMENT_KINDS.length] as EquipmentKind;
      const round = Math.floor(i / EQUIPMENT_KINDS.length);
      const name = round === 0 ? kind.kind : `${kind.kind}${round + 1}`;
      equipment.push({ equipmentId: `${name}-${line}`, lineId: `line-${line}`, kind });
    }
  }
  return { seed, source, equipment, timing: checkTiming(options.timing) };
}
