/**
 * Zod schemas for configuration that names its faults the project's way: the first problem
 * as a FieldError whose field is a path such as `rules[2].equipment[0]` and whose rule is the
 * schema's own sentence (`must be at least 1000`).
 */
import type { z } from 'zod';
import type { FieldError } from './validate';

type Issue = z.core.$ZodIssue;

/** `rules[2].payload.status` from zod's ['rules', 2, 'payload', 'status'], after `prefix`. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out;
}

/**
 * The value `schema` parses `value` to; else throws `error(field, rule)` for the first issue.
 * An unknown key is reported before anything else, by its own name, with `unknownKey` (given
 * the path of the object holding it) as the rule.
 */
export function parseFields<T>(
  schema: z.ZodType<T>,
  value: unknown,
  error: (field: string, rule: string) => FieldError,
  options: { readonly prefix?: string; readonly unknownKey: string | ((path: readonly PropertyKey[]) => string) },
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: readonly Issue[] = result.error.issues;
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  const prefix = options.prefix ?? '';
  if (unknown) {
    const rule = typeof options.unknownKey === 'string' ? options.unknownKey : options.unknownKey(unknown.path);
    throw error(fieldPath(prefix, [...unknown.path, unknown.keys[0]!]), rule);
  }
  const first = issues[0]!;
  throw error(first.path.length === 0 && prefix === '' ? 'value' : fieldPath(prefix, first.path), first.message);
}
