/**
 * How the store lays events out in IndexedDB (schema version 3 and later). IndexedDB's cost
 * is per record, so events are packed into segments:
 *
 * - a `segments` row holds up to SEGMENT_MAX_EVENTS consecutive events (by seq) as JSON
 *   strings, one per event, so that one event can be parsed without parsing its neighbours;
 * - a `summaries` row (same key: the segment's first seq) holds the segment's columns as
 *   typed arrays plus small local dictionaries of its types, sources and subjects. Opening a
 *   store reads only the summaries (about 40 bytes per event) to rebuild the in-memory
 *   index (eventColumns.ts).
 *
 * An append writes its events as segments of their own, and the writer merges small ones
 * later (segmentMerge.ts), so segments end up full and few without an append rewriting what
 * is stored. A segment holds at most SEGMENT_MAX_CHARS, which keeps every row well under the
 * size at which Chromium moves a value out to a separate blob file. (The version-3 upgrade
 * still fills an open tail as it packs: placeInSegments.)
 *
 * Each string starts with the event's id (`{"id":"…",`), so an id can be confirmed without
 * parsing the event. The fields the columns hold are not in the string (see encodeEvent).
 */
import { EVENT_STATUSES, PRIORITIES } from '../../shared/events/event';
import type { StoredEvent } from '../../shared/events/event';
import type { Codes, EventColumns, EventRow } from './eventColumns';

export const SEGMENT_MAX_EVENTS = 128;
export const SEGMENT_MAX_CHARS = 40_000;
/** Bytes of a segment's text filter: 8,192 bits. */
export const TEXT_FILTER_BYTES = 1024;
const TEXT_FILTER_MASK = TEXT_FILTER_BYTES * 8 - 1;
/** A local dictionary code meaning "no subject". */
export const NO_SUBJECT = 255;

export interface SegmentRow {
  readonly first: number;
  /** Events first..first+length-1 as JSON; null marks an event removed behind the store's back. */
  readonly events: readonly (string | null)[];
}

export interface SummaryRow {
  readonly first: number;
  readonly count: number;
  readonly types: readonly string[];
  readonly typeCode: Uint8Array;
  readonly sources: readonly string[];
  readonly sourceCode: Uint8Array;
  readonly subjects: readonly string[];
  /** NO_SUBJECT (255) for an event without subject. */
  readonly subjectCode: Uint8Array;
  readonly idh1: Int32Array;
  readonly idh2: Int32Array;
  readonly corr: Int32Array;
  readonly ts: Float64Array;
  readonly prio: Uint8Array;
  readonly status: Uint8Array;
  /** The segment's text filter (TEXT_FILTER_BYTES): trigrams of its payloads, see textFilterOf. */
  readonly text?: Uint8Array;
}

/** The last segment, still open for more events. */
export interface OpenSegment {
  readonly first: number;
  readonly events: readonly (string | null)[];
  readonly chars: number;
}

/**
 * An event as its segment stores it: JSON with `id` first, without the fields the summary's
 * columns hold exactly (`seq` by position, `type` and `source` in dictionaries, `timestamp`,
 * `priority`, and `status`, the one field that changes after the append; `subject` is
 * derived from the payload). A third less text to read and parse per event. The store puts
 * them back when it reads the event (DexieEventStore.parseEvents).
 */
