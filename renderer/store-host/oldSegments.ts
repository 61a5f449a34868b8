/**
 * The events outside the index's window (seqs 1..columns.base, eventColumns.ts), answered
 * from their segments' summaries (segmentFormat.ts), read from IndexedDB when a query needs
 * them and kept in a small cache of recently used ones. In memory per old segment there is
 * only its first seq, per block of 4,096 old events the spans of their timestamps and ids'
 * times (oldIds.ts), and per rare type the old segments holding it (oldTypes.ts); the rest
 * of the memory is bounded whatever the store's size. Queries that reach old events read
 * their summaries (for rare types only those of the segments holding them): slower than the
 * columns, and as exact.
 *
 * Old segments never change layout (merges join only the trailing segments, which the
 * window always holds); their summaries change only when a status moves (`replaced`).
 */
import type { ColumnFilter, EventColumns } from './eventColumns';
import { idHashes } from './eventColumns';
import type { PlantDatabase } from './plantDatabase';
import { mayContain } from './segmentFormat';
import type { SummaryRow } from './segmentFormat';
import type { BlockSpans, IdTimes } from './oldIds';
import type { OldTypes } from './oldTypes';
import { RecentCache } from './recentCache';
import { lastAtMost } from './storeState';

/** Summaries kept in memory (about 5.5 KB each with its text filter: about 5.5 MB). */
const SUMMARY_CACHE = 1024;
/** Summaries read per request while scanning. */
const SCAN_CHUNK = 32;

export interface OldState {
  readonly columns: EventColumns;
  /** First seq of every segment, ascending. */
  readonly firsts: number[];
  readonly idTimes: IdTimes;
  readonly oldTimes: BlockSpans;
  readonly oldTypes: OldTypes;
}

/** A summary's local codes that pass a filter's column tests. */
function localFlags(names: readonly string[], dictionaryCode: (name: string) => number | undefined, ok: Uint8Array): Uint8Array {
  return Uint8Array.from(names, (name) => {
    const code = dictionaryCode(name);
    return code !== undefined && ok[code] === 1 ? 1 : 0;
  });
}

export class OldSegments {
  private readonly cache = new RecentCache<SummaryRow>(SUMMARY_CACHE);

  constructor(
    private readonly db: PlantDatabase,
    private readonly state: () => OldState,
  ) {}

  clear(): void {
    this.cache.clear();
  }

  /**
   * A stored summary changed (a status moved): the cache keeps the new one, and a read that
   * began before the change keeps it too (see `summaries`).
   */
  replaced(row: SummaryRow): void {
    this.remember(row);
  }

  /** Keeps a summary as the most recently used. */
  remember(row: SummaryRow): void {
    this.cache.remember(row.first, row);
  }

  /** The first seqs of the old segments overlapping [lo, hi], ascending. */
  private segmentsIn(lo: number, hi: number): number[] {
    const { firsts, columns } = this.state();
    hi = Math.min(hi, columns.base);
    if (lo > hi) return [];
    const out: number[] = [];
    for (let at = Math.max(0, lastAtMost(firsts, lo)); at < firsts.length && firsts[at]! <= hi; at++) out.push(firsts[at]!);
    return out;
  }

  /**
   * The first seqs of the old segments overlapping [lo, hi] that hold a type the filter lets
   * through, ascending; undefined when the filter takes every type or a common one.
   */
  private segmentsOfTypes(filter: ColumnFilter, lo: number, hi: number): number[] | undefined {
    const lists = filter.typeOk && this.state().oldTypes.listsOf(filter.typeOk);
    if (!lists) return undefined;
    const { firsts, columns } = this.state();
    const from = firsts[Math.max(0, lastAtMost(firsts, lo))] ?? lo;
    const to = Math.min(hi, columns.base);
    const found: number[] = [];
    for (const list of lists) for (let at = lastAtMost(list, from - 1) + 1; at < list.length && list[at]! <= to; at++) found.push(list[at]!);
    return lists.length > 1 ? [...new Set(found)].sort((a, b) => a - b) : found;
  }

  /** The summaries of these old segments (ascending first seqs), from the cache or read. */
  async summaries(firsts: readonly number[]): Promise<Map<number, SummaryRow>> {
    const { found, missing } = this.cache.lookUp(firsts);
    if (missing.length === 0) return found;
    const lo = missing[0]!;
    const hi = missing[missing.length - 1]!;
    const rows = await this.db.summaries.where('first').between(lo, hi, true, true).toArray();
    const wanted = new Set(missing);
    for (const read of rows) {
      if (!wanted.has(read.first)) continue;
      // A summary replaced while this read was under way is cached already, newer than the one read.
      const row = this.cache.get(read.first) ?? read;
      found.set(row.first, row);
      this.remember(row);
    }
    for (const first of missing) if (!found.has(first)) throw new Error(`event store: the summary of the segment at seq ${first} is missing`);
    return found;
  }

