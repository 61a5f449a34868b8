/**
 * Units as the payloads carry them ("degC", "um", "mm/s"), shown as an operator writes them
 * ("°C", "µm"), and values with their unit. Pure.
 */

const UNIT_LABELS: Readonly<Record<string, string>> = {
  degC: '°C', degF: '°F', um: 'µm', percent: '%', pct: '%', ohm: 'Ω', deg: '°',
};

export function unitLabel(unit: string | null | undefined): string {
  if (!unit) return '';
  return UNIT_LABELS[unit] ?? unit;
}

/** A reading to at most 4 decimals, without trailing zeros, with its unit when known: "91.2 °C", "2.013 mm", "12 000 rpm". */
export function formatReading(value: number | null | undefined, unit?: string | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = Number(value.toFixed(4)).toLocaleString('en-US', { maximumFractionDigits: 4 }).replace(/,/g, '\u202f');
  const label = unitLabel(unit);
  if (!label) return text;
  return label === '%' || label === '°' ? `${text}${label}` : `${text} ${label}`;
}
