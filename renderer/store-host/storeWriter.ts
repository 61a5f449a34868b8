/**
 * The Dexie store's writer. Writes go through one queue, so seq stays gap-free and statuses
 * never race an append:
 * - group commit: every append waiting when the writer is free is written in one
 *   transaction (segments, summaries, its PUBLISHED deliveries as one batch row, chain head). Each append's
 *   promise resolves only after that transaction has committed. An append that is invalid or
 *   repeats a stored id is refused alone before the transaction starts; a transaction that
 *   fails fails the appends in it, and nothing of them is stored or visible.
 * - an append writes only its own events, as new segments, and in the same transaction
 *   merges the small segments that are then due (segmentMerge.ts); should that transaction
 *   fail, the append is tried once more without the merges, which wait for the next append;
 * - status moves rewrite the summaries of the segments they touch;
 * - snapshots ride along: every snapshot waiting when a group commit starts is put in its
 *   transaction, and snapshots with no append to join are written together in one of their
 *   own. The projectors and the outbox save about one snapshot per append, and a transaction
 *   of its own for each cost the store host about as much CPU as the append beside it;
 * - other writes (delivery records) run as tasks in the same queue.
 * The head, the columns and the segment layout move only after a commit. Each write
 * first checks the chain head stored in the database: should another store object have
 * written meanwhile (a store host given up for dead finishing its last writes), the store
 * reads the database again and writes after it, never over it.
 */
import { EVENT_STATUSES, subjectOf } from '../../shared/events/event';
import type { EventStatus, PlantEvent, StoredEvent } from '../../shared/events/event';
import { EventValidationError, validatePlantEvent } from '../../shared/events/validate';
import type { AppendInput, Snapshot, StatusUpdate } from '../../shared/store/eventStore';
import { isForwardStatus } from '../../shared/store/queryMatch';
import { ChainHasher } from '../../shared/audit/chainBytes';
import type { ChainHead } from '../../shared/audit/chain';
import { numberedCopy } from '../../shared/store/numbered';
import { STATUS_CODE } from './eventColumns';
import { AUDIT_HEAD_KEY } from './plantDatabase';
import type { PlantDatabase } from './plantDatabase';
import { newBatch } from './deliveryBatches';
import { commitPacked, packEvents, summaryOf } from './segmentFormat';
import type { PackedEvents, SummaryRow } from './segmentFormat';
import { charsOf, planMerges } from './segmentMerge';
import type { PlannedMerge } from './segmentMerge';
import type { SegmentReader } from './segmentReader';
import { trimWindow } from './storeState';

/** Hashes the chain without building its text (chainBytes.ts). */
const chainHasher = new ChainHasher();

/** Events one group commit writes at most. */
const MAX_GROUP_EVENTS = 20_000;

type Settle<T> = { resolve(value: T): void; reject(error: unknown): void };
type AppendOp = { kind: 'append'; events: PlantEvent[]; deliveries: readonly (readonly string[])[] } & Settle<StoredEvent[]>;
type StatusOp = { kind: 'status'; updates: readonly StatusUpdate[] } & Settle<void>;
type TaskOp = { kind: 'task'; run: () => Promise<void> } & Settle<void>;
type SnapshotOp = { kind: 'snapshot'; snapshot: Snapshot } & Settle<void>;
type WriteOp = AppendOp | StatusOp | TaskOp | SnapshotOp;

/** Thrown inside a write transaction that finds the database's head moved by another writer. */
class MovedHeadError extends Error {
  override name = 'MovedHeadError';
}

const isMovedHead = (error: unknown): boolean =>
  error instanceof MovedHeadError || (error as { inner?: unknown } | null)?.inner instanceof MovedHeadError;

export class StoreWriter {
  private readonly ops: WriteOp[] = [];
  private writer: Promise<void> = Promise.resolve();
  private draining = false;
  private closed = false;

  constructor(
    private readonly db: PlantDatabase,
    private readonly reader: SegmentReader,
  ) {}