  /** The summaries of the old segments holding these seqs, by first seq. */
  summariesFor(seqs: readonly number[]): Promise<Map<number, SummaryRow>> {
    const { firsts } = this.state();
    const wanted = [...new Set(seqs.map((seq) => firsts[lastAtMost(firsts, seq)]!))].sort((a, b) => a - b);
    return this.summaries(wanted);
  }

  /** Old seqs whose stored id hashes are those of `id` (confirm on the event). */
  async seqsOfId(id: string): Promise<number[]> {
    const { columns, idTimes } = this.state();
    const [h1, h2] = idHashes(id);
    const found: number[] = [];
    for (const [lo, hi] of idTimes.rangesOf(id, columns.base)) {
      for (const row of (await this.summaries(this.segmentsIn(lo, hi))).values()) {
        for (let k = 0; k < row.count; k++) if (row.idh1[k] === h1 && row.idh2[k] === h2) found.push(row.first + k);
      }
    }
    return found;
  }

  /**
   * Scans the old seqs in [lo, hi] in `dir` order, reading summaries a chunk at a time, and
   * collects up to `max` that pass the filter (text by each segment's text filter). Returns
   * them and the seq to continue from, outside [lo, hi] when the range is done.
   */
  async scan(filter: ColumnFilter, lo: number, hi: number, dir: 'asc' | 'desc', max: number): Promise<{ seqs: number[]; next: number }> {
    const seqs: number[] = [];
    lo = Math.max(lo, 1);
    hi = Math.min(hi, this.state().columns.base);
    const done = { seqs, next: dir === 'asc' ? hi + 1 : lo - 1 };
    if (filter.none || lo > hi) return done;
    const { firsts, oldTimes } = this.state();
    // Segments whose time span misses the query's are not read, nor those without a type it asks for.
    const timed = filter.from > Number.NEGATIVE_INFINITY || filter.to < Number.POSITIVE_INFINITY;
    const segments = (this.segmentsOfTypes(filter, lo, hi) ?? this.segmentsIn(lo, hi)).filter((first) => !timed || oldTimes.overlaps(first, (firsts[lastAtMost(firsts, first) + 1] ?? first + 1) - 1, filter.from, filter.to));
    if (dir === 'desc') segments.reverse();
    for (let at = 0; at < segments.length; at += SCAN_CHUNK) {
      const chunk = segments.slice(at, at + SCAN_CHUNK);
      const rows = await this.summaries([...chunk].sort((a, b) => a - b));
      for (const first of chunk) {
        const row = rows.get(first)!;
        const from = Math.max(lo, row.first);
        const to = Math.min(hi, row.first + row.count - 1);
        const next = this.scanRow(filter, row, from, to, dir, seqs, max);
        if (next !== undefined) return { seqs, next };
      }
    }
    return done;
  }

  /** Adds the seqs of `row` in [from, to] that pass; the seq to continue from once `max` are found. */
  private scanRow(filter: ColumnFilter, row: SummaryRow, from: number, to: number, dir: 'asc' | 'desc', seqs: number[], max: number): number | undefined {
    if (filter.text !== undefined && !mayContain(row.text, filter.text)) return undefined;
    const { columns } = this.state();
    const typeOk = filter.typeOk && localFlags(row.types, (name) => columns.types.codeOf(name), filter.typeOk);
    const sourceOk = filter.sourceOk && localFlags(row.sources, (name) => columns.sources.codeOf(name), filter.sourceOk);
    let subject: number | undefined;
    if (filter.subject !== undefined) {
      subject = row.subjects.indexOf(columns.subjects.names[filter.subject]!);
      if (subject < 0) return undefined;
    }
    const { corr, from: t0, to: t1, prioMask, statusMask } = filter;
    const step = dir === 'asc' ? 1 : -1;
    for (let seq = dir === 'asc' ? from : to; seq >= from && seq <= to; seq += step) {
      const k = seq - row.first;
      if (subject !== undefined && row.subjectCode[k] !== subject) continue;
      if (corr !== undefined && row.corr[k] !== corr) continue;
      if (typeOk && typeOk[row.typeCode[k]!] !== 1) continue;
      if (sourceOk && sourceOk[row.sourceCode[k]!] !== 1) continue;
      const t = row.ts[k]!;
      if (t < t0 || t > t1) continue;
      if (((prioMask >> row.prio[k]!) & 1) === 0 || ((statusMask >> row.status[k]!) & 1) === 0) continue;
      seqs.push(seq);
      if (seqs.length >= max) return seq + step;
    }
    return undefined;
  }

  /** How many old events pass the filter (every summary read, a chunk at a time). */
  async count(filter: ColumnFilter): Promise<number> {
    let total = 0;
    const chunk = 65_536;
    for (let lo = 1; ; ) {
      const { seqs, next } = await this.scan(filter, lo, Number.POSITIVE_INFINITY, 'asc', chunk);
      total += seqs.length;
      if (seqs.length < chunk) return total;
      lo = next;
    }
  }
}
