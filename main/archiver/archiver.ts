/**
 * The plant's archiver (issue 15 §2): a durable consumer of the plant stream, under a name
 * of its own, that keeps every event in the archive (PostgreSQL) once. Messages are read by
 * pullStream.ts and taken in batches (messageBatcher.ts), each batch one append, and a message
 * is acknowledged only after its batch committed; one whose batch failed goes back to the
 * server and comes again. Exactly once by id: a message that comes again (its acknowledgement
 * lost, or its batch failed after part of it committed) is found stored and counted as a
 * duplicate (archiveBatch.ts). The NATS client reconnects by itself (for ever) and the reader
 * asks again after a reconnection, so an outage on either side only delays the archive.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureConsumer } from '../plant/consume';
import { connectPlant } from '../plant/natsConnection';
import type { PlantLinkSettings } from '../plant/plantSettings';
import { ensureStream } from '../plant/plantStream';
import type { ArchiveTarget } from './archiveBatch';
import { ArchiverStoppedError, MessageBatcher, type ArchiveCounts } from './messageBatcher';
import { PullStream, type Delivered } from './pullStream';

export const DEFAULT_CONSUMER = 'archiver';
/**
 * Events one append takes at most, and appends handed to the store at once. The store commits the
 * appends queued behind a commit together, so small appends still make large transactions; but each
 * append is checked and prepared in one piece of synchronous work, during which the transaction in
 * progress waits for its next round trip. Measured on the same loaded 2-core machine, 20,000 events:
 * 2 appends of 1,000 archived 1,514 and 1,839 events/s, 8 of 250 2,257, 2,488 and 2,366/s (12 of 250
 * 2,117/s, 6 of 500 1,886/s), at the same CPU per event.
 */
const MAX_BATCH = 250;
const IN_FLIGHT = 8;
/**
 * Messages asked for or delivered and not yet acknowledged, at most (pullStream.ts). Small
 * enough that what waits is stored within the consumer's ack wait (10 s) even on a slow
 * machine: a message that waits longer is sent again by the server and costs a duplicate
 * check. Measured on a 2-core machine under a load average of 15 (the client's consume then):
 * with 8,000 in hand 33 of 20,000 messages came twice, with 4,000 (pulls of 8,000) at about
 * 1,000 events/s 5,587.
 */
const WINDOW = 4_000;
/** How long a message of a failed batch waits before the server sends it again. */
const RETRY_DELAY_MS = 1_000;
/** How long a stop waits for the acknowledgements to reach the server. */
const DRAIN_MS = 5_000;

export interface ArchiverOptions {
  /** The plant link's connection settings; `station` names the connection only. */
  readonly plant: PlantLinkSettings;
  /** The durable consumer's name (default `archiver`). */
  readonly consumer?: string;
  readonly target: ArchiveTarget;
  /** Status and failures, one sentence each (never a secret). */
  readonly log: (line: string) => void;
  readonly maxBatch?: number;
}

export interface ArchiverStatus extends Readonly<ArchiveCounts> {
  readonly natsConnected: boolean;
}

export class Archiver {
  private readonly batcher: MessageBatcher;
  private reader: PullStream | undefined;
  /** Settles when the archiver has stopped or its connection closed for good. */
  readonly done: Promise<void>;
  private ended!: () => void;
  private natsConnected = true;
  /** The last failure told, and how many batches had committed then. */
  private lastFailure = { reason: '', batches: -1 };
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly log: (line: string) => void,
    private readonly nc: NatsConnection,
    target: ArchiveTarget,
    stream: string,
    maxBatch: number,
  ) {
    this.batcher = new MessageBatcher(target, stream, maxBatch, (batch, error) => this.settled(batch, error), IN_FLIGHT);
    this.done = new Promise<void>((resolve) => (this.ended = resolve));
    void nc.closed().then(() => this.ended());
  }

  /** Connects, makes the stream and the durable consumer if missing, and starts archiving. */
  static async start(options: ArchiverOptions): Promise<Archiver> {
    const { plant, log } = options;
    const durable = options.consumer ?? DEFAULT_CONSUMER;
    const nc = await connectPlant(plant);
    try {
      await ensureStream(await jetstreamManager(nc), plant.stream);
      await ensureConsumer(nc, plant.stream, durable);
      const archiver = new Archiver(log, nc, options.target, plant.stream, options.maxBatch ?? MAX_BATCH);
      archiver.reader = new PullStream(nc, plant.stream, durable, (message) => archiver.batcher.add(message), { window: WINDOW, retryDelayMs: RETRY_DELAY_MS, log });
      archiver.watch(plant.servers.join(', '));
      log(`archiving stream ${plant.stream} from ${plant.servers.join(', ')} as consumer ${durable}`);
      return archiver;
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
  }

  status(): ArchiverStatus {
    return { ...this.batcher.counts, natsConnected: this.natsConnected };
  }

  /**
   * Stops taking messages: the batch committing finishes and is acknowledged, the messages
   * not yet in a batch go back to the server unacknowledged, and the connection closes once
   * the acknowledgements are sent (or after DRAIN_MS when the server is away).
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.reader?.stop();
      await this.batcher.stop();
      // Waits on the server; while it is away, the stop goes on after DRAIN_MS (what was not acknowledged comes again).
      await withinDrainTime(this.nc.drain());
      if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
      this.ended();
    })();
    return this.stopping;
  }

  /** A batch committed (acknowledged) or failed (handed back, and told once per outage). */
  private settled(batch: readonly Delivered[], error: unknown): void {
    this.reader?.settle(batch, error);
    if (error === null || error instanceof ArchiverStoppedError) return;
    const messages = batch.length;
    const reason = error instanceof Error ? error.message : String(error);
    const { batches } = this.batcher.counts;
    // An outage fails every batch the same way: said once, until a batch goes through again.
    if (reason === this.lastFailure.reason && batches === this.lastFailure.batches) return;
    this.lastFailure = { reason, batches };
    this.log(`a batch of ${messages} messages was not stored and will come again: ${reason}`);
  }

  /** Follows the client's own reconnections, for the progress line and the log. */
  private watch(where: string): void {
    const { log } = this;
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect' && this.natsConnected) {
          this.natsConnected = false;
          log(`the connection to ${where} was lost; reconnecting`);
        } else if (status.type === 'reconnect') {
          this.natsConnected = true;
          log(`reconnected to ${where}`);
        }
      }
    })().catch(() => undefined);
  }
}

/** Waits for `work` (its failure ignored), but not longer than DRAIN_MS. */
async function withinDrainTime(work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work?.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(timer);
}
