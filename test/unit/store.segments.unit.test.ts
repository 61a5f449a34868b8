// The segment store's building blocks: placing events in segments, the stored event text, the
// in-memory columns (scan against a brute-force filter, the id table, rollback) and the
// summaries the columns are rebuilt from at open, including damaged ones.
import { describe, expect, it } from 'vitest';
import { EVENT_STATUSES, PRIORITIES } from '../../shared/events/event';
import type { StoredEvent } from '../../shared/events/event';
import { matchesPattern } from '../../shared/events/patterns';
import { newEventId } from '../../shared/events/uuidv7';
import { numberedCopy } from '../../shared/store/numbered';
import type { EventQuery } from '../../shared/store/eventStore';
import { Dictionary } from '../../renderer/store-host/dictionary';
import { EventColumns, correlationHash, idHashes } from '../../renderer/store-host/eventColumns';
import type { EventRow } from '../../renderer/store-host/eventColumns';
import {
  SEGMENT_MAX_CHARS, SEGMENT_MAX_EVENTS, TEXT_FILTER_BYTES, encodeEvent, idPrefix, loadSummary, placeInSegments, summaryOf,
} from '../../renderer/store-host/segmentFormat';
import type { OpenSegment, SummaryRow } from '../../renderer/store-host/segmentFormat';
import { mayContain, searchTextOf, textFilterOf } from '../../renderer/store-host/segmentFormat';
import { BASE_TIME, makeEvent } from '../support/events';
import { seededRandom, type SeededRandom } from '../support/random';

const TYPES = [
  'equipment.status.changed', 'equipment.mode.changed', 'equipment.telemetry.recorded', 'quality.check.failed',
  'quality.check.passed', 'maintenance.scheduled', 'production.order.started', 'production.order.completed', 'alarm.raised',
];
const TYPE_PATTERNS = [
  ...TYPES, 'equipment.*', 'equipment.*.changed', '*.order.started', '*.*.failed', '*.status.*', '*', 'quality.*',
  'nothing.matches.this', 'alarm',
];
const SOURCES = ['plc', 'mes', 'scada', 'operator', 'simulator'];
const SUBJECTS = Array.from({ length: 20 }, (_, i) => `press-${i}`);
const CORRELATIONS = Array.from({ length: 12 }, (_, i) => `corr-${i}`);
const TIME_SPAN = 100_000;

function randomEvent(r: SeededRandom, seq: number): StoredEvent {
  const subject = r.chance(0.25) ? undefined : r.pick(SUBJECTS);
  const correlationId = r.chance(0.4) ? undefined : r.pick(CORRELATIONS);
  const event = makeEvent({
    type: r.pick(TYPES),
    source: r.pick(SOURCES),
    timestamp: BASE_TIME + r.between(0, TIME_SPAN), // not in seq order, with repeats
    priority: r.pick(PRIORITIES),
    status: r.pick(EVENT_STATUSES),
    payload: subject === undefined ? { reading: seq } : { equipmentId: subject, reading: seq },
    ...(correlationId === undefined ? {} : { correlationId }),
  });
  return { ...event, seq, ...(subject === undefined ? {} : { subject }) };
}

/** Columns holding `events` (seqs 1..n), committed in a few uneven steps as appends would. */
function columnsOf(events: readonly StoredEvent[]): EventColumns {
  const columns = new EventColumns();
  const steps = [1, 7, Math.floor(events.length / 3), events.length];
  for (const head of steps) {
    for (let seq = columns.length + 1; seq <= Math.min(head, events.length); seq++) {
      columns.setRow(seq, columns.rowOf(events[seq - 1] as StoredEvent));
    }
    columns.commit(Math.max(columns.length, Math.min(head, events.length)));
  }
  return columns;
}

type ColumnQuery = Pick<EventQuery, 'types' | 'sources' | 'priorities' | 'statuses' | 'from' | 'to' | 'correlationId' | 'subject' | 'text'>;

/** What the columns must decide about one event (text is left to the confirmation on the event). */
function bruteMatches(event: StoredEvent, query: ColumnQuery): boolean {
  if (query.types?.length && !query.types.some((pattern) => matchesPattern(pattern, event.type))) return false;
  if (query.sources?.length && !query.sources.includes(event.source)) return false;
  if (query.subject !== undefined && event.subject !== query.subject) return false;
  if (query.correlationId !== undefined && event.correlationId !== query.correlationId) return false;
  if (query.from !== undefined && event.timestamp < query.from) return false;
  if (query.to !== undefined && event.timestamp > query.to) return false;
  if (query.priorities?.length && !query.priorities.includes(event.priority)) return false;
  if (query.statuses?.length && !query.statuses.includes(event.status)) return false;
  return true;
}

