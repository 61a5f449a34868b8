/**
 * One batch of plant-stream messages into the archive, in one append: each message checked
 * as the station's inbound link checks it (wireEvent.ts), a message that is no event kept as
 * `plant.message.rejected`, and every id stored once. The same id twice with the same content
 * (a republish, a derived event two stations made, a redelivery after a lost acknowledgement)
 * counts as a duplicate; the same id with other content keeps the later message as rejected,
 * as a station does. The append is tried first as it is, because duplicates are rare: only a
 * refusal for an id already stored costs the look-up that sorts them out.
 *
 * A valid event that PostgreSQL itself refuses (PostgresRefusedError: a constraint or a
 * trigger the database's owner added, a value it cannot hold) would fail its batch every
 * time it came again. The batch is then split in halves until the refused events stand
 * alone; the rest is stored, and each refused one is kept as `plant.message.rejected` with
 * PostgreSQL's reason and acknowledged. Only when even that record is refused does the batch fail.
 */
import type { ApiError } from '../../shared/api/errors';
import { isDuplicateIdError } from '../../shared/events/derivedId';
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import { sealInput } from '../../shared/events/sealed';
import type { AppendInput } from '../../shared/store/eventStore';
import { storeSplittingRefusals } from '../plant/splitRefused';
import { isStoreRefusal, refusalReason } from '../plant/storeRefusal';
import { decodeMessage, rejectedEvent, sameContent, type MessageMeta, type RejectCode } from '../plant/wireEvent';

/** What the archiver needs of its store (PostgresEventStore). */
export interface ArchiveTarget {
  append(events: readonly AppendInput[]): Promise<StoredEvent[]>;
  getMany(ids: readonly string[]): Promise<StoredEvent[]>;
}

export interface StreamMessage {
  readonly data: Uint8Array;
  readonly meta: MessageMeta;
}

export interface BatchOutcome {
  /** Events appended (rejections included). */
  readonly stored: number;
  /** Of those, `plant.message.rejected` events. */
  readonly rejected: number;
  /** Messages whose event was stored already, or came twice in this batch. */
  readonly duplicates: number;
}

interface Candidate {
  readonly event: PlantEvent;
  readonly message: StreamMessage;
  readonly rejection: boolean;
}

/** The source written on the rejections the archiver keeps. */
export const ARCHIVER_SOURCE = 'plant-archiver';
/** Look-ups after a refused append before the batch fails (another writer racing on the same ids). */
const MAX_LOOKUPS = 3;

class BatchPlan {
  /** The candidates not yet stored, by id. */
  readonly byId = new Map<string, Candidate>();
  duplicates = 0;
  stored = 0;
  rejected = 0;

  constructor(private readonly stream: string) {}

  take(message: StreamMessage): void {
    const decoded = decodeMessage(message.data, message.meta);
    if (decoded.ok) this.add({ event: decoded.event, message, rejection: false });
    else this.reject(message, decoded.code, decoded.reason);
  }

  /** A candidate, unless its id is planned already: then a duplicate, or a conflict kept as rejected. */
  add(candidate: Candidate): void {
    const earlier = this.byId.get(candidate.event.id);
    if (!earlier) this.byId.set(candidate.event.id, candidate);
    else this.settle(earlier.event, candidate);
  }

  /** `candidate` meets `existing`, an event of the same id (planned, or stored). */
  settle(existing: PlantEvent, candidate: Candidate): void {
    if (sameContent(existing, candidate.event)) this.duplicates++;
    else this.reject(candidate.message, 'id-conflict', `the event id ${candidate.event.id} is already archived with other content`);
  }

  reject(message: StreamMessage, code: RejectCode, reason: string): void {
    const input = rejectedEvent(message.data, message.meta, code, reason, this.stream);
    this.add({ event: sealInput(input, { source: ARCHIVER_SOURCE, status: 'PUBLISHED' }), message, rejection: true });
  }

  committed(candidates: readonly Candidate[]): void {
    for (const candidate of candidates) this.byId.delete(candidate.event.id);
    this.stored += candidates.length;
    this.rejected += candidates.filter((c) => c.rejection).length;
  }

  /** A candidate PostgreSQL refused on its own: kept as rejected instead (a refused rejection fails the batch). */
  refused(candidate: Candidate, error: ApiError): void {
    if (candidate.rejection) throw error;
    this.byId.delete(candidate.event.id);
    this.reject(candidate.message, 'store-refused', `PostgreSQL refused the event ${candidate.event.id} (${refusalReason(error)})`);
  }

  get outcome(): BatchOutcome {
    return { stored: this.stored, rejected: this.rejected, duplicates: this.duplicates };
  }
}

/** Appends `candidates`; what PostgreSQL refuses is split in halves until each refused event stands alone (splitRefused.ts). */
async function appendApart(target: ArchiveTarget, plan: BatchPlan, candidates: readonly Candidate[]): Promise<void> {
  await storeSplittingRefusals(
    candidates,
    async (part) => {
      await target.append(part.map((c) => c.event));
      plan.committed(part);
    },
    (alone, error) => {
      if (!isStoreRefusal(error)) throw error;
      plan.refused(alone[0]!, error);
    },
  );
}

/**
 * Appends the batch (once, unless PostgreSQL refuses part of it); resolves after the commit. On a
 * rejection the batch comes again, and a part already committed then counts as duplicates.
 */
export async function archiveBatch(target: ArchiveTarget, messages: readonly StreamMessage[], stream: string): Promise<BatchOutcome> {
  const plan = new BatchPlan(stream);
  for (const message of messages) plan.take(message);
  for (let lookups = 0; ; ) {
    const candidates = [...plan.byId.values()];
    if (candidates.length === 0) return plan.outcome;
    try {
      // Stores them all, or some with the refused ones turned into rejections, which the next round stores.
      await appendApart(target, plan, candidates);
      continue;
    } catch (error) {
      if (!isDuplicateIdError(error) || lookups++ >= MAX_LOOKUPS) throw error;
    }
    const stored = await target.getMany([...plan.byId.keys()]);
    for (const existing of stored) {
      const candidate = plan.byId.get(existing.id)!;
      plan.byId.delete(existing.id);
      plan.settle(existing, candidate);
    }
  }
}
