/**
 * An EventQuery's filters as a parameterised WHERE clause over `plant_events e` (and the
 * moved statuses `s`). Values only ever travel as parameters.
 *
 * Type patterns are matched by the same code as in every other store (shared/events/
 * patterns.ts), against the types the database holds (a handful, listed through the type
 * index), and the query then asks for those exact types, which the index answers.
 */
import { compilePattern } from '../../../shared/events/patterns';
import type { EventQuery } from '../../../shared/store/eventStore';
import { columnKeys, priorityCode, statusCode } from './pgRows';
import { textBlockCondition, type FindBlocks } from './pgTextBlocks';

/** The distinct types stored, one index probe each (a "loose index scan"). */
export const KNOWN_TYPES_SQL = `WITH RECURSIVE t(type) AS (
  (SELECT type FROM plant_events ORDER BY type LIMIT 1)
  UNION ALL
  SELECT (SELECT p.type FROM plant_events p WHERE p.type > t.type ORDER BY p.type LIMIT 1) FROM t WHERE t.type IS NOT NULL
) SELECT type FROM t WHERE type IS NOT NULL`;

export class SqlParams {
  readonly values: unknown[] = [];

  /** The placeholder of a new parameter. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The concrete types a query's patterns stand for; `knownTypes` is asked only when a pattern has a wildcard. */
export async function typesOf(patterns: readonly string[], knownTypes: () => Promise<string[]>): Promise<string[]> {
  const exact = patterns.filter((pattern) => !pattern.includes('*'));
  const wild = patterns.filter((pattern) => pattern.includes('*')).map((pattern) => compilePattern(pattern));
  if (wild.length === 0) return [...new Set(exact)];
  const matched = (await knownTypes()).filter((type) => wild.some((matches) => matches(type)));
  return [...new Set([...exact, ...matched])];
}

/** `column` equal to one of the forms that stand for `value` (pgRows.ts). */
function matches(column: string, value: string, params: SqlParams): string {
  const keys = columnKeys(value);
  return keys.length === 1 ? `${column} = ${params.add(keys[0])}` : `${column} = ANY(${params.add(keys)}::text[])`;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The conditions of a query's filters (already validated), ANDed by the caller. */
export async function conditionsOf(query: EventQuery, params: SqlParams, knownTypes: () => Promise<string[]>, findBlocks: FindBlocks): Promise<string[]> {
  const where: string[] = [];
  if (query.types?.length) {
    const types = await typesOf(query.types, knownTypes);
    where.push(types.length === 0 ? 'false' : `e.type = ANY(${params.add(types)}::text[])`);
  }
  if (query.sources?.length) where.push(`e.source = ANY(${params.add(query.sources.flatMap(columnKeys))}::text[])`);
  if (query.priorities?.length) where.push(`e.priority = ANY(${params.add(query.priorities.map(priorityCode))}::int2[])`);
  if (query.statuses?.length) where.push(`coalesce(s.status, e.status0) = ANY(${params.add(query.statuses.map(statusCode))}::int2[])`);
  if (query.from !== undefined) where.push(`e.ts >= ${params.add(query.from)}::float8`);
  if (query.to !== undefined) where.push(`e.ts <= ${params.add(query.to)}::float8`);
  if (query.correlationId !== undefined) where.push(matches('e.correlation_id', query.correlationId, params));
  if (query.subject !== undefined) where.push(matches('e.subject', query.subject, params));
  if (query.text !== undefined && query.text.length > 0) {
    const text = query.text.toLowerCase();
    const blocks = await textBlockCondition(text, (value) => params.add(value), findBlocks);
    if (blocks !== null) where.push(blocks);
    where.push(`e.payload_lc LIKE ${params.add(`%${escapeLike(text)}%`)}`);
  }
  return where;
}

export const whereClause = (conditions: readonly string[]): string => (conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`);
