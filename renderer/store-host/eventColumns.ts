/**
 * The segment store's in-memory index of its recent events: one column per queried field for
 * seqs base+1..length (the window), indexed by `seq - base - 1`, rebuilt at open from the
 * segment summaries (segmentFormat.ts). A page query scans the columns (typed arrays, a few
 * nanoseconds per event) for the seqs that can match and reads only the segments that hold
 * them. About 45 bytes per event (28 in the columns, up to 8 in the id table, 8 in the
 * segments' text filters), so only a bounded window of events is kept here: older
 * ones are answered from their summaries (oldSegments.ts) and `evict` moves the window on.
 *
 * Strings are kept once each in dictionaries (types, sources, subjects); ids and correlation
 * ids are kept as hashes, so a hit is confirmed on the event itself before it is used.
 *
 * Columns grow past `length` while an append is being written; `length` moves only when the
 * append has committed, so a failed write leaves nothing visible.
 */
import { PRIORITIES, STATUS_CODE } from '../../shared/events/event';
import type { Priority, StoredEvent } from '../../shared/events/event';
import { compilePattern } from '../../shared/events/patterns';
import type { EventQuery } from '../../shared/store/eventStore';
import { hash32 } from '../../shared/store/hash32';
import { grown } from '../../shared/store/grown';
import { Dictionary } from './dictionary';

export { hash32 };

const ID_SEED_1 = 0x2545f491;
const ID_SEED_2 = 0x6a09e667;
const CORRELATION_SEED = 0x3c6ef372;

export const idHashes = (id: string): [number, number] => [hash32(id, ID_SEED_1), hash32(id, ID_SEED_2)];
/** The correlation column's value: 0 means no correlation id. */
export const correlationHash = (id: string | undefined): number => (id === undefined ? 0 : hash32(id, CORRELATION_SEED) || 1);

/**
 * The type, source and subject columns hold 16-bit codes while every code fits below this (a
 * plant has a few hundred names of each), 2 bytes an event each instead of 4; a larger code
 * widens the three to 32 bits for good. The 16-bit subject column keeps it for "no subject".
 */
const NARROW_NONE = 0xffff;

/** A column of dictionary codes. */
export type Codes = Uint16Array | Int32Array;

export const PRIORITY_CODE: Readonly<Record<Priority, number>> = Object.fromEntries(PRIORITIES.map((p, i) => [p, i])) as Record<Priority, number>;
export { STATUS_CODE };

/** The columns of one event, as the store computes them at append. */
export interface EventRow {
  readonly idh1: number;
  readonly idh2: number;
  readonly type: number;
  readonly source: number;
  /** -1 when the event names no subject. */
  readonly subject: number;
  readonly corr: number;
  readonly ts: number;
  readonly prio: number;
  readonly status: number;
}

/** What the columns can decide about a query without reading events. */
export interface ColumnFilter {
  /** Nothing can match (an unknown subject or source, say). */
  readonly none: boolean;
  readonly typeOk?: Uint8Array;
  readonly sourceOk?: Uint8Array;
  readonly subject?: number;
  readonly corr?: number;
  readonly from: number;
  readonly to: number;
  /** Bit i set: priority code i passes. */
  readonly prioMask: number;
  readonly statusMask: number;
  /** Whether a column hit must still be confirmed on the event (hashed fields, text). */
  readonly confirm: boolean;
  /** The free-text needle, lower case, when the query has one. */
  readonly text?: string;
}

function flagsOf(dictionary: Dictionary, accepts: (name: string) => boolean): Uint8Array {
  const flags = new Uint8Array(dictionary.size);
  dictionary.names.forEach((name, code) => {
    if (accepts(name)) flags[code] = 1;
  });
  return flags;
}

/** The id table's slots for `ids` ids: a power of two, at most three quarters full. */
function tableSlots(ids: number): number {
  let slots = 1024;
  while (ids * 4 > slots * 3) slots *= 2;
  return slots;
}