function randomQuery(r: SeededRandom, events: readonly StoredEvent[]): ColumnQuery {
  const query: { -readonly [K in keyof ColumnQuery]: ColumnQuery[K] } = {};
  if (r.chance(0.5)) query.types = r.some(TYPE_PATTERNS, 3);
  if (r.chance(0.35)) query.sources = r.some([...SOURCES, 'ghost'], 3);
  if (r.chance(0.3)) query.subject = r.chance(0.1) ? 'nobody' : r.pick(SUBJECTS);
  if (r.chance(0.25)) query.correlationId = r.chance(0.1) ? 'corr-unknown' : r.pick(CORRELATIONS);
  // Bounds are sometimes an event's own timestamp, to check that both ends are inclusive.
  const someTime = () => (r.chance(0.5) ? (r.pick(events).timestamp) : BASE_TIME + r.between(-10, TIME_SPAN + 10));
  if (r.chance(0.4)) query.from = someTime();
  if (r.chance(0.4)) query.to = someTime();
  if (r.chance(0.35)) query.priorities = r.some(PRIORITIES, 3);
  if (r.chance(0.35)) query.statuses = r.some(EVENT_STATUSES, 3);
  if (r.chance(0.15)) query.text = r.pick(['', 'press', 'reading']);
  return query;
}

/** All seqs scan yields over [lo, hi], page by page of `max`, continuing from `next`. */
function scanAll(columns: EventColumns, query: ColumnQuery, lo: number, hi: number, dir: 'asc' | 'desc', max: number): number[] {
  const filter = columns.filterOf(query);
  const rangeLo = Math.max(lo, 1);
  const rangeHi = Math.min(hi, columns.length);
  const found: number[] = [];
  for (let pages = 0; ; pages++) {
    if (pages > columns.length + 2) throw new Error(`scan did not finish over [${lo}, ${hi}] ${dir} by ${max}`);
    const { seqs, next } = columns.scan(filter, lo, hi, dir, max);
    if (seqs.length > max) throw new Error(`scan returned ${seqs.length} seqs for max ${max}`);
    found.push(...seqs);
    if (next < rangeLo || next > rangeHi) return found;
    // Not done: the page must be full, and must continue right after its last seq.
    if (seqs.length < max) throw new Error(`a short page (${seqs.length} of ${max}) that is not the end: next ${next}`);
    const last = seqs[seqs.length - 1] as number;
    if (next !== last + (dir === 'asc' ? 1 : -1)) throw new Error(`next ${next} does not follow the page's last seq ${last}`);
    if (dir === 'asc') lo = next;
    else hi = next;
  }
}

function bruteSeqs(events: readonly StoredEvent[], query: ColumnQuery, lo: number, hi: number, dir: 'asc' | 'desc'): number[] {
  const seqs = events.filter((event) => event.seq >= lo && event.seq <= hi && bruteMatches(event, query)).map((event) => event.seq);
  return dir === 'asc' ? seqs : seqs.reverse();
}

// ---- placeInSegments ------------------------------------------------------------------------

const charsOf = (events: readonly (string | null)[]) => events.reduce((sum, text) => sum + (text?.length ?? 0), 0);
const isFull = (events: readonly (string | null)[], chars: number) => events.length >= SEGMENT_MAX_EVENTS || chars >= SEGMENT_MAX_CHARS;

function openSegment(first: number, events: readonly (string | null)[]): OpenSegment {
  return Object.freeze({ first, events: Object.freeze([...events]), chars: charsOf(events) });
}

const texts = (count: number, length: number, tag = 's') => Array.from({ length: count }, (_, i) => `${tag}${i}:`.padEnd(length, 'x'));

/** Places `strings` after `tail` and checks every rule the store relies on. */
function checkPlacement(tail: OpenSegment | undefined, firstSeq: number, strings: readonly string[]) {
  const before = tail === undefined ? undefined : { first: tail.first, events: [...tail.events], chars: tail.chars };
  const placed = placeInSegments(tail, firstSeq, strings);
  // The tail passed in is left as it was (it is frozen, so a push would also have thrown).
  if (before) expect({ first: tail!.first, events: [...tail!.events], chars: tail!.chars }).toEqual(before);
  if (strings.length === 0) {
    expect(placed.writes).toEqual([]);
    expect(placed.tail).toBe(tail);
    return placed;
  }
  const open = tail !== undefined && !isFull(tail.events, tail.chars);
  const { writes } = placed;
  expect(writes.length).toBeGreaterThan(0);
  // The open tail is rewritten first, with its old events in front; a full one is not touched.
  expect(writes[0]!.first).toBe(open ? tail!.first : firstSeq);
  expect(writes.flatMap((row) => row.events)).toEqual([...(open ? tail!.events : []), ...strings]);
  writes.forEach((row, k) => {
    // The rewritten tail counts from the tail's own `chars` (nulls count nothing).
    const rowChars = k === 0 && open ? tail!.chars + charsOf(row.events.slice(tail!.events.length)) : charsOf(row.events);
    expect(row.events.length, `segment ${k} size`).toBeGreaterThanOrEqual(1);
    expect(row.events.length, `segment ${k} size`).toBeLessThanOrEqual(SEGMENT_MAX_EVENTS);
    const next = writes[k + 1];
    if (next) {
      // Consecutive: no gap, no overlap.
      expect(next.first, `segment ${k + 1} first`).toBe(row.first + row.events.length);
      // A new segment starts only once this one is full, and not earlier.
      expect(isFull(row.events, rowChars), `segment ${k} closed while not full`).toBe(true);
      const lastText = row.events[row.events.length - 1] ?? null;
      expect(isFull(row.events.slice(0, -1), rowChars - (lastText?.length ?? 0)), `segment ${k} overfilled`).toBe(false);
    } else {
      expect(row.first + row.events.length - 1, 'the last segment ends at the last new seq').toBe(firstSeq + strings.length - 1);
      expect(placed.tail).toBeDefined();
      expect(placed.tail!.first).toBe(row.first);
      expect([...placed.tail!.events]).toEqual([...row.events]);
      expect(placed.tail!.chars).toBe(rowChars);
    }
  });
  return placed;
}

