/**
 * Reads stored events out of their segments for the Dexie store: which segment holds a
 * seq, a cache of recently used segments, parsing with the current statuses from the
 * columns (or, before their window, from the summaries: oldSegments.ts), and the walk over
 * the seqs a column filter lets through. It owns the store's in-memory state, so the writer
 * and the queries see the same state after a reload.
 */
import { EVENT_STATUSES, PRIORITIES } from '../../shared/events/event';
import type { EventStatus, Priority, StoredEvent } from '../../shared/events/event';
import type { SeqOrder } from '../../shared/store/pagePlan';
import { EventColumns, idHashes } from './eventColumns';
import type { ColumnFilter } from './eventColumns';
import { OldSegments } from './oldSegments';
import type { PlantDatabase } from './plantDatabase';
import { idPrefix, mayContain, NO_SUBJECT } from './segmentFormat';
import type { SegmentRow, SummaryRow } from './segmentFormat';
import { RecentCache } from './recentCache';
import { lastAtMost, loadState } from './storeState';
import type { StoreState } from './storeState';

/** Segments kept parsed-ready in memory (about 10 MB of JSON at 300 bytes an event). */
const SEGMENT_CACHE = 256;
/** Segments per read request when many are read at once (requests run side by side). */
const PARALLEL_READ_SEGMENTS = 8;

type Segments = Map<number, readonly (string | null)[]>;
/** What parsing a set of seqs needs: their segments, and the summaries of those before the window. */
interface Read {
  readonly segments: Segments;
  readonly summaries: ReadonlyMap<number, SummaryRow>;
}

export class SegmentReader {
  /** Parsed-ready segments by first seq. */
  private readonly cache = new RecentCache<readonly (string | null)[]>(SEGMENT_CACHE);
  /** Moves on every merge: a read that began before it may name rows the merge deleted. */
  private layout = 0;

  /** The events before the window, answered from their summaries. */
  readonly old: OldSegments;

