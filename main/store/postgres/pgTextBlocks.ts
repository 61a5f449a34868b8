/**
 * The PostgreSQL store's free-text index: one `text_blocks` row per block of consecutive
 * events (at most BLOCK_EVENTS of one append), holding the keys of the block's words
 * (textKeys.ts) under a GIN index. A free-text query first finds the blocks holding every
 * key the query implies, then checks only their events with LIKE, which alone decides.
 *
 * Measured on 39,000 plant-mix events appended 1,000 at a time (a loaded 2-core machine),
 * PostgreSQL's CPU per 1,000 events: 97 ms with pg_trgm's GIN index over every payload,
 * 47 ms with no text index at all; see the commit that brought this file for the blocks'.
 */
import type pg from 'pg';
import { blockKeys, queryKeys } from './textKeys';

/** Events one block holds at most: a rare text reads at most this many rows per block it falls in. */
export const BLOCK_EVENTS = 1_000;
/** Candidate ranges a query names one by one (index range scans); beyond, it filters the rows it reads in order. */
const LISTED_RANGES = 32;

/** An append's parts of at most BLOCK_EVENTS events, made before its transaction: how many events each holds, and its keys. */
export interface PreparedBlocks {
  readonly sizes: readonly number[];
  readonly keys: readonly (readonly number[])[];
}

/** The blocks of one append's texts (lowercased payloads, in order). */
export function prepareBlocks(texts: readonly string[]): PreparedBlocks {
  const sizes: number[] = [];
  const keys: number[][] = [];
  for (let at = 0; at < texts.length; at += BLOCK_EVENTS) {
    const part = texts.slice(at, at + BLOCK_EVENTS);
    sizes.push(part.length);
    keys.push(blockKeys(part));
  }
  return { sizes, keys };
}

/**
 * The rows of appends committed together, numbered from `firstSeq` on, as the three arrays
 * INSERT_BLOCKS takes. Consecutive parts share a block while it holds at most BLOCK_EVENTS
 * events: keys are shared between events, so a block of 1,000 plant-mix events has 2.4 keys
 * per event, one of 250 4.9 and one event alone 78, and PostgreSQL's index work follows the keys.
 */
export function blockColumns(appends: readonly PreparedBlocks[], firstSeq: number): [number[], number[], string[]] {
  const firsts: number[] = [];
  const lasts: number[] = [];
  const keys: string[] = [];
  let first = firstSeq;
  let size = 0;
  let parts: (readonly number[])[] = [];
  const close = () => {
    if (size === 0) return;
    firsts.push(first);
    lasts.push(first + size - 1);
    keys.push(`{${keysOf(parts).join(',')}}`);
    first += size;
    size = 0;
    parts = [];
  };
  for (const blocks of appends) {
    blocks.sizes.forEach((partSize, i) => {
      if (size + partSize > BLOCK_EVENTS) close();
      size += partSize;
      parts.push(blocks.keys[i]!);
    });
  }
  close();
  return [firsts, lasts, keys];
}

/**
 * The distinct keys of a block's parts. One Set filled part by part: flattening the parts first
 * and spreading a Set of that cost about twice as much CPU (blockColumns over groups of eight
 * archiver appends of 250 plant-mix events: 0.7-0.9 against 0.3-0.6 ms per 1,000 events,
 * measured side by side).
 */
function keysOf(parts: readonly (readonly number[])[]): readonly number[] {
  if (parts.length === 1) return parts[0]!;
  const keys = new Set<number>(parts[0]);
  for (let p = 1; p < parts.length; p++) for (const key of parts[p]!) keys.add(key);
  return Array.from(keys);
}

/** The blocks' insert, with its three parameters' numbers. */
export const insertBlocks = (firsts: number, lasts: number, keys: number): string =>
  `INSERT INTO text_blocks (first_seq, last_seq, keys) SELECT b.f, b.l, b.k::int4[] FROM unnest($${firsts}::int8[], $${lasts}::int8[], $${keys}::text[]) AS b(f, l, k)`;

/** The seq ranges (first, last) of the blocks that may hold `keys`, in seq order, adjacent ones joined. */
export type FindBlocks = (keys: readonly number[]) => Promise<[number, number][]>;

export const FIND_BLOCKS_SQL = 'SELECT first_seq, last_seq FROM text_blocks WHERE keys @> $1::int4[] ORDER BY first_seq';

export function joinRanges(rows: readonly { first_seq: string | number; last_seq: string | number }[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const row of rows) {
    const first = Number(row.first_seq);
    const last = Number(row.last_seq);
    const previous = ranges[ranges.length - 1];
    if (previous && previous[1] + 1 >= first) previous[1] = Math.max(previous[1], last);
    else ranges.push([first, last]);
  }
  return ranges;
}

/**
 * The condition on `e.seq` that keeps a free-text query to the candidate blocks, or null when
 * the query implies no key; `param` gives a value's placeholder. Few ranges are named one by one, so that PostgreSQL reads just
 * their rows; many (a common text) become a multirange that rows read in seq order are checked
 * against, so that a page of a common text still stops early.
 */
export async function textBlockCondition(lowercased: string, param: (value: unknown) => string, findBlocks: FindBlocks): Promise<string | null> {
  const keys = queryKeys(lowercased);
  if (keys.length === 0) return null;
  const ranges = await findBlocks(keys);
  if (ranges.length === 0) return 'false';
  if (ranges.length <= LISTED_RANGES) {
    return `(${ranges.map(([first, last]) => `e.seq BETWEEN ${param(first)}::int8 AND ${param(last)}::int8`).join(' OR ')})`;
  }
  return `e.seq <@ ${param(`{${ranges.map(([first, last]) => `[${first},${last}]`).join(',')}}`)}::int8multirange`;
}

/** Migration: the blocks of the events a database holds already, BLOCK_EVENTS consecutive seqs each. */
export async function buildTextBlocks(client: pg.PoolClient): Promise<void> {
  for (let after = 0; ;) {
    const { rows } = await client.query<{ seq: string; payload_lc: string }>(
      'SELECT seq, payload_lc FROM plant_events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, BLOCK_EVENTS],
    );
    if (rows.length === 0) return;
    const first = Number(rows[0]!.seq);
    after = Number(rows[rows.length - 1]!.seq);
    await client.query('INSERT INTO text_blocks (first_seq, last_seq, keys) VALUES ($1, $2, $3::int4[])', [first, after, blockKeys(rows.map((row) => row.payload_lc))]);
  }
}