describe('placeInSegments', () => {
  it('returns no writes and the same tail for no strings', () => {
    const tail = openSegment(1, texts(3, 50));
    expect(placeInSegments(tail, 4, [])).toEqual({ writes: [], tail });
    expect(placeInSegments(tail, 4, []).tail).toBe(tail);
    expect(placeInSegments(undefined, 1, [])).toEqual({ writes: [], tail: undefined });
  });

  it('starts the first segment at the first seq when there is no tail', () => {
    const { writes, tail } = checkPlacement(undefined, 1, texts(5, 100));
    expect(writes.map((row) => [row.first, row.events.length])).toEqual([[1, 5]]);
    expect(tail).toMatchObject({ first: 1, chars: 500 });
  });

  it('fills the open tail first, then opens new segments of SEGMENT_MAX_EVENTS', () => {
    const tail = openSegment(129, texts(100, 200, 'old'));
    const strings = texts(28 + SEGMENT_MAX_EVENTS + 5, 200);
    const { writes, tail: next } = checkPlacement(tail, 229, strings);
    expect(writes.map((row) => [row.first, row.events.length])).toEqual([[129, 128], [257, 128], [385, 5]]);
    expect(writes[0]!.events.slice(0, 100)).toEqual(tail.events);
    expect(next).toMatchObject({ first: 385, chars: 1000 });
    expect(tail.events).toHaveLength(100);
  });

  it('adds to the tail without opening a segment while it has room', () => {
    const tail = openSegment(1, texts(10, 100, 'old'));
    const { writes, tail: next } = checkPlacement(tail, 11, texts(3, 100));
    expect(writes.map((row) => [row.first, row.events.length])).toEqual([[1, 13]]);
    expect(next).toMatchObject({ first: 1, chars: 1300 });
  });

  it('does not rewrite a tail full by count', () => {
    const tail = openSegment(1, texts(SEGMENT_MAX_EVENTS, 10, 'old'));
    const { writes } = checkPlacement(tail, 129, texts(2, 10));
    expect(writes.map((row) => [row.first, row.events.length])).toEqual([[129, 2]]);
  });

  it('does not rewrite a tail full by characters, and closes a segment at SEGMENT_MAX_CHARS', () => {
    const tail = openSegment(1, texts(2, SEGMENT_MAX_CHARS / 2, 'old'));
    const { writes } = checkPlacement(tail, 3, texts(1, 10));
    expect(writes.map((row) => [row.first, row.events.length])).toEqual([[3, 1]]);

    // One character short: the tail still takes the next event (however long), then closes.
    const almost = openSegment(1, [...texts(1, SEGMENT_MAX_CHARS - 1, 'old')]);
    const big = texts(3, SEGMENT_MAX_CHARS + 5);
    const placed = checkPlacement(almost, 2, big);
    expect(placed.writes.map((row) => [row.first, row.events.length])).toEqual([[1, 2], [3, 1], [4, 1]]);
  });

  it('keeps every rule over many random tails and appends', () => {
    const r = seededRandom(0x5e9);
    for (let round = 0; round < 600; round++) {
      let tail: OpenSegment | undefined;
      let firstSeq = 1;
      if (r.chance(0.85)) {
        const first = r.between(1, 5000);
        const count = r.between(1, SEGMENT_MAX_EVENTS);
        const events = Array.from({ length: count }, (_, i) => (r.chance(0.02) ? null : `old${i}:`.padEnd(r.chance(0.05) ? r.between(1000, 20_000) : r.between(20, 400), 'o')));
        tail = openSegment(first, events);
        firstSeq = first + count;
      }
      const count = r.pick([0, 1, 2, r.between(1, 50), r.between(100, 400)]);
      const strings = Array.from({ length: count }, (_, i) => `${firstSeq + i}:`.padEnd(r.chance(0.03) ? r.between(10_000, 45_000) : r.between(20, 600), 'n'));
      checkPlacement(tail, firstSeq, strings);
    }
  });
});

// ---- encodeEvent / idPrefix ----------------------------------------------------------------