export class EventColumns {
  /** Events committed: seqs 1..length. */
  length = 0;
  /** Seqs 1..base are outside the window: the columns hold base+1..length. Always a segment's end. */
  base = 0;
  /**
   * Whether timestamps never go down with seq (live events usually arrive in time order; an
   * import of old events ends it). While true, a time range is found by binary search.
   */
  timeOrdered = true;
  idh1 = new Int32Array(0);
  idh2 = new Int32Array(0);
  type: Codes = new Uint16Array(0);
  source: Codes = new Uint16Array(0);
  /** The subject's code, or `noSubject` when the event names none. */
  subject: Codes = new Uint16Array(0);
  /** The subject column's value for "no subject": 0xFFFF while the code columns are 16-bit, -1 once widened. */
  noSubject = NARROW_NONE;
  corr = new Int32Array(0);
  ts = new Float64Array(0);
  prio = new Uint8Array(0);
  status = new Uint8Array(0);
  /** Each segment's text filter, by its first seq (segmentFormat.ts, textFilterOf). */
  readonly textFilters = new Map<number, Uint8Array>();
  readonly types = new Dictionary();
  readonly sources = new Dictionary();
  readonly subjects = new Dictionary();
  /**
   * Open-addressed table of seqs keyed by the first id hash (0 = empty slot), at most three
   * quarters full: a full window of 1,310,720 ids fits in 2,097,152 slots (8 MB), where at
   * most half full it took 4,194,304 (16 MB, a quarter of the store host's memory for the window).
   */
  private idTable = new Int32Array(1024);
  private idCount = 0;

  /** Makes room for `count` more events beyond `length`. */
  reserve(count: number): void {
    const need = this.length - this.base + count;
    if (this.ts.length >= need) return;
    this.idh1 = grown(this.idh1, need);
    this.idh2 = grown(this.idh2, need);
    this.type = grown(this.type, need);
    this.source = grown(this.source, need);
    this.subject = grown(this.subject, need);
    this.corr = grown(this.corr, need);
    this.ts = grown(this.ts, need);
    this.prio = grown(this.prio, need);
    this.status = grown(this.status, need);
  }

  /** The row of an event, interning its strings (roll back with `dictionarySizes`/`rollback` if its write fails). */
  rowOf(event: StoredEvent): EventRow {
    return {
      idh1: hash32(event.id, ID_SEED_1),
      idh2: hash32(event.id, ID_SEED_2),
      type: this.types.intern(event.type),
      source: this.sources.intern(event.source),
      subject: event.subject === undefined ? -1 : this.subjects.intern(event.subject),
      corr: correlationHash(event.correlationId),
      ts: event.timestamp,
      prio: PRIORITY_CODE[event.priority],
      status: STATUS_CODE[event.status],
    };
  }

  /** Writes a row at `seq` (beyond `length` until `commit`). */
  setRow(seq: number, row: EventRow): void {
    const i = seq - this.base - 1;
    this.reserve(Math.max(0, seq - this.length));
    if (this.noSubject !== -1 && (row.type >= NARROW_NONE || row.source >= NARROW_NONE || row.subject >= NARROW_NONE)) this.widen();
    this.idh1[i] = row.idh1;
    this.idh2[i] = row.idh2;
    this.type[i] = row.type;
    this.source[i] = row.source;
    // -1 (no subject) is stored as 0xFFFF in the 16-bit column.
    this.subject[i] = row.subject;
    this.corr[i] = row.corr;
    this.ts[i] = row.ts;
    this.prio[i] = row.prio;
    this.status[i] = row.status;
  }

  /** Makes the code columns 32-bit, for a code that does not fit in 16 bits. */
  private widen(): void {
    this.type = Int32Array.from(this.type);
    this.source = Int32Array.from(this.source);
    this.subject = Int32Array.from(this.subject, (code) => (code === NARROW_NONE ? -1 : code));
    this.noSubject = -1;
  }

  dictionarySizes(): [number, number, number] {
    return [this.types.size, this.sources.size, this.subjects.size];
  }

  rollback([types, sources, subjects]: [number, number, number]): void {
    this.types.rollback(types);
    this.sources.rollback(sources);
    this.subjects.rollback(subjects);
  }

  /** Makes rows up to `head` visible and indexes their ids. */
  commit(head: number): void {
    for (let seq = this.length + 1; seq <= head; seq++) {
      this.indexId(seq);
      const i = seq - this.base - 1;
      if (i > 0 && this.ts[i]! < this.ts[i - 1]!) this.timeOrdered = false;
    }
    this.length = head;
  }

