import { z } from 'zod';
import { FieldError } from '../events/validate';

/**
 * The error a bad ingest configuration raises (an MQTT connection setting or a topic mapping).
 * Like event validation errors it names the field, as a path such as `rules[2].payload.status.from`,
 * and the rule that field broke.
 */
export class IngestConfigError extends FieldError {
  override name = 'IngestConfigError';
}

/** Reads `value` as a plain object, or throws naming `field`. */
export function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestConfigError(field, 'must be an object');
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new IngestConfigError(field, 'must be a plain object');
  return value as Record<string, unknown>;
}

/** Throws when `fields` holds a key not in `allowed`, naming it. */
export function onlyKeys(fields: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) {
      throw new IngestConfigError(field === '' ? key : `${field}.${key}`, `is not a known setting (expected one of ${allowed.join(', ')})`);
    }
  }
}

/** A non-empty string of at most `max` characters, or throws naming `field`. */
export function text(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string') throw new IngestConfigError(field, 'must be a string');
  if (value.trim() === '') throw new IngestConfigError(field, 'must not be empty');
  if (value.length > max) throw new IngestConfigError(field, `must be at most ${max} characters`);
  return value;
}

/** The schema of `text`: a non-empty string of at most `max` characters. */
export const textSchema = (max = 200) =>
  z
    .string({ error: 'must be a string' })
    .refine((value) => value.trim() !== '', 'must not be empty')
    .max(max, `must be at most ${max} characters`);
