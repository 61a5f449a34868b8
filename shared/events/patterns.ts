/**
 * Event type patterns, as subscriptions and queries use them.
 *
 * A pattern is dot-separated segments, each `[a-z0-9-]+` or `*`. An inner `*` matches exactly
 * one segment (`equipment.*.changed`); a trailing `*` matches one or more remaining segments,
 * so `equipment.*` matches `equipment.status.changed`. A lone `*` matches every type. A pattern
 * without `*` matches only the type spelled the same way.
 */
import { EventValidationError } from './validate';

export type TypeMatcher = (type: string) => boolean;

const MAX_PATTERN_LENGTH = 200;
const PATTERN_SHAPE = /^(?:[a-z0-9-]+|\*)(?:\.(?:[a-z0-9-]+|\*))*$/;
const SEGMENT = '[a-z0-9-]+';
/** Compiled matchers kept for reuse; the cache is emptied when it reaches this size. */
const CACHE_LIMIT = 1000;
const cache = new Map<string, TypeMatcher>();

/** Returns the pattern when it is well formed; throws EventValidationError (field `pattern`) otherwise. */
export function validatePattern(pattern: unknown): string {
  if (typeof pattern !== 'string') throw new EventValidationError('pattern', 'must be a string');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new EventValidationError('pattern', `must be at most ${MAX_PATTERN_LENGTH} characters`);
  }
  if (!PATTERN_SHAPE.test(pattern)) {
    throw new EventValidationError('pattern', 'must be dot-separated segments, each [a-z0-9-]+ or *');
  }
  return pattern;
}

/** A function telling whether a type matches `pattern`. */
export function compilePattern(pattern: string): TypeMatcher {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const matcher = buildMatcher(validatePattern(pattern));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, matcher);
  return matcher;
}

export function matchesPattern(pattern: string, type: string): boolean {
  return compilePattern(pattern)(type);
}

function buildMatcher(pattern: string): TypeMatcher {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const segments = pattern.split('.');
  const last = segments.length - 1;
  const source = segments
    .map((segment, index) => {
      if (segment !== '*') return segment; // only [a-z0-9-]: nothing to escape
      return index === last ? `${SEGMENT}(?:\\.${SEGMENT})*` : SEGMENT;
    })
    .join('\\.');
  const regex = new RegExp(`^${source}$`);
  return (type) => regex.test(type);
}