  constructor(
    private readonly db: PlantDatabase,
    public state: StoreState,
  ) {
    this.old = new OldSegments(db, () => this.state);
  }

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
    this.state = await loadState(this.db, this.state.window);
    this.cache.clear();
    this.old.clear();
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
    this.cache.remember(first, events);
  }

  /** The segments with these first seqs (ascending), from the cache or in one read. */
  private async segments(firsts: readonly number[]): Promise<Segments> {
    const { found, missing } = this.cache.lookUp(firsts);
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

  /** Reads what parsing these seqs needs. */
  private async read(seqs: readonly number[]): Promise<Read> {
    const base = this.columns.base;
    const old = seqs.filter((seq) => seq <= base);
    const [segments, summaries] = await Promise.all([this.segmentsFor(seqs), old.length === 0 ? new Map<number, SummaryRow>() : this.old.summariesFor(old)]);
    return { segments, summaries };
  }

  /** Parses the events at these seqs from their segments, with their current status; seqs with no stored event are left out. */
  private parseEvents(seqs: readonly number[], { segments, summaries }: Read): StoredEvent[] {
    const texts = this.textsIn(seqs, segments);
    const events: StoredEvent[] = [];
    const { type, types, source, sources, ts, prio, status, subject, subjects, noSubject, base } = this.columns;
    let row: SummaryRow | undefined;
    texts.forEach((text, i) => {
      if (!text) return;
      const seq = seqs[i]!;
      const event = JSON.parse(text) as { -readonly [K in keyof StoredEvent]: StoredEvent[K] };
      event.seq = seq;
      if (seq > base) {
        const at = seq - base - 1;
        event.type = types.names[type[at]!] as string;
        event.source = sources.names[source[at]!] as string;
        event.timestamp = ts[at]!;
        event.priority = PRIORITIES[prio[at]!] as Priority;
        event.status = EVENT_STATUSES[status[at]!] as EventStatus;
        const code = subject[at]!;
        if (code !== noSubject) event.subject = subjects.names[code] as string;
      } else {
        if (!row || seq < row.first || seq >= row.first + row.count) row = summaries.get(this.segmentOf(seq));
        if (!row) throw new Error(`event store: no summary read for seq ${seq}`);
        const k = seq - row.first;
        event.type = row.types[row.typeCode[k]!] as string;
        event.source = row.sources[row.sourceCode[k]!] as string;
        event.timestamp = row.ts[k]!;
        event.priority = PRIORITIES[row.prio[k]!] as Priority;
        event.status = EVENT_STATUSES[row.status[k]!] as EventStatus;
        const code = row.subjectCode[k]!;
        if (code !== NO_SUBJECT) event.subject = row.subjects[code] as string;
      }
      events.push(event);
    });
    return events;
  }

  /** The events at these seqs, in the same order; seqs with no stored event are left out. */
  async eventsAt(seqs: readonly number[]): Promise<StoredEvent[]> {
    if (seqs.length === 0) return [];
    return this.parseEvents(seqs, await this.read(seqs));
  }

  /** Whether an event with this id may be stored (no when neither the window nor the old ids know its hash). */
  mayHoldId(id: string): boolean {
    return this.columns.mayHoldId(id) || this.state.idTimes.rangesOf(id, this.columns.base).length > 0;
  }

  /** Seqs whose stored id hashes are those of `id`, in the window or before it (confirm on the event). */
  async seqsWithIdHashes(id: string): Promise<number[]> {
    const recent = this.columns.seqsOfId(id);
    return this.columns.base === 0 ? recent : [...(await this.old.seqsOfId(id)), ...recent];
  }

  /** Whether the event at each `seq` has the hashes of its `eventId` (no event text is read). */
  async idsStoredAt(records: readonly { readonly eventId: string; readonly seq: number }[]): Promise<boolean[]> {
    const { base } = this.columns;
    const old = records.filter(({ seq }) => seq >= 1 && seq <= base).map(({ seq }) => seq);
    const rows = old.length === 0 ? new Map<number, SummaryRow>() : await this.old.summariesFor(old);
    return records.map(({ eventId, seq }) => {
      if (seq > base) return this.columns.seqsOfId(eventId).includes(seq);
      const row = rows.get(this.segmentOf(seq));
      const [h1, h2] = idHashes(eventId);
      return row !== undefined && row.idh1[seq - row.first] === h1 && row.idh2[seq - row.first] === h2;
    });
  }

  /** The seq of the stored event with this id, confirmed on the stored text. */
  async seqOfId(id: string): Promise<number | undefined> {
    const candidates = await this.seqsWithIdHashes(id);
    if (candidates.length === 0) return undefined;
    const prefix = idPrefix(id);
    const texts = this.textsIn(candidates, await this.segmentsFor(candidates));
    const at = texts.findIndex((text) => text?.startsWith(prefix));
    return at < 0 ? undefined : candidates[at];
  }

  /** `seqOfId` for many ids at once: their segments are read in one go. Unknown ids are left out. */
  async seqsOfIds(ids: readonly string[]): Promise<Map<string, number>> {
    const candidates = await Promise.all(ids.map((id) => this.seqsWithIdHashes(id)));
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
    const nextBatch = async () => {
      while (lo <= hi) {
        const scanned = await this.scan(filter, lo, hi, dir, batch);
        if (dir === 'asc') lo = scanned.next;
        else hi = scanned.next;
        // A text query reads only segments whose text filter allows the needle.
        const seqs = segmentOk ? this.inSegments(scanned.seqs, segmentOk) : scanned.seqs;
        if (seqs.length === 0) continue;
        return { seqs, read: await this.read(seqs) };
      }
      return undefined;
    };
    let current: Promise<{ seqs: number[]; read: Read } | undefined> | undefined = nextBatch();
    while (current) {
      const found = await current;
      current = undefined;
      if (!found) return;
      if (readAhead) {
        current = nextBatch();
        // A read ahead that is never awaited (the walk stopped) must not fail unobserved.
        current.catch(() => undefined);
      }
      if (take(this.parseEvents(found.seqs, found.read)) === false) return;
      if (!readAhead) current = nextBatch();
    }
  }

  /** Seqs in [lo, hi] that pass the filter, up to `max`, from the window's columns or, before it, the summaries. */
  private scan(filter: ColumnFilter, lo: number, hi: number, dir: SeqOrder, max: number): Promise<{ seqs: number[]; next: number }> | { seqs: number[]; next: number } {
    const { base } = this.columns;
    const inWindow = dir === 'asc' ? lo > base : hi > base;
    return inWindow ? this.columns.scan(filter, lo, hi, dir, max) : this.old.scan(filter, lo, hi, dir, max);
  }

  /** How many events pass the column filter (one that needs no confirmation on the events). */
  async count(filter: ColumnFilter): Promise<number> {
    const { columns } = this;
    if (EventColumns.unconstrained(filter)) return columns.length;
    return columns.count(filter) + (columns.base === 0 ? 0 : await this.old.count(filter));
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
