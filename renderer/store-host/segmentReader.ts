/**
 * Reads stored events out of their segments for the Dexie store: which segment holds a
 * seq, a cache of recently used segments, parsing with the current statuses from the
 * columns, and the walk over the seqs a column filter lets through. It owns the store's
 * in-memory state, so the writer and the queries see the same state after a reload.
 */
import { EVENT_STATUSES, PRIORITIES } from '../../shared/events/event';
import type { EventStatus, Priority, StoredEvent } from '../../shared/events/event';
import type { SeqOrder } from '../../shared/store/pagePlan';
import type { ColumnFilter, EventColumns } from './eventColumns';
import type { PlantDatabase } from './plantDatabase';
import { idPrefix, mayContain } from './segmentFormat';
import type { SegmentRow } from './segmentFormat';
import { lastAtMost, loadState } from './storeState';
import type { StoreState } from './storeState';

/** Segments kept parsed-ready in memory (about 10 MB of JSON at 300 bytes an event). */
const SEGMENT_CACHE = 256;
/** Segments per read request when many are read at once (requests run side by side). */
const PARALLEL_READ_SEGMENTS = 8;

type Segments = Map<number, readonly (string | null)[]>;

export class SegmentReader {
  /** Parsed-ready segments by first seq, least recently used first. */
  private readonly cache: Segments = new Map();
  /** Moves on every merge: a read that began before it may name rows the merge deleted. */
  private layout = 0;

  constructor(
    private readonly db: PlantDatabase,
    public state: StoreState,
  ) {}

  get columns(): EventColumns {
    return this.state.columns;
  }

  get firsts(): number[] {
    return this.state.firsts;
  }

  /**
   * Another store object wrote to the database (a store host that was given up for dead
   * while it still finished its last writes): read the state again. Rare, so it reloads
   * everything rather than patching the columns.
   */
  async reload(): Promise<void> {
    this.state = await loadState(this.db);
    this.cache.clear();
  }

  segmentOf(seq: number): number {
    return this.firsts[lastAtMost(this.firsts, seq)] as number;
  }

  segmentLength(first: number): number {
    const at = lastAtMost(this.firsts, first);
    return (this.firsts[at + 1] ?? this.columns.length + 1) - first;
  }

  /**
   * Segments `firsts` (consecutive, ascending) were merged into one row at `firsts[0]` holding
   * `events`, with the text filter `filter`; called once the merge has committed.
   */
  merged(firsts: readonly number[], events: readonly (string | null)[], filter: Uint8Array | undefined): void {
    const [first, ...gone] = firsts;
    if (first === undefined) return;
    const at = lastAtMost(this.firsts, first);
    if (this.firsts[at] !== first || gone.some((seq, k) => this.firsts[at + 1 + k] !== seq)) throw new Error(`segment merge: segments ${firsts.join(', ')} are not consecutive`);
    this.firsts.splice(at + 1, gone.length);
    this.layout += 1;
    for (const seq of gone) {
      this.cache.delete(seq);
      this.columns.textFilters.delete(seq);
    }
    if (filter) this.columns.textFilters.set(first, filter);
    else this.columns.textFilters.delete(first);
    this.remember(first, events);
  }

  remember(first: number, events: readonly (string | null)[]): void {
    this.cache.delete(first);
    this.cache.set(first, events);
    if (this.cache.size > SEGMENT_CACHE) this.cache.delete(this.cache.keys().next().value as number);
  }

  /** The segments with these first seqs (ascending), from the cache or in one read. */
  private async segments(firsts: readonly number[]): Promise<Segments> {
    const found: Segments = new Map();
    const missing: number[] = [];
    for (const first of firsts) {
      const cached = this.cache.get(first);
      if (cached) found.set(first, cached);
      else missing.push(first);
    }
    if (missing.length === 0) return found;
    // Large reads go as several requests at once: the database reads one while the page
    // takes in another.
    const parts: number[][] = [];
    for (let at = 0; at < missing.length; at += PARALLEL_READ_SEGMENTS) parts.push(missing.slice(at, at + PARALLEL_READ_SEGMENTS));
    for (const rows of await Promise.all(parts.map((part) => this.readSegments(part)))) {
      for (const row of rows) {
        if (!row) continue;
        found.set(row.first, row.events);
        this.remember(row.first, row.events);
      }
    }
    return found;
  }

  /** Reads segments (ascending first seqs) in one request. */
  private readSegments(missing: readonly number[]): Promise<(SegmentRow | undefined)[]> {
    const lo = missing[0] as number;
    const hi = missing[missing.length - 1] as number;
    // One range read when the missing segments are at least half of those between the first
    // and the last (a few extra rows cost less than a request per row); one get each otherwise.
    const span = lastAtMost(this.firsts, hi) - lastAtMost(this.firsts, lo) + 1;
    return span <= missing.length * 2 ? this.db.segments.where('first').between(lo, hi, true, true).toArray() : this.db.segments.bulkGet([...missing]);
  }

  /**
   * Reads the segments that hold these seqs. Should a merge commit while they are read, a
   * row it deleted comes back missing: the seqs it held are read again under the merged
   * row (events never change, so rows read before the merge stay right).
   */
  private async segmentsFor(seqs: readonly number[]): Promise<Segments> {
    const firstsOf = (some: readonly number[]) => [...new Set(some.map((seq) => this.segmentOf(seq)))].sort((a, b) => a - b);
    const layout = this.layout;
    const found = await this.segments(firstsOf(seqs));
    if (layout === this.layout) return found;
    const lost = seqs.filter((seq) => this.rowHolding(seq, found).events.length === 0);
    if (lost.length > 0) for (const [first, events] of await this.segmentsFor(lost)) found.set(first, events);
    return found;
  }

