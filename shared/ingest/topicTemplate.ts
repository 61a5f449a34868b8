/**
 * MQTT topic filters and this app's topic templates.
 *
 * A filter is what the client subscribes to (MQTT rules: `+` is one whole level, `#` the
 * whole last level). A template is a filter whose single-level wildcards may be named,
 * `plant/{lineId}/{equipmentId}/status`, so that a matching topic yields its named levels
 * (`{ lineId: 'line-1', equipmentId: 'press-2' }`) for the payload mapping. A named level
 * never matches an empty level, and a template starting with a wildcard does not match the
 * broker's own `$`-topics (as MQTT filters do not).
 */
import { IngestConfigError } from './errors';

/** The longest filter or template accepted (MQTT allows 65,535 bytes; plant topics are short). */
export const MAX_TOPIC_LENGTH = 1024;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export type TopicCaptures = Record<string, string>;

export interface TopicTemplate {
  readonly template: string;
  /** The MQTT filter that subscribes to every topic the template matches. */
  readonly filter: string;
  readonly names: readonly string[];
  /** The named levels of `topic`, or null when the template does not match it. */
  match(topic: string): TopicCaptures | null;
  /** The same, given the topic's levels as well (`topic.split('/')`), so that several templates tried on one topic split it once. */
  matchSplit(topic: string, levels: readonly string[]): TopicCaptures | null;
}

type Level = { kind: 'literal'; text: string } | { kind: 'any' } | { kind: 'named'; name: string } | { kind: 'rest' };

/** Checks an MQTT subscription filter; returns it or throws naming `field`. */
export function validateTopicFilter(filter: unknown, field: string): string {
  checkTopicText(filter, field);
  const levels = (filter as string).split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw new IngestConfigError(field, "'#' must be the whole last level of a filter");
    }
    if (level.includes('+') && level !== '+') throw new IngestConfigError(field, "'+' must be a whole level of a filter");
  });
  return filter as string;
}

/** Compiles a topic template; throws naming `field` when it is malformed. */
export function compileTopicTemplate(template: unknown, field: string): TopicTemplate {
  checkTopicText(template, field);
  const raw = (template as string).split('/');
  const names = new Set<string>();
  const levels = raw.map((level, i): Level => {
    if (level === '#') {
      if (i !== raw.length - 1) throw new IngestConfigError(field, "'#' must be the whole last level of a template");
      return { kind: 'rest' };
    }
    if (level === '+') return { kind: 'any' };
    if (level.startsWith('{') && level.endsWith('}')) {
      const name = level.slice(1, -1);
      if (!NAME.test(name)) throw new IngestConfigError(field, `level name "${name}" must be a letter then letters, digits or _ (at most 64)`);
      if (names.has(name)) throw new IngestConfigError(field, `level name "${name}" is used twice`);
      names.add(name);
      return { kind: 'named', name };
    }
    if (/[+#{}]/.test(level)) {
      throw new IngestConfigError(field, `level "${level}" must be plain text, '+', '#' or a {name}`);
    }
    return { kind: 'literal', text: level };
  });
  const filter = levels.map((l) => (l.kind === 'literal' ? l.text : l.kind === 'rest' ? '#' : '+')).join('/');
  const startsWild = levels[0]?.kind !== 'literal';
  return {
    template: template as string,
    filter,
    names: [...names],
    match: (topic) => (typeof topic === 'string' ? matchLevels(levels, topic, topic.split('/'), startsWild) : null),
    matchSplit: (topic, parts) => (typeof topic === 'string' ? matchLevels(levels, topic, parts, startsWild) : null),
  };
}

/** Whether `topic` (a concrete topic) is one the MQTT `filter` subscribes to. */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const levels = filter.split('/').map((level): Level => (level === '#' ? { kind: 'rest' } : level === '+' ? { kind: 'any' } : { kind: 'literal', text: level }));
  return typeof topic === 'string' && matchLevels(levels, topic, topic.split('/'), levels[0]?.kind !== 'literal') !== null;
}

function matchLevels(levels: readonly Level[], topic: string, parts: readonly string[], startsWild: boolean): TopicCaptures | null {
  if (topic === '' || (startsWild && topic.startsWith('$'))) return null;
  // A topic of another depth is refused before anything is built for it (a trailing '#' takes any depth from its level on).
  if (parts.length !== levels.length && levels[levels.length - 1]?.kind !== 'rest') return null;
  const captures: TopicCaptures = {};
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as Level;
    if (level.kind === 'rest') return captures;
    const part = parts[i];
    if (part === undefined) return null;
    if (level.kind === 'literal' && part !== level.text) return null;
    if (level.kind === 'named') {
      if (part === '') return null;
      captures[level.name] = part;
    }
  }
  return parts.length === levels.length ? captures : null;
}

function checkTopicText(value: unknown, field: string): void {
  if (typeof value !== 'string') throw new IngestConfigError(field, 'must be a string');
  if (value === '') throw new IngestConfigError(field, 'must not be empty');
  if (value.length > MAX_TOPIC_LENGTH) throw new IngestConfigError(field, `must be at most ${MAX_TOPIC_LENGTH} characters`);
  if (value.includes('\u0000')) throw new IngestConfigError(field, 'must not contain the NUL character');
}