  /**
   * Moves the window's start to `base` (a segment's end, at most `length`): the columns of
   * seqs up to it are dropped, the rest moved down, and the id table built again.
   */
  evict(base: number): void {
    const drop = base - this.base;
    if (drop <= 0) return;
    if (base > this.length) throw new Error(`event columns: cannot evict past seq ${this.length}`);
    for (const column of [this.idh1, this.idh2, this.type, this.source, this.subject, this.corr, this.ts, this.prio, this.status]) {
      column.copyWithin(0, drop, this.length - this.base);
    }
    this.base = base;
    // Sized for the ids kept at once, rather than doubled up to it again.
    this.idTable = new Int32Array(tableSlots(this.length - base));
    this.idCount = 0;
    for (let seq = base + 1; seq <= this.length; seq++) this.indexId(seq);
  }

  /** Whether `seq` is committed and inside the window. */
  holds(seq: number): boolean {
    return seq > this.base && seq <= this.length;
  }

  /** The first seq of the window whose timestamp is >= t, or > t when `after` (length + 1 when none); only while timeOrdered. */
  private firstFrom(t: number, after: boolean): number {
    let lo = 0;
    let hi = this.length - this.base;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ts = this.ts[mid]!;
      if (ts < t || (after && ts === t)) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo + 1;
  }

  private indexId(seq: number): void {
    if ((this.idCount + 1) * 4 > this.idTable.length * 3) this.rehash(this.idTable.length * 2);
    const mask = this.idTable.length - 1;
    let slot = this.idh1[seq - this.base - 1]! & mask;
    while (this.idTable[slot] !== 0) slot = (slot + 1) & mask;
    this.idTable[slot] = seq;
    this.idCount += 1;
  }

  private rehash(size: number): void {
    const old = this.idTable;
    this.idTable = new Int32Array(size);
    const mask = size - 1;
    for (const seq of old) {
      if (seq === 0) continue;
      let slot = this.idh1[seq - this.base - 1]! & mask;
      while (this.idTable[slot] !== 0) slot = (slot + 1) & mask;
      this.idTable[slot] = seq;
    }
  }

  /** Seqs of the window whose id hashes equal those of `id` (almost always zero or one; confirm on the event). */
  seqsOfId(id: string): number[] {
    const found: number[] = [];
    this.idSeqs(id, found);
    return found;
  }

  /** Whether a seq of the window has the id hashes of `id`: seqsOfId without the list (every append asks, for every event). */
  mayHoldId(id: string): boolean {
    return this.idSeqs(id);
  }

  /** Puts into `found` the seqs with the id hashes of `id`; without `found`, stops at the first. Returns whether there was one. */
  private idSeqs(id: string, found?: number[]): boolean {
    const h1 = hash32(id, ID_SEED_1);
    const h2 = hash32(id, ID_SEED_2);
    const mask = this.idTable.length - 1;
    let any = false;
    for (let slot = h1 & mask; this.idTable[slot] !== 0; slot = (slot + 1) & mask) {
      const seq = this.idTable[slot]!;
      if (this.idh1[seq - this.base - 1] !== h1 || this.idh2[seq - this.base - 1] !== h2) continue;
      if (!found) return true;
      found.push(seq);
      any = true;
    }
    return any;
  }

  /** The column side of a query (types, sources, subject, correlation, time, priorities, statuses). */
  filterOf(query: Pick<EventQuery, 'types' | 'sources' | 'priorities' | 'statuses' | 'from' | 'to' | 'correlationId' | 'subject' | 'text'>): ColumnFilter {
    let none = false;
    let typeOk: Uint8Array | undefined;
    if (query.types?.length) {
      const matchers = query.types.map((pattern) => compilePattern(pattern));
      typeOk = flagsOf(this.types, (name) => matchers.some((matches) => matches(name)));
      // The dictionaries hold the names of every stored event, before the window too
      // (loadOldSummary): with no name passing, nothing matches and no old summary is read.
      if (!typeOk.includes(1)) none = true;
    }
    let sourceOk: Uint8Array | undefined;
    if (query.sources?.length) {
      const wanted = new Set(query.sources);
      sourceOk = flagsOf(this.sources, (name) => wanted.has(name));
      if (!sourceOk.includes(1)) none = true;
    }
    let subject: number | undefined;
    if (query.subject !== undefined) {
      subject = this.subjects.codeOf(query.subject);
      if (subject === undefined) none = true;
    }
    const maskOf = <T extends string>(values: readonly T[] | undefined, codes: Readonly<Record<T, number>>) =>
      values?.length ? values.reduce((mask, value) => mask | (1 << codes[value]), 0) : 0xff;
    const prioMask = maskOf(query.priorities, PRIORITY_CODE);
    const statusMask = maskOf(query.statuses, STATUS_CODE);
    return {
      none: none || prioMask === 0 || statusMask === 0,
      ...(typeOk ? { typeOk } : {}),
      ...(sourceOk ? { sourceOk } : {}),
      ...(subject === undefined ? {} : { subject }),
      ...(query.correlationId === undefined ? {} : { corr: correlationHash(query.correlationId) }),
      from: query.from ?? Number.NEGATIVE_INFINITY,
      to: query.to ?? Number.POSITIVE_INFINITY,
      prioMask,
      statusMask,
      confirm: query.correlationId !== undefined || (query.text !== undefined && query.text.length > 0),
      ...(query.text ? { text: query.text.toLowerCase() } : {}),
    };
  }