describe('encodeEvent and idPrefix', () => {
  const ids = [
    newEventId(), 'plain', 'a', 'ab', 'a"', 'with "quotes" inside', 'back\\slash', 'ünïcødé 温度 🏭', 'line\u2028sep', 'lone \ud800 surrogate',
    '{"id":"x",', 'tab\tand\nnewline', '',
  ];

  it('starts the text with idPrefix(id) and parses back to the event without the fields the columns hold, for any id', () => {
    for (const id of ids) {
      const event: StoredEvent = {
        ...makeEvent({ id, correlationId: 'c-1', causationId: 'c-0', metadata: { user: 'ö"' } }),
        seq: 42,
        subject: 'press-1',
        hash: 'ab'.repeat(32),
      };
      const text = encodeEvent(event);
      expect(text.startsWith(idPrefix(id)), `prefix of ${JSON.stringify(id)}`).toBe(true);
      const parsed = JSON.parse(text) as StoredEvent;
      // The fields the columns hold are not in the text.
      const { seq: _seq, type: _type, source: _source, timestamp: _timestamp, priority: _priority, status: _status, subject: _subject, ...kept } = event;
      expect(parsed).toEqual(kept);
      expect(parsed.id).toBe(id);
      expect(Object.keys(parsed)[0]).toBe('id');
    }
  });

  it('writes an event numbered by the store exactly as its fields would be written one by one, with or without subject and ids', () => {
    for (const id of ids) {
      for (const subject of [undefined, 'press-1']) {
        for (const extra of [{}, { correlationId: 'c-1' }, { causationId: 'c-"0"' }]) {
          const plain = makeEvent({ id, ...extra, payload: { b: 'ünï "x"', a: [1, -0, 2.5e-7, null], z: { y: 1e21 } }, metadata: { user: 'ö"', n: 1 } });
          const event = { ...numberedCopy(plain, 42, subject), hash: 'ab'.repeat(32) } as StoredEvent;
          const { id: _id, seq: _seq, type: _type, source: _source, timestamp: _timestamp, priority: _priority, status: _status, subject: _subject, ...kept } = event;
          const expected = JSON.stringify({ id, ...kept });
          expect(encodeEvent(event), JSON.stringify({ id, subject, extra })).toBe(expected);
        }
      }
    }
  });

  it('does not give one id the prefix of another', () => {
    for (const id of ids) {
      const text = encodeEvent({ ...makeEvent({ id }), seq: 1 });
      for (const other of ids) {
        if (other !== id) expect(text.startsWith(idPrefix(other)), `${JSON.stringify(id)} vs ${JSON.stringify(other)}`).toBe(false);
      }
    }
  });
});

// ---- EventColumns.scan ------------------------------------------------------------------------

describe('EventColumns.scan', () => {
  const r = seededRandom(0xc0ffee);
  const events = Array.from({ length: 5000 }, (_, i) => randomEvent(r, i + 1));
  const columns = columnsOf(events);
  // Rows set for an append that has not committed: never scanned.
  const pending = Array.from({ length: 30 }, (_, i) => randomEvent(r, events.length + 1 + i));
  for (const event of pending) columns.setRow(event.seq, columns.rowOf(event));

  it('holds the events committed, not the pending ones', () => {
    expect(columns.length).toBe(5000);
    expect(scanAll(columns, {}, 1, 6000, 'asc', Number.POSITIVE_INFINITY)).toEqual(events.map((event) => event.seq));
  });

  it('yields exactly the brute-force seqs, in order, for many random filters, ranges, directions and page sizes', () => {
    const n = events.length;
    let nonEmpty = 0;
    for (let round = 0; round < 250; round++) {
      const query = randomQuery(r, events);
      const a = r.between(1, n);
      const b = r.between(1, n);
      const ranges: [number, number][] = [[1, n], [Math.min(a, b), Math.max(a, b)], [r.between(-5, 0), r.between(n - 100, n + 40)], [a, a]];
      for (const [lo, hi] of ranges) {
        for (const dir of ['asc', 'desc'] as const) {
          const expected = bruteSeqs(events, query, lo, hi, dir);
          if (expected.length > 0) nonEmpty += 1;
          for (const max of [1, 2, 7, 200, Number.POSITIVE_INFINITY]) {
            if (max < 7 && expected.length > 600) continue; // page sizes 1 and 2 are checked on the smaller results
            const got = scanAll(columns, query, lo, hi, dir, max);
            expect(got, `${JSON.stringify(query)} [${lo}, ${hi}] ${dir} by ${max}`).toEqual(expected);
          }
        }
      }
    }
    // The random filters must not all be trivially empty.
    expect(nonEmpty).toBeGreaterThan(500);
  });

  it('returns nothing for an empty range, in both directions', () => {
    const filter = columns.filterOf({});
    for (const dir of ['asc', 'desc'] as const) {
      expect(columns.scan(filter, 10, 5, dir, 100).seqs).toEqual([]);
      expect(columns.scan(filter, 5001, 6000, dir, 100).seqs).toEqual([]);
      expect(columns.scan(filter, -10, 0, dir, 100).seqs).toEqual([]);
      expect(columns.scan(filter, 3000, 2999, dir, 100).seqs).toEqual([]);
    }
  });

  it('returns nothing for an unknown subject', () => {
    const filter = columns.filterOf({ subject: 'nobody' });
    expect(filter.none).toBe(true);
    for (const dir of ['asc', 'desc'] as const) expect(columns.scan(filter, 1, columns.length, dir, Number.POSITIVE_INFINITY).seqs).toEqual([]);
    expect(scanAll(columns, { subject: 'nobody', types: ['*'] }, 1, 5000, 'desc', 3)).toEqual([]);
    // A known one does find its events.
    expect(scanAll(columns, { subject: 'press-3' }, 1, 5000, 'asc', 50).length).toBeGreaterThan(0);
  });

  it('asks for confirmation exactly when a correlation id or non-empty text is given', () => {
    const cases: [ColumnQuery, boolean][] = [
      [{}, false],
      [{ text: '' }, false],
      [{ text: 'press' }, true],
      [{ correlationId: 'corr-1' }, true],
      [{ correlationId: 'corr-unknown' }, true],
      [{ correlationId: '' }, true],
      [{ correlationId: 'corr-1', text: 'x' }, true],
      [{ types: ['equipment.*'], sources: ['plc'], subject: 'press-1', from: BASE_TIME, to: BASE_TIME + 10, priorities: ['HIGH'], statuses: ['FAILED'] }, false],
      [{ types: ['equipment.*'], text: 'x' }, true],
      [{ subject: 'nobody', text: '' }, false],
    ];
    for (const [query, confirm] of cases) expect(columns.filterOf(query).confirm, JSON.stringify(query)).toBe(confirm);
  });

  it('matches the correlation column on its hash', () => {
    expect(columns.filterOf({ correlationId: 'corr-2' }).corr).toBe(correlationHash('corr-2'));
    expect(correlationHash(undefined)).toBe(0);
    for (const id of [...CORRELATIONS, '', 'x']) expect(correlationHash(id)).not.toBe(0);
  });
});

