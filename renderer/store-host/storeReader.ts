/**
 * The Dexie store's queries: look-ups, pages, counts, replays and snapshots. Each runs on
 * the in-memory columns first (which seqs can match) and reads only the segments holding
 * those seqs (segmentReader.ts); free text reads only segments whose trigram filter allows
 * the needle.
 */
import { Dexie } from 'dexie';
import type { StoredEvent } from '../../shared/events/event';
import type { EventPage, EventQuery, GetEventsByTypeOptions, ReplayOptions, ReplayResult, Snapshot } from '../../shared/store/eventStore';
import { compileQuery, compileTypeOptions } from '../../shared/store/queryMatch';
import { finishPage, planPage, scanRange } from '../../shared/store/pagePlan';
import { checkReplayOptions, foldChunk, nearestOf, throwIfAborted } from '../../shared/store/replayPlan';
import type { PlantDatabase } from './plantDatabase';
import type { SegmentReader } from './segmentReader';

/** Seqs examined per step of replays, counts and long scans. */
const READ_CHUNK = 4096;

export class StoreReader {
  constructor(
    private readonly db: PlantDatabase,
    private readonly segments: SegmentReader,
  ) {}

  async get(id: string): Promise<StoredEvent | null> {
    if (typeof id !== 'string') return null;
    const seq = await this.segments.seqOfId(id);
    return seq === undefined ? null : ((await this.segments.eventsAt([seq]))[0] ?? null);
  }

  async getBySeq(seq: number): Promise<StoredEvent | null> {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.segments.columns.length) return null;
    return (await this.segments.eventsAt([seq]))[0] ?? null;
  }

  async getEventsByType(pattern: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    const { matches, limit } = compileTypeOptions(pattern, options);
    const { columns } = this.segments;
    const filter = columns.filterOf({ types: [pattern], ...(options?.from === undefined ? {} : { from: options.from }), ...(options?.to === undefined ? {} : { to: options.to }) });
    const found: StoredEvent[] = [];
    await this.segments.walk(filter, 1, columns.length, 'asc', READ_CHUNK, (events) => {
      for (const event of events) {
        if (found.length >= limit) return false;
        if (matches(event)) found.push(event);
      }
      return found.length < limit;
    });
    return found;
  }

  async query(query: EventQuery): Promise<EventPage> {
    const plan = planPage(query);
    const { columns } = this.segments;
    const filter = columns.filterOf(query);
    const [lo, hi] = scanRange(plan, columns.length);
    const want = plan.limit + 1;
    const found: StoredEvent[] = [];
    // Column hits are exact unless a hashed field or text must be confirmed on the event.
    const batch = filter.confirm ? READ_CHUNK : want;
    await this.segments.walk(filter, lo, hi, plan.scan, batch, (events) => {
      for (const event of events) {
        if (!plan.matches(event)) continue;
        found.push(event);
        if (found.length >= want) return false;
      }
      return true;
    }, filter.confirm);
    return finishPage(plan, found);
  }

  async count(query: EventQuery = {}): Promise<number> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    planPage(filters);
    const { columns } = this.segments;
    const filter = columns.filterOf(filters);
    if (!filter.confirm) return this.segments.count(filter);
    const matches = compileQuery(filters);
    let total = 0;
    await this.segments.walk(filter, 1, columns.length, 'asc', READ_CHUNK, (events) => {
      for (const event of events) if (matches(event)) total += 1;
    }, true);
    return total;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.db.snapshots.put(snapshot);
  }

  async nearestSnapshot(key: string, bounds: { toSeq?: number; toTime?: number } = {}): Promise<Snapshot | null> {
    const newestFirst = this.db.snapshots
      .where('[key+seq]')
      .between([key, Dexie.minKey], [key, bounds.toSeq ?? Dexie.maxKey], true, true)
      .reverse();
    const toTime = bounds.toTime ?? Number.POSITIVE_INFINITY;
    const found = await newestFirst.filter((s) => s.maxTimestamp <= toTime).first();
    return found ? nearestOf([found], bounds) : null;
  }

  async replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    const plan = checkReplayOptions(options);
    throwIfAborted(options.signal);
    const snapshot = options.snapshotKey === undefined ? null : await this.nearestSnapshot(options.snapshotKey, options);
    const { columns } = this.segments;
    const filter = columns.filterOf({
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(options.types ? { types: options.types } : {}),
      ...(options.toTime === undefined ? {} : { to: options.toTime }),
    });
    let state = snapshot ? (snapshot.state as S) : options.initial;
    let seq = snapshot?.seq ?? 0;
    let folded = 0;
    const end = Math.min(plan.toSeq, columns.length);
    await this.segments.walk(filter, seq + 1, end, 'asc', READ_CHUNK, (events) => {
      throwIfAborted(options.signal);
      const step = foldChunk(events, plan, options.reducer, state);
      state = step.state;
      folded += step.folded;
      seq = step.seq ?? seq;
      options.onProgress?.(folded);
      throwIfAborted(options.signal);
    }, true);
    return { state, folded, seq, ...(snapshot ? { fromSnapshotSeq: snapshot.seq } : {}) };
  }
}
