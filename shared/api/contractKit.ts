/**
 * Building blocks of the API contract: a method's argument parser and the small schemas the
 * methods share. Every parser throws an Error whose message names the bad argument.
 */
import { z } from 'zod';

export interface Method<Args extends unknown[], Result> {
  /**
   * `owned`: the arguments are fresh from `JSON.parse` and belong to the caller alone, so a
   * method may check and freeze them in place instead of copying them.
   */
  readonly parse: (args: unknown, owned?: boolean) => Args;
  /** Never set: carries the result type for the type checker. */
  readonly result?: Result;
}

export function method<Args extends unknown[], Result>(parse: (args: unknown[], owned: boolean) => Args): Method<Args, Result> {
  return {
    parse: (args, owned = false) => {
      if (!Array.isArray(args)) throw new TypeError('arguments: must be a list');
      return parse(args, owned);
    },
  };
}

export function arity(args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new TypeError(`arguments: expected ${expected}, got ${args.length}`);
  }
}

/** Runs a zod schema on one argument and names the argument in the error. */
export function check<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [name, ...(issue?.path ?? [])].map(String).join('.');
  throw new TypeError(`${path}: ${issue?.message ?? 'is invalid'}`);
}

export const id = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const ids = z.array(id, { error: 'must be a list of ids' }).min(1, 'must name at least one').max(10_000, 'at most 10,000 at once');
export const time = z.custom<number>((v) => typeof v === 'number' && Number.isFinite(v), 'must be a finite number of milliseconds');