export function encodeEvent(event: StoredEvent): string {
  const { id, payload, metadata, hash } = event;
  // An event as the writer numbers it (numberedCopy) keeps payload, metadata and hash, in
  // that order: its text is one JSON.stringify of those four, written flat. (Joined from their
  // JSON, the text was a string of parts that IndexedDB copied flat again when it stored it:
  // more garbage per event than writing the payload's JSON twice.) Any other event takes the
  // general way, which gives the same text.
  if (typeof id === 'string' && typeof hash === 'string' && isObject(payload) && isObject(metadata) && isNumbered(event)) {
    return JSON.stringify({ id, payload, metadata, hash });
  }
  const { id: _id, seq: _seq, type: _type, source: _source, timestamp: _timestamp, priority: _priority, status: _status, subject: _subject, ...rest } = event;
  return JSON.stringify({ id, ...rest });
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

/** The own keys, in order, of an event numbered without correlation or causation id, without and with a subject. */
const NUMBERED_KEYS = ['id', 'type', 'source', 'timestamp', 'payload', 'priority', 'status', 'metadata', 'seq', 'hash'];
const NUMBERED_KEYS_WITH_SUBJECT = ['id', 'type', 'source', 'timestamp', 'payload', 'priority', 'status', 'metadata', 'seq', 'subject', 'hash'];

/**
 * Whether the event has exactly the keys numberedCopy gives an event without correlation or
 * causation id, in its order. Walked with for-in rather than Object.keys, whose array of the
 * keys was garbage made for every appended event.
 */
function isNumbered(event: StoredEvent): boolean {
  const expected = event.subject === undefined ? NUMBERED_KEYS : NUMBERED_KEYS_WITH_SUBJECT;
  let at = 0;
  // An inherited enumerable key shows up here too, and takes the general way.
  for (const key in event) if (key !== expected[at++]) return false;
  return at === expected.length;
}

/** The text a free-text query searches: the payload's JSON, lower case (as compileQuery tests it). */
export const searchTextOf = (payload: unknown): string => JSON.stringify(payload).toLowerCase();

function trigramBit(text: string, at: number): number {
  const h = Math.imul(Math.imul(text.charCodeAt(at), 0x9e3779b1) ^ Math.imul(text.charCodeAt(at + 1), 0x85ebca77) ^ text.charCodeAt(at + 2), 0xc2b2ae3d);
  return (h ^ (h >>> 15)) & TEXT_FILTER_MASK;
}

/**
 * A segment's text filter: one bit per trigram (hashed) of its events' search texts. A text
 * query skips a segment whose filter lacks one of the needle's trigrams: no event in it can
 * contain the needle. `base` (the filter of the events already in the segment) is copied,
 * not changed.
 */
export function textFilterOf(base: Uint8Array | undefined, texts: readonly string[]): Uint8Array {
  const filter = base ? Uint8Array.from(base) : new Uint8Array(TEXT_FILTER_BYTES);
  for (const text of texts) {
    // trigramBit, rolled along the text: each character is read once, and its two products
    // are kept for the trigrams that start at it and the one before.
    const length = text.length;
    if (length < 3) continue;
    let second = text.charCodeAt(1);
    let first = Math.imul(text.charCodeAt(0), 0x9e3779b1) ^ Math.imul(second, 0x85ebca77);
    for (let at = 2; at < length; at++) {
      const third = text.charCodeAt(at);
      const h = Math.imul(first ^ third, 0xc2b2ae3d);
      const bit = (h ^ (h >>> 15)) & TEXT_FILTER_MASK;
      filter[bit >>> 3]! |= 1 << (bit & 7);
      first = Math.imul(second, 0x9e3779b1) ^ Math.imul(third, 0x85ebca77);
      second = third;
    }
  }
  return filter;
}

/**
 * The text filters of segment rows written for new events (seqs firstSeq…, search texts
 * `texts`): a rewritten tail keeps what its `existing` filter held.
 */
export function textFiltersOf(writes: readonly SegmentRow[], firstSeq: number, texts: readonly string[], existing: ReadonlyMap<number, Uint8Array>): Map<number, Uint8Array> {
  const filters = new Map<number, Uint8Array>();
  for (const row of writes) {
    const base = row.first < firstSeq ? existing.get(row.first) : undefined;
    const from = Math.max(row.first, firstSeq) - firstSeq;
    filters.set(row.first, textFilterOf(base, texts.slice(from, row.first + row.events.length - firstSeq)));
  }
  return filters;
}

/** Whether a segment with this filter can hold an event whose search text contains `needle` (lower case). */
export function mayContain(filter: Uint8Array | undefined, needle: string): boolean {
  if (!filter || needle.length < 3) return true;
  for (let at = 0; at + 3 <= needle.length; at++) {
    const bit = trigramBit(needle, at);
    if ((filter[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** The start every stored string of the event with this id has. */
export function idPrefix(id: string): string {
  return `{"id":${JSON.stringify(id)},`;
}

const isFull = (segment: OpenSegment) => segment.events.length >= SEGMENT_MAX_EVENTS || segment.chars >= SEGMENT_MAX_CHARS;

/**
 * Places new events (seqs firstSeq, firstSeq+1, …) after the open tail: the rows to write
 * (the tail rewritten with what fits, then new segments) and the new tail.
 */
export function placeInSegments(tail: OpenSegment | undefined, firstSeq: number, strings: readonly string[]): { writes: SegmentRow[]; tail: OpenSegment | undefined } {
  if (strings.length === 0) return { writes: [], tail };
  const writes: SegmentRow[] = [];
  let current: { first: number; events: (string | null)[]; chars: number } | undefined =
    tail && !isFull(tail) ? { first: tail.first, events: [...tail.events], chars: tail.chars } : undefined;
  let last: OpenSegment | undefined = tail;
  const row = (segment: OpenSegment): SegmentRow => ({ first: segment.first, events: segment.events });
  strings.forEach((text, i) => {
    if (!current || isFull(current)) {
      if (current) writes.push(row(current));
      current = { first: firstSeq + i, events: [], chars: 0 };
    }
    current.events.push(text);
    current.chars += text.length;
  });
  if (current) {
    writes.push(row(current));
    last = current;
  }
  return { writes, tail: last };
}

function localCodes(names: readonly string[], codes: Codes, from: number, count: number, none?: { column: number; code: number }): { names: string[]; codes: Uint8Array } {
  const local = new Map<number, number>();
  const out = new Uint8Array(count);
  const kept: string[] = [];
  for (let k = 0; k < count; k++) {
    const global = codes[from + k]!;
    if (none !== undefined && global === none.column) {
      out[k] = none.code;
      continue;
    }
    let code = local.get(global);
    if (code === undefined) {
      code = kept.length;
      kept.push(names[global] as string);
      local.set(global, code);
    }
    out[k] = code;
  }
  return { names: kept, codes: out };
}

/** The summary of events first..first+count-1, taken from the columns (which must hold them), with the segment's text filter. */
export function summaryOf(columns: EventColumns, first: number, count: number, text: Uint8Array | undefined): SummaryRow {
  const from = first - columns.base - 1;
  const to = from + count;
  const types = localCodes(columns.types.names, columns.type, from, count);
  const sources = localCodes(columns.sources.names, columns.source, from, count);
  const subjects = localCodes(columns.subjects.names, columns.subject, from, count, { column: columns.noSubject, code: NO_SUBJECT });
  return {
    first,
    count,
    types: types.names,
    typeCode: types.codes,
    sources: sources.names,
    sourceCode: sources.codes,
    subjects: subjects.names,
    subjectCode: subjects.codes,
    idh1: columns.idh1.slice(from, to),
    idh2: columns.idh2.slice(from, to),
    corr: columns.corr.slice(from, to),
    ts: columns.ts.slice(from, to),
    prio: columns.prio.slice(from, to),
    status: columns.status.slice(from, to),
    ...(text ? { text } : {}),
  };
}

/** The rows that store a run of new events, not yet committed to the columns. */
export interface PackedEvents {
  readonly segments: readonly SegmentRow[];
  readonly summaries: readonly SummaryRow[];
  /** The text filter of each written segment, by first seq. */
  readonly filters: ReadonlyMap<number, Uint8Array>;
  /** The open tail once these rows are stored. */
  readonly tail: OpenSegment | undefined;
}

/**
 * The segment and summary rows for `events` (numbered columns.length + 1, … in order) after
 * the open `tail`. Their columns are set beyond `columns.length` (dictionaries may grow: roll
 * them back if the write fails); nothing is visible until `commitPacked`.
 */
export function packEvents(columns: EventColumns, tail: OpenSegment | undefined, events: readonly StoredEvent[]): PackedEvents {
  const firstSeq = columns.length + 1;
  events.forEach((event, i) => columns.setRow(firstSeq + i, columns.rowOf(event)));
  const placed = placeInSegments(tail, firstSeq, events.map((event) => encodeEvent(event)));
  const filters = textFiltersOf(placed.writes, firstSeq, events.map((event) => searchTextOf(event.payload)), columns.textFilters);
  const summaries = placed.writes.map((row) => summaryOf(columns, row.first, row.events.length, filters.get(row.first)));
  return { segments: placed.writes, summaries, filters, tail: placed.tail };
}

/** Makes packed events visible in the columns once their rows are stored. */
export function commitPacked(columns: EventColumns, packed: PackedEvents, count: number): void {
  columns.commit(columns.length + count);
  for (const [first, filter] of packed.filters) columns.textFilters.set(first, filter);
}

/** Checks that a summary row read from disk has the shape this version writes. */
export function checkSummary(row: SummaryRow, expectedFirst: number): void {
  const fail = (what: string) => {
    throw new Error(`event store: the summary of the segment at seq ${row?.first} is damaged (${what})`);
  };
  if (!row || row.first !== expectedFirst) fail(`expected a segment starting at seq ${expectedFirst}`);
  const { count } = row;
  if (!Number.isInteger(count) || count < 1 || count > SEGMENT_MAX_EVENTS) fail('bad event count');
  const columns = [row.typeCode, row.sourceCode, row.subjectCode, row.idh1, row.idh2, row.corr, row.ts, row.prio, row.status];
  if (columns.some((column) => !ArrayBuffer.isView(column) || column.length !== count)) fail('a column has the wrong length');
  if (row.text !== undefined && !(row.text instanceof Uint8Array && row.text.length === TEXT_FILTER_BYTES)) fail('bad text filter');
  if (![row.types, row.sources, row.subjects].every((names) => Array.isArray(names) && names.every((name) => typeof name === 'string'))) fail('bad dictionary');
  for (let k = 0; k < count; k++) {
    const subject = row.subjectCode[k]!;
    if (row.typeCode[k]! >= row.types.length || row.sourceCode[k]! >= row.sources.length || (subject !== NO_SUBJECT && subject >= row.subjects.length)) {
      fail(`event ${row.first + k} names a type, source or subject its dictionary lacks`);
    }
    if (row.prio[k]! >= PRIORITIES.length || row.status[k]! >= EVENT_STATUSES.length) fail(`event ${row.first + k} has an unknown priority or status code`);
  }
}

/** Adds a summary's events to the columns (interning its names) and commits them. */
export function loadSummary(columns: EventColumns, row: SummaryRow): void {
  checkSummary(row, columns.length + 1);
  const types = row.types.map((name) => columns.types.intern(name));
  const sources = row.sources.map((name) => columns.sources.intern(name));
  const subjects = row.subjects.map((name) => columns.subjects.intern(name));
  columns.reserve(row.count);
  for (let k = 0; k < row.count; k++) {
    const subject = row.subjectCode[k]!;
    const eventRow: EventRow = {
      idh1: row.idh1[k]!,
      idh2: row.idh2[k]!,
      type: types[row.typeCode[k]!]!,
      source: sources[row.sourceCode[k]!]!,
      subject: subject === NO_SUBJECT ? -1 : subjects[subject]!,
      corr: row.corr[k]!,
      ts: row.ts[k]!,
      prio: row.prio[k]!,
      status: row.status[k]!,
    };
    columns.setRow(row.first + k, eventRow);
  }
  columns.commit(row.first + row.count - 1);
  if (row.text) columns.textFilters.set(row.first, row.text);
}