  /** The row among `segments` that holds `seq` (an empty one when none does). */
  private rowHolding(seq: number, segments: Segments): { first: number; events: readonly (string | null)[] } {
    const first = this.segmentOf(seq);
    const events = segments.get(first);
    if (events && seq - first < events.length) return { first, events };
    // Rows read before a merge are keyed by their own first seqs, no longer in `firsts`.
    for (const [key, rows] of segments) if (key <= seq && seq - key < rows.length) return { first: key, events: rows };
    return { first: seq, events: [] };
  }

  /** The stored JSON of these seqs (ascending or descending), undefined where none. */
  private textsIn(seqs: readonly number[], segments: Segments): (string | null | undefined)[] {
    let first = 0;
    let events: readonly (string | null)[] = [];
    return seqs.map((seq) => {
      if (seq < first || seq >= first + events.length) ({ first, events } = this.rowHolding(seq, segments));
      return events[seq - first];
    });
  }

  /** Parses the events at these seqs from their segments, with their current status; seqs with no stored event are left out. */
  private parseEvents(seqs: readonly number[], segments: Segments): StoredEvent[] {
    const texts = this.textsIn(seqs, segments);
    const events: StoredEvent[] = [];
    const { type, types, source, sources, ts, prio, status, subject, subjects } = this.columns;
    texts.forEach((text, i) => {
      if (!text) return;
      const seq = seqs[i]!;
      const at = seq - 1;
      const event = JSON.parse(text) as { -readonly [K in keyof StoredEvent]: StoredEvent[K] };
      event.seq = seq;
      event.type = types.names[type[at]!] as string;
      event.source = sources.names[source[at]!] as string;
      event.timestamp = ts[at]!;
      event.priority = PRIORITIES[prio[at]!] as Priority;
      event.status = EVENT_STATUSES[status[at]!] as EventStatus;
      const code = subject[at]!;
      if (code >= 0) event.subject = subjects.names[code] as string;
      events.push(event);
    });
    return events;
  }

  /** The events at these seqs, in the same order; seqs with no stored event are left out. */
  async eventsAt(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    return this.parseEvents(seqs, await this.segmentsFor(seqs));
  }

  /** The seq of the stored event with this id, confirmed on the stored text. */
  async seqOfId(id: string): Promise<number | undefined> {
    const candidates = this.columns.seqsOfId(id);
    if (candidates.length === 0) return undefined;
    const prefix = idPrefix(id);
    const texts = this.textsIn(candidates, await this.segmentsFor(candidates));
    const at = texts.findIndex((text) => text?.startsWith(prefix));
    return at < 0 ? undefined : candidates[at];
  }

  /** `seqOfId` for many ids at once: their segments are read in one go. Unknown ids are left out. */
  async seqsOfIds(ids: readonly string[]): Promise<Map<string, number>> {
    const candidates = ids.map((id) => this.columns.seqsOfId(id));
    const segments = await this.segmentsFor(candidates.flat());
    const found = new Map<string, number>();
    ids.forEach((id, i) => {
      const seqs = candidates[i] as number[];
      const prefix = idPrefix(id);
      const at = this.textsIn(seqs, segments).findIndex((text) => text?.startsWith(prefix));
      if (at >= 0) found.set(id, seqs[at] as number);
    });
    return found;
  }

  /**
   * Walks seqs in [lo, hi] in `dir` order, reading the events the columns let through,
   * `batch` candidates at a time, until `take` returns false. With `readAhead`, the next
   * batch's segments are being read while `take` works on the current one (long reads:
   * replays, counts, text searches); a page query that stops early does not pay for it.
   */
  async walk(
    filter: ColumnFilter, lo: number, hi: number, dir: SeqOrder, batch: number, take: (events: StoredEvent[]) => boolean | void, readAhead = false,
  ): Promise<void> {
    const text = filter.text;
    const segmentOk = text === undefined ? undefined : (first: number) => mayContain(this.columns.textFilters.get(first), text);
    const nextBatch = () => {
      for (;;) {
        const scanned = this.columns.scan(filter, lo, hi, dir, batch);
        if (dir === 'asc') lo = scanned.next;
        else hi = scanned.next;
        if (scanned.seqs.length === 0) return undefined;
        // A text query reads only segments whose text filter allows the needle.
        const seqs = segmentOk ? this.inSegments(scanned.seqs, segmentOk) : scanned.seqs;
        if (seqs.length === 0) continue;
        const segments = this.segmentsFor(seqs);
        // A read ahead that is never awaited (the walk stopped) must not fail unobserved.
        segments.catch(() => undefined);
        return { seqs, segments };
      }
    };
    let current = nextBatch();
    while (current) {
      const segments = await current.segments;
      const { seqs } = current;
      current = undefined;
      if (readAhead) current = nextBatch();
      if (take(this.parseEvents(seqs, segments)) === false) return;
      if (!readAhead) current = nextBatch();
    }
  }

  /** The seqs whose segment passes `ok` (asked once per segment). */
  private inSegments(seqs: readonly number[], ok: (first: number) => boolean): number[] {
    let first = -1;
    let end = -1;
    let pass = false;
    return seqs.filter((seq) => {
      if (seq < first || seq >= end) {
        first = this.segmentOf(seq);
        end = first + this.segmentLength(first);
        pass = ok(first);
      }
      return pass;
    });
  }
}