// ---- seqsOfId ---------------------------------------------------------------------------------

function rowFor(id: string): EventRow {
  const [idh1, idh2] = idHashes(id);
  return { idh1, idh2, type: 0, source: 0, subject: -1, corr: 0, ts: 0, prio: 0, status: 0 };
}

describe('EventColumns.seqsOfId', () => {
  it('finds every committed event by id across table growth, and nothing uncommitted or unknown', () => {
    const columns = new EventColumns();
    const ids: string[] = [];
    const batches = [1, 2, 509, 1, 1, 500, 1024, 1, 2048, 3, 4096, 37, 2000, 1000];
    for (const [b, size] of batches.entries()) {
      const first = columns.length + 1;
      const batch = Array.from({ length: size }, (_, i) => (i % 3 === 0 ? `evt-${first + i}` : newEventId()));
      batch.forEach((id, i) => columns.setRow(first + i, rowFor(id)));
      // Set but not committed: not found.
      for (const id of batch) expect(columns.seqsOfId(id), `uncommitted ${id} in batch ${b}`).toEqual([]);
      columns.commit(first + size - 1);
      ids.push(...batch);
      const missing = ids.flatMap((id, i) => {
        const seqs = columns.seqsOfId(id);
        return seqs.length === 1 && seqs[0] === i + 1 ? [] : [{ id, seq: i + 1, seqs }];
      });
      expect(missing, `after batch ${b} (${ids.length} events)`).toEqual([]);
    }
    expect(ids.length).toBeGreaterThan(10_000);
    for (let i = 0; i < 2000; i++) expect(columns.seqsOfId(newEventId())).toEqual([]);
    for (const unknown of ['', 'evt-0', 'evt-999999', 'unknown']) expect(columns.seqsOfId(unknown)).toEqual([]);
  });

  it('finds the ids kept after the window moves on, and as more arrive, but not the dropped ones', () => {
    const columns = new EventColumns();
    const ids = Array.from({ length: 8192 }, () => newEventId());
    ids.forEach((id, i) => columns.setRow(i + 1, rowFor(id)));
    columns.commit(ids.length);
    // 3,072 ids kept: the id table is rebuilt three quarters full, and the next id grows it.
    columns.evict(5120);
    const more = Array.from({ length: 3000 }, () => newEventId());
    more.forEach((id, i) => columns.setRow(8193 + i, rowFor(id)));
    columns.commit(8192 + more.length);
    const wrong = [...ids, ...more].flatMap((id, i) => {
      const seqs = columns.seqsOfId(id);
      const expected = i + 1 > 5120 ? [i + 1] : [];
      return JSON.stringify(seqs) === JSON.stringify(expected) ? [] : [{ id, seq: i + 1, seqs }];
    });
    expect(wrong).toEqual([]);
  });

  it('forgets rows of a write that failed and was rewritten before commit', () => {
    const columns = new EventColumns();
    columns.setRow(1, rowFor('kept'));
    columns.commit(1);
    columns.setRow(2, rowFor('failed-a'));
    columns.setRow(3, rowFor('failed-b'));
    // The write failed: the next append reuses seqs 2.. for other events.
    columns.setRow(2, rowFor('retry'));
    columns.commit(2);
    expect(columns.seqsOfId('kept')).toEqual([1]);
    expect(columns.seqsOfId('retry')).toEqual([2]);
    expect(columns.seqsOfId('failed-a')).toEqual([]);
    expect(columns.seqsOfId('failed-b')).toEqual([]);
    expect(columns.length).toBe(2);
  });
});

// ---- rollback ---------------------------------------------------------------------------------