  /** Whether the filter lets every event through. */
  static unconstrained(filter: ColumnFilter): boolean {
    return !filter.none && !filter.typeOk && !filter.sourceOk && filter.subject === undefined && filter.corr === undefined &&
      filter.from === Number.NEGATIVE_INFINITY && filter.to === Number.POSITIVE_INFINITY && filter.prioMask === 0xff && filter.statusMask === 0xff;
  }

  /**
   * How many committed events of the window pass the filter, read from the columns alone,
   * counted a bounded chunk of seqs at a time.
   */
  count(filter: ColumnFilter): number {
    if (EventColumns.unconstrained(filter)) return this.length - this.base;
    const chunk = 65_536;
    let total = 0;
    for (let lo = this.base + 1; ; ) {
      const { seqs, next } = this.scan(filter, lo, this.length, 'asc', chunk);
      total += seqs.length;
      if (seqs.length < chunk) return total;
      lo = next;
    }
  }

  /**
   * Scans the window's seqs in [lo, hi] in `dir` order and collects up to `max` that pass
   * the filter. Returns them and the seq to continue from, which is outside [lo, hi] (or
   * below the window) when the range is done.
   */
  scan(filter: ColumnFilter, lo: number, hi: number, dir: 'asc' | 'desc', max: number): { seqs: number[]; next: number } {
    const seqs: number[] = [];
    const step = dir === 'asc' ? 1 : -1;
    lo = Math.max(lo, this.base + 1);
    hi = Math.min(hi, this.length);
    // Where to go on once the window's part of the range is done (below the window for 'desc').
    const done = dir === 'asc' ? hi + 1 : lo - 1;
    if (this.timeOrdered) {
      // Time-ordered columns: a time range is a seq range.
      if (filter.from > Number.NEGATIVE_INFINITY) lo = Math.max(lo, this.firstFrom(filter.from, false));
      if (filter.to < Number.POSITIVE_INFINITY) hi = Math.min(hi, this.firstFrom(filter.to, true) - 1);
    }
    if (filter.none || lo > hi) return { seqs, next: done };
    const { typeOk, sourceOk, corr, from, to, prioMask, statusMask } = filter;
    // A subject whose code does not fit the 16-bit column names no event in the window (nor "no subject").
    const subject = filter.subject !== undefined && filter.subject >= NARROW_NONE && this.noSubject !== -1 ? -2 : filter.subject;
    const { type, source, subject: subjects, corr: corrs, ts, prio, status, base } = this;
    let seq = dir === 'asc' ? lo : hi;
    for (; seq >= lo && seq <= hi; seq += step) {
      const i = seq - base - 1;
      if (subject !== undefined && subjects[i] !== subject) continue;
      if (corr !== undefined && corrs[i] !== corr) continue;
      if (typeOk && typeOk[type[i]!] !== 1) continue;
      if (sourceOk && sourceOk[source[i]!] !== 1) continue;
      const t = ts[i]!;
      if (t < from || t > to) continue;
      if (((prioMask >> prio[i]!) & 1) === 0 || ((statusMask >> status[i]!) & 1) === 0) continue;
      seqs.push(seq);
      if (seqs.length >= max) return { seqs, next: seq + step };
    }
    return { seqs, next: done };
  }
}