  async append(events: readonly AppendInput[], deliveries: readonly (readonly string[])[] = []): Promise<StoredEvent[]> {
    const valid = events.map((event) => validatePlantEvent(event));
    const ids = new Set<string>();
    for (const { id } of valid) {
      if (ids.has(id)) throw new EventValidationError('id', `duplicate id ${id}`);
      ids.add(id);
    }
    if (valid.length === 0) return [];
    return new Promise<StoredEvent[]>((resolve, reject) => this.enqueue({ kind: 'append', events: valid, deliveries, resolve, reject }));
  }

  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'status', updates, resolve, reject }));
  }

  /** Stores a snapshot with the next group commit (or with the snapshots queued beside it). */
  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    // Checked here, as the database would, so that a bad one is refused before it joins an append's transaction.
    if (typeof snapshot?.key !== 'string' || !Number.isFinite(snapshot.seq)) {
      throw new TypeError(`a snapshot needs a string key and a numeric seq, not key ${JSON.stringify(snapshot?.key)} and seq ${String(snapshot?.seq)}`);
    }
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'snapshot', snapshot, resolve, reject }));
  }

  /** Runs `run` in the write queue, after the writes queued before it. */
  serial(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ kind: 'task', run, resolve, reject }));
  }

  /**
   * Refuses the writes still queued and waits for the one in progress. A store host closes
   * when its link is gone, and the client sends again whatever it has no answer for (main
   * closes its client only once every call is answered).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const op of this.ops.splice(0)) op.reject(new Error('the event store closed before this write started'));
    while (this.draining) await this.writer;
  }

  private enqueue(op: WriteOp): void {
    if (this.closed) {
      op.reject(new Error('the event store is closed'));
      return;
    }
    this.ops.push(op);
    if (!this.draining) {
      this.draining = true;
      // A microtask later, so that the writes handed over in one step (one message's requests) start together.
      this.writer = Promise.resolve().then(() => this.drain());
    }
  }

  /**
   * Writes queued operations until none is left. The loop's last check and the reset of
   * `draining` run in one synchronous step, so an operation queued meanwhile is never missed.
   */
  private async drain(): Promise<void> {
    try {
      while (this.ops.length > 0) {
        const first = this.ops[0] as WriteOp;
        if (first.kind === 'snapshot') {
          await this.writeSnapshots(this.takeSnapshots());
          continue;
        }
        if (first.kind !== 'append') {
          this.ops.shift();
          const written = first.kind === 'status' ? this.writeStatuses(first) : Promise.resolve().then(first.run);
          await written.then(first.resolve, first.reject);
          continue;
        }
        const group: AppendOp[] = [];
        let events = 0;
        while (this.ops[0]?.kind === 'append' && (group.length === 0 || events + this.ops[0].events.length <= MAX_GROUP_EVENTS)) {
          const op = this.ops.shift() as AppendOp;
          group.push(op);
          events += op.events.length;
        }
        await this.writeAppends(group, this.takeSnapshots());
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Takes every queued snapshot out of the queue. A snapshot depends on no other write, so it
   * may go before the writes queued ahead of it.
   */
  private takeSnapshots(): SnapshotOp[] {
    const taken: SnapshotOp[] = [];
    let kept = 0;
    for (const op of this.ops) {
      if (op.kind === 'snapshot') taken.push(op);
      else this.ops[kept++] = op;
    }
    this.ops.length = kept;
    return taken;
  }

  /**
   * Snapshots in one transaction of their own; put in order, so a later one of the same key
   * and seq wins. Should that fail, each is tried alone, so one that cannot be stored fails
   * only its own caller.
   */
  private async writeSnapshots(ops: readonly SnapshotOp[]): Promise<void> {
    if (ops.length === 0) return;
    try {
      await this.db.snapshots.bulkPut(ops.map((op) => op.snapshot));
    } catch (error) {
      if (ops.length === 1) return ops[0]!.reject(error);
      for (const op of ops) await this.writeSnapshots([op]);
      return;
    }
    for (const op of ops) op.resolve();
  }

  /** The first of `events` whose id is already stored or taken earlier in this group. */
  private async duplicateOf(events: readonly PlantEvent[], taken: Set<string>): Promise<string | undefined> {
    for (const { id } of events) {
      if (taken.has(id)) return id;
      // Only an id whose hashes the index knows needs its stored text read (rarely: a repeat or a hash collision).
      if (this.reader.mayHoldId(id) && (await this.reader.seqOfId(id)) !== undefined) return id;
    }
    return undefined;
  }

  /** Inside a write transaction: refuses to write when the stored head is not the one this store knows. */
  private async expectHead(seq: number): Promise<void> {
    const row = await this.db.meta.get(AUDIT_HEAD_KEY);
    const stored = (row?.value as Partial<ChainHead> | undefined)?.seq ?? 0;
    if (stored !== seq) throw new MovedHeadError(`the stored head is seq ${stored}, not ${seq}: another writer appended`);
  }

  private async writeAppends(group: readonly AppendOp[], snapshots: readonly SnapshotOp[], reloaded = false, merging = true): Promise<void> {
    const accepted: AppendOp[] = [];
    const taken = new Set<string>();
    for (const op of group) {
      const duplicate = await this.duplicateOf(op.events, taken).catch((error: unknown) => error);
      if (duplicate instanceof Error) {
        op.reject(duplicate);
      } else if (duplicate !== undefined) {
        op.reject(new EventValidationError('id', `duplicate id ${duplicate}`));
      } else {
        for (const { id } of op.events) taken.add(id);
        accepted.push(op);
      }
    }
    if (accepted.length === 0) return this.writeSnapshots(snapshots);
    const { db, reader } = this;
    const { columns, state } = reader;
    const dictionaries = columns.dictionarySizes();
    const firstSeq = columns.length + 1;
    let seq = columns.length;
    let prevHash = state.headHash;
    const storedPerOp = accepted.map((op) =>
      op.events.map((event) => {
        const stored = numberedCopy(event, ++seq, subjectOf(event.payload));
        stored.hash = prevHash = chainHasher.next(prevHash, stored);
        return stored as StoredEvent;
      }),
    );
    const all = storedPerOp.flat();
    const batch = newBatch(firstSeq, seq, accepted.flatMap((op) => op.events.map((_, i) => op.deliveries[i])), Date.now());
    let packed: PackedEvents;
    let merges: PlannedMerge[] = [];
    let left = state.parts;
    try {
      // Only the new events are written, as segments of their own, with the merges they make due (segmentMerge.ts).
      packed = packEvents(columns, undefined, all);
      const parts = packed.segments.map((row) => ({ first: row.first, events: row.events, chars: charsOf(row.events) }));
      if (merging) ({ merges, left } = planMerges([...state.parts, ...parts], (first) => packed.filters.get(first) ?? columns.textFilters.get(first)));
      else left = [...state.parts, ...parts];
      // Summaries read the columns, where packEvents has set the new events (not yet committed).
      const mergedSummaries = merges.map(({ segment, filter }) => summaryOf(columns, segment.first, segment.events.length, filter));
      // A merge may take in the new parts: their rows are put first, then the merged row over the first, then the rest deleted.
      const gone = merges.flatMap(({ firsts }) => firsts.slice(1));
      const idTimes = state.idTimes.appending(firstSeq, all);
      await db.transaction('rw', [db.segments, db.summaries, db.deliveryBatches, db.meta, db.snapshots], async () => {
        // Requests run in the order they are made; a moved head throws and aborts them all.
        const writes: Promise<unknown>[] = [
          this.expectHead(firstSeq - 1),
          db.segments.bulkPut([...packed.segments, ...merges.map(({ segment }) => ({ first: segment.first, events: segment.events }))]),
          db.summaries.bulkPut([...packed.summaries, ...mergedSummaries]),
          batch ? db.deliveryBatches.put(batch) : Promise.resolve(),
          db.meta.put({ key: AUDIT_HEAD_KEY, value: { seq, hash: prevHash } }),
        ];
        if (gone.length > 0) writes.push(db.segments.bulkDelete(gone), db.summaries.bulkDelete(gone));
        if (snapshots.length > 0) writes.push(db.snapshots.bulkPut(snapshots.map((op) => op.snapshot)));
        if (idTimes.length > 0) writes.push(db.meta.bulkPut(idTimes));
        await Promise.all(writes);
      });
    } catch (error) {
      columns.rollback(dictionaries);
      if (isMovedHead(error) && !reloaded) {
        await reader.reload();
        return this.writeAppends(accepted, snapshots, true, merging);
      }
      // A merge or a snapshot that cannot be stored must not fail the appends: they are tried
      // once more without either (the merges wait for the next append, the snapshots go alone).
      if (!isMovedHead(error) && (merges.length > 0 || snapshots.length > 0)) {
        await this.writeAppends(accepted, [], reloaded, false);
        return this.writeSnapshots(snapshots);
      }
      for (const op of accepted) op.reject(error);
      return this.writeSnapshots(snapshots);
    }
    commitPacked(columns, packed, all.length);
    for (const row of packed.segments) {
      state.firsts.push(row.first);
      reader.remember(row.first, row.events);
    }
    // The tamper tests reload the state behind the writer's back: the database holds the merges, the reload read them.
    if (reader.state === state) {
      for (const { firsts, segment, filter } of merges) reader.merged(firsts, segment.events, filter);
      state.parts = left;
    }
    state.headHash = prevHash;
    trimWindow(state);
    accepted.forEach((op, i) => op.resolve(storedPerOp[i] as StoredEvent[]));
    for (const op of snapshots) op.resolve();
  }

  private async writeStatuses(op: StatusOp, reloaded = false): Promise<void> {
    const { db, reader } = this;
    const { columns } = reader;
    const moves = new Map<number, number>();
    const updates = op.updates.filter(({ eventId, status }) => typeof eventId === 'string' && status in STATUS_CODE);
    const seqs = await reader.seqsOfIds(updates.map((update) => update.eventId));
    // Events before the index's window have their statuses in their segments' summaries only.
    const { base } = columns;
    const oldSeqs = [...seqs.values()].filter((seq) => seq <= base);
    const oldRows = oldSeqs.length === 0 ? new Map<number, SummaryRow>() : await reader.old.summariesFor(oldSeqs);
    const oldRowOf = (seq: number) => oldRows.get(reader.segmentOf(seq)) as SummaryRow;
    const statusAt = (seq: number) => (seq > base ? columns.status[seq - base - 1]! : oldRowOf(seq).status[seq - oldRowOf(seq).first]!);
    for (const { eventId, status } of updates) {
      const seq = seqs.get(eventId);
      if (seq === undefined) continue;
      const current = EVENT_STATUSES[moves.get(seq) ?? statusAt(seq)] as EventStatus;
      if (isForwardStatus(current, status)) moves.set(seq, STATUS_CODE[status]);
    }
    if (moves.size === 0) return;
    const previous = new Map<number, number>();
    const movedOld = new Map<number, SummaryRow>();
    for (const [seq, code] of moves) {
      if (seq > base) {
        previous.set(seq, columns.status[seq - base - 1]!);
        columns.status[seq - base - 1] = code;
        continue;
      }
      const stored = oldRowOf(seq);
      const row = movedOld.get(stored.first) ?? { ...stored, status: Uint8Array.from(stored.status) };
      row.status[seq - row.first] = code;
      movedOld.set(row.first, row);
    }
    const segments = new Set([...previous.keys()].map((seq) => reader.segmentOf(seq)));
    try {
      const summaries = [...segments].map((first) => summaryOf(columns, first, reader.segmentLength(first), columns.textFilters.get(first)));
      await db.transaction('rw', [db.summaries, db.meta], async () => {
        await this.expectHead(columns.length);
        await db.summaries.bulkPut([...summaries, ...movedOld.values()]);
      });
    } catch (error) {
      for (const [seq, code] of previous) columns.status[seq - base - 1] = code;
      if (isMovedHead(error) && !reloaded) {
        await reader.reload();
        return this.writeStatuses(op, true);
      }
      throw error;
    }
    for (const row of movedOld.values()) reader.old.replaced(row);
  }
}