describe('Dictionary.rollback and EventColumns.rollback', () => {
  it('forgets the names interned after a mark and reuses their codes', () => {
    const dictionary = new Dictionary();
    expect(dictionary.intern('a')).toBe(0);
    expect(dictionary.intern('b')).toBe(1);
    const mark = dictionary.size;
    expect(dictionary.intern('c')).toBe(2);
    expect(dictionary.intern('d')).toBe(3);
    expect(dictionary.intern('a')).toBe(0);
    dictionary.rollback(mark);
    expect(dictionary.size).toBe(2);
    expect(dictionary.names).toEqual(['a', 'b']);
    expect(dictionary.codeOf('c')).toBeUndefined();
    expect(dictionary.codeOf('d')).toBeUndefined();
    expect(dictionary.codeOf('b')).toBe(1);
    expect(dictionary.intern('e')).toBe(2);
    expect(dictionary.intern('d')).toBe(3);
    expect(dictionary.names).toEqual(['a', 'b', 'e', 'd']);
    dictionary.rollback(0);
    expect(dictionary.size).toBe(0);
    expect(dictionary.codeOf('a')).toBeUndefined();
    expect(dictionary.intern('z')).toBe(0);
  });

  it('rolls back types, sources and subjects together', () => {
    const columns = new EventColumns();
    const base = { ...makeEvent({ type: 'equipment.status.changed', source: 'plc' }), seq: 1, subject: 'press-1' };
    columns.setRow(1, columns.rowOf(base));
    columns.commit(1);
    const mark = columns.dictionarySizes();
    expect(mark).toEqual([1, 1, 1]);
    const failed = { ...makeEvent({ type: 'quality.check.failed', source: 'mes' }), seq: 2, subject: 'press-2' };
    const failedRow = columns.rowOf(failed);
    expect([failedRow.type, failedRow.source, failedRow.subject]).toEqual([1, 1, 1]);
    columns.setRow(2, failedRow);
    columns.rollback(mark);
    expect(columns.dictionarySizes()).toEqual([1, 1, 1]);
    expect(columns.types.codeOf('quality.check.failed')).toBeUndefined();
    expect(columns.sources.codeOf('mes')).toBeUndefined();
    expect(columns.subjects.codeOf('press-2')).toBeUndefined();
    // A query for a forgotten subject finds nothing; a forgotten type is not a known type.
    expect(columns.filterOf({ subject: 'press-2' }).none).toBe(true);
    expect([...columns.filterOf({ types: ['quality.*'] }).typeOk!]).toEqual([0]);
    // The codes are reused by the next names.
    const retry = columns.rowOf({ ...makeEvent({ type: 'alarm.raised', source: 'scada' }), seq: 2, subject: 'press-9' });
    expect([retry.type, retry.source, retry.subject]).toEqual([1, 1, 1]);
    expect(columns.types.names).toEqual(['equipment.status.changed', 'alarm.raised']);
    expect(columns.sources.names).toEqual(['plc', 'scada']);
    expect(columns.subjects.names).toEqual(['press-1', 'press-9']);
  });
});

// ---- summaries --------------------------------------------------------------------------------

/** Segment lengths for n events: some full, some of one event, the rest random. */
function segmentLengths(r: SeededRandom, n: number): number[] {
  const lengths: number[] = [];
  let left = n;
  while (left > 0) {
    const length = Math.min(left, r.pick([1, SEGMENT_MAX_EVENTS, SEGMENT_MAX_EVENTS, r.between(1, SEGMENT_MAX_EVENTS)]));
    lengths.push(length);
    left -= length;
  }
  return lengths;
}

function summariesOf(columns: EventColumns, lengths: readonly number[]): SummaryRow[] {
  let first = 1;
  return lengths.map((length) => {
    const row = summaryOf(columns, first, length, undefined);
    first += length;
    return row;
  });
}

function expectSameColumns(loaded: EventColumns, original: EventColumns): void {
  expect(loaded.length).toBe(original.length);
  const view = (columns: EventColumns) =>
    Array.from({ length: columns.length }, (_, i) => ({
      seq: i + 1,
      type: columns.types.names[columns.type[i]!],
      source: columns.sources.names[columns.source[i]!],
      subject: columns.subject[i] === columns.noSubject ? null : columns.subjects.names[columns.subject[i]!],
      idh1: columns.idh1[i],
      idh2: columns.idh2[i],
      corr: columns.corr[i],
      ts: columns.ts[i],
      prio: columns.prio[i],
      status: columns.status[i],
    }));
  const a = view(loaded);
  const b = view(original);
  const differ = a.flatMap((row, i) => (JSON.stringify(row) === JSON.stringify(b[i]) ? [] : [{ loaded: row, original: b[i] }]));
  expect(differ.slice(0, 5)).toEqual([]);
  // Names must not have been turned into undefined (JSON would hide that).
  expect(a.every((row) => row.type !== undefined && row.source !== undefined && row.subject !== undefined)).toBe(true);
}

