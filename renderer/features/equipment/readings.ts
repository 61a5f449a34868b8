/** The telemetry an equipment card lists: every reading its payloads carried (not a fixed few), with units. Pure. */
import type { EquipmentState } from '../../../shared/domain/equipment';

export interface Reading {
  readonly name: string;
  readonly value: number;
  readonly unit: string | null;
}

/** Every telemetry reading with a value, in name order; `at` is the time of the sample, not a reading. */
export function telemetryReadings(state: EquipmentState): Reading[] {
  const telemetry = state.lastTelemetry ?? {};
  return Object.keys(telemetry)
    .filter((name) => name !== 'at' && typeof telemetry[name] === 'number')
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => ({ name, value: telemetry[name] as number, unit: state.telemetryUnits?.[name] ?? null }));
}