describe('summaryOf and loadSummary', () => {
  const r = seededRandom(0x5a11);
  const events = Array.from({ length: 3000 }, (_, i) => {
    const event = randomEvent(r, i + 1);
    // A stretch with no subjects at all, so a summary with an empty subject list is included.
    if (i >= 1000 && i < 1300) {
      const { subject: _subject, ...rest } = event;
      return { ...rest, payload: { reading: i } };
    }
    return event;
  });
  const original = columnsOf(events);
  // Status moves rewrite summaries from the columns.
  for (let k = 0; k < 200; k++) original.status[r.between(0, events.length - 1)] = r.between(0, EVENT_STATUSES.length - 1);
  const lengths = segmentLengths(r, events.length);
  const summaries = summariesOf(original, lengths);

  it('rebuilds columns equal to the originals', () => {
    expect(summaries.some((row) => row.subjects.length === 0)).toBe(true);
    expect(summaries.some((row) => row.count === SEGMENT_MAX_EVENTS)).toBe(true);
    expect(summaries.some((row) => row.count === 1)).toBe(true);
    const loaded = new EventColumns();
    for (const row of summaries) loadSummary(loaded, row);
    expectSameColumns(loaded, original);
    // The ids are indexed too.
    const notFound = events.filter((event) => JSON.stringify(loaded.seqsOfId(event.id)) !== JSON.stringify([event.seq]));
    expect(notFound.map((event) => event.seq)).toEqual([]);
    // And queries on the loaded columns give what they give on the originals.
    for (let round = 0; round < 40; round++) {
      const query = randomQuery(r, events);
      for (const dir of ['asc', 'desc'] as const) {
        expect(scanAll(loaded, query, 1, events.length, dir, 100)).toEqual(scanAll(original, query, 1, events.length, dir, 100));
      }
    }
  });

  it('survives a round trip through structured clone, as IndexedDB stores it', () => {
    const loaded = new EventColumns();
    for (const row of summaries) loadSummary(loaded, structuredClone(row));
    expectSameColumns(loaded, original);
  });

  it('keeps each summary within its own segment', () => {
    for (const row of summaries) {
      expect(row.typeCode.length).toBe(row.count);
      expect(row.types.length).toBeLessThanOrEqual(row.count);
      expect(new Set(row.types).size).toBe(row.types.length);
      expect(Math.max(...row.typeCode)).toBeLessThan(row.types.length);
      expect(Math.max(...row.sourceCode)).toBeLessThan(row.sources.length);
    }
  });

  describe('refuses a damaged summary, naming its seq and the problem', () => {
    const [s1, s2, s3] = summaries as [SummaryRow, SummaryRow, SummaryRow];
    const afterFirst = () => {
      const columns = new EventColumns();
      loadSummary(columns, s1);
      return columns;
    };
    const expectRefused = (row: SummaryRow, seq: number, problem: RegExp) => {
      const columns = afterFirst();
      let error: unknown;
      try {
        loadSummary(columns, row);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toMatch(new RegExp(`seq ${seq}\\b`));
      expect(message).toMatch(problem);
      // Nothing of it is loaded, and the right summary still loads after it.
      expect(columns.length).toBe(s1.count);
      loadSummary(columns, s2);
      expect(columns.length).toBe(s1.count + s2.count);
    };

    it('out of order: a gap, a repeat', () => {
      expectRefused(s3, s3.first, new RegExp(`expected a segment starting at seq ${s2.first}\\b`));
      expectRefused(s1, s1.first, new RegExp(`expected a segment starting at seq ${s2.first}\\b`));
      expectRefused({ ...s2, first: s2.first + 1 }, s2.first + 1, new RegExp(`expected a segment starting at seq ${s2.first}\\b`));
    });

    it('a column of the wrong length', () => {
      const columnsOfRow = ['typeCode', 'sourceCode', 'subjectCode', 'idh1', 'idh2', 'corr', 'ts', 'prio', 'status'] as const;
      for (const name of columnsOfRow) {
        const column = s2[name];
        expectRefused({ ...s2, [name]: column.slice(1) }, s2.first, /wrong length/);
        const longer = new (column.constructor as new (n: number) => typeof column)(column.length + 1);
        longer.set(column);
        expectRefused({ ...s2, [name]: longer }, s2.first, /wrong length/);
        expectRefused({ ...s2, [name]: Array.from(column) }, s2.first, /wrong length/);
      }
    });

    it('a bad count', () => {
      expectRefused({ ...s2, count: 0 }, s2.first, /bad event count/);
      expectRefused({ ...s2, count: SEGMENT_MAX_EVENTS + 1 }, s2.first, /bad event count/);
      expectRefused({ ...s2, count: 1.5 }, s2.first, /bad event count/);
      expectRefused({ ...s2, count: -1 }, s2.first, /bad event count/);
    });

    it('a non-string dictionary entry', () => {
      expectRefused({ ...s2, types: [...s2.types, 3] as unknown as string[] }, s2.first, /bad dictionary/);
      expectRefused({ ...s2, sources: [null, ...s2.sources] as unknown as string[] }, s2.first, /bad dictionary/);
      expectRefused({ ...s2, subjects: [{}] as unknown as string[] }, s2.first, /bad dictionary/);
      expectRefused({ ...s2, types: 'equipment.status.changed' as unknown as string[] }, s2.first, /bad dictionary/);
    });

    it('a code its dictionary or the priority and status lists lack', () => {
      const withCode = (name: 'typeCode' | 'sourceCode' | 'subjectCode' | 'prio' | 'status', value: number) => {
        const column = Uint8Array.from(s2[name]);
        column[0] = value;
        return { ...s2, [name]: column };
      };
      expectRefused(withCode('typeCode', s2.types.length), s2.first, new RegExp(`event ${s2.first} names a type, source or subject`));
      expectRefused(withCode('sourceCode', 200), s2.first, /names a type, source or subject its dictionary lacks/);
      expectRefused(withCode('subjectCode', 254), s2.first, /names a type, source or subject its dictionary lacks/);
      expectRefused(withCode('prio', PRIORITIES.length), s2.first, /unknown priority or status code/);
      expectRefused(withCode('status', EVENT_STATUSES.length), s2.first, /unknown priority or status code/);
    });
  });
});

// ---- text filters -----------------------------------------------------------------------------

describe('code columns', () => {
  const row = (subject: number, source = 0): EventRow => ({ idh1: 1, idh2: 1, type: 0, source, subject, corr: 0, ts: 0, prio: 0, status: 0 });
  const seqsOf = (columns: EventColumns, query: EventQuery) => columns.scan(columns.filterOf(query), 1, columns.length, 'asc', 100).seqs;

  it('finds events by subject once a code needs more than 16 bits, and keeps events without one apart', () => {
    const columns = new EventColumns();
    columns.types.intern('equipment.telemetry.recorded');
    for (let k = 0; k <= 70_000; k++) columns.sources.intern(`gateway-${k}`);
    for (let k = 0; k < 70_000; k++) columns.subjects.intern(`press-${k}`);
    columns.setRow(1, row(0));
    columns.setRow(2, row(-1));
    columns.setRow(3, row(65_535));
    columns.setRow(4, row(69_999, 70_000));
    columns.commit(4);
    expect(seqsOf(columns, { subject: 'press-0' })).toEqual([1]);
    expect(seqsOf(columns, { subject: 'press-65535' })).toEqual([3]);
    expect(seqsOf(columns, { subject: 'press-69999' })).toEqual([4]);
    expect(seqsOf(columns, { sources: ['gateway-70000'] })).toEqual([4]);
    const loaded = new EventColumns();
    loadSummary(loaded, summaryOf(columns, 1, 4, undefined));
    expectSameColumns(loaded, columns);
  });

  it('does not take events without a subject for a subject known only before the window', () => {
    const columns = new EventColumns();
    columns.types.intern('equipment.telemetry.recorded');
    columns.sources.intern('gateway-0');
    // Names of older events are in the dictionary, none of them in the 16-bit columns.
    for (let k = 0; k < 65_536; k++) columns.subjects.intern(`press-${k}`);
    columns.setRow(1, row(-1));
    columns.setRow(2, row(7));
    columns.commit(2);
    expect(seqsOf(columns, { subject: 'press-65535' })).toEqual([]);
    expect(seqsOf(columns, { subject: 'press-7' })).toEqual([2]);
    expect(summaryOf(columns, 1, 2, undefined).subjects).toEqual(['press-7']);
  });
});

describe('textFilterOf and mayContain', () => {
  const r = seededRandom(0x7e57);
  const words = ['press', 'bearing', 'noise', 'temperature', 'high', 'Überlast', '温度', 'line-3', '"quoted"', 'a\\b', 'order-12345'];
  const texts = Array.from({ length: 300 }, () => searchTextOf({ note: Array.from({ length: r.between(1, 6) }, () => words[r.between(0, words.length - 1)]).join(' '), value: r.between(0, 99_999) }));

  it('never rules out a segment holding the needle: every substring of every text passes', () => {
    const filter = textFilterOf(undefined, texts);
    for (const text of texts) {
      for (let k = 0; k < 40; k++) {
        const start = r.between(0, text.length - 1);
        const needle = text.slice(start, start + r.between(1, 16));
        expect(mayContain(filter, needle), `${JSON.stringify(needle)} in ${text}`).toBe(true);
      }
    }
  });

  it('sets exactly the bits of its texts\' trigrams, each where mayContain looks for it (filters already stored stay valid)', () => {
    const bitsOf = (filter: Uint8Array) => [...filter].flatMap((byte, i) => Array.from({ length: 8 }, (_, b) => ((byte >> b) & 1 ? [i * 8 + b] : [])).flat());
    for (const text of [...texts.slice(0, 40), 'ab', 'Überlast 温度 🏭 \ud800x', '"a\\b" {}']) {
      const union = new Uint8Array(TEXT_FILTER_BYTES);
      for (let at = 0; at + 3 <= text.length; at++) {
        const trigram = text.slice(at, at + 3);
        const one = textFilterOf(undefined, [trigram]);
        expect(bitsOf(one)).toHaveLength(1);
        expect(mayContain(one, trigram), JSON.stringify(trigram)).toBe(true);
        union.forEach((byte, i) => (union[i] = byte | one[i]!));
      }
      expect(textFilterOf(undefined, [text]), JSON.stringify(text)).toEqual(union);
    }
  });

  it('rules out most needles that appear nowhere, and keeps what a tail segment already held', () => {
    const filter = textFilterOf(undefined, texts.slice(0, 100));
    const absent = ['no such words anywhere', 'xylophone', 'vibration alarm', 'zzzqqq'];
    expect(absent.filter((needle) => mayContain(filter, needle))).toEqual([]);
    const grown = textFilterOf(filter, [searchTextOf({ note: 'xylophone' })]);
    expect(mayContain(grown, 'xylophone')).toBe(true);
    expect(mayContain(filter, 'xylophone')).toBe(false);
    for (const text of texts.slice(0, 100)) expect(mayContain(grown, text.slice(0, 12))).toBe(true);
  });

  it('cannot rule anything out for needles shorter than three characters or without a filter', () => {
    expect(mayContain(textFilterOf(undefined, []), 'zz')).toBe(true);
    expect(mayContain(undefined, 'anything')).toBe(true);
    expect(mayContain(textFilterOf(undefined, []), 'zzz')).toBe(false);
  });
});
