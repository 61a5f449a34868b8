/**
 * The plant's archiver (issue 15 §2): a durable consumer of the plant stream, under a name
 * of its own, that keeps every event in the archive (PostgreSQL) once. Messages are taken in
 * batches (messageBatcher.ts), each batch one append, and a message is acknowledged only
 * after its batch committed; one whose batch failed goes back to the server and comes again.
 * The NATS client reconnects by itself (for ever) and the consumer asks again after a server
 * restart, so an outage on either side only delays the archive.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { consumeMessages, ensureConsumer, type Consumption } from '../plant/consume';
import { connectPlant } from '../plant/natsConnection';
import type { PlantLinkSettings } from '../plant/plantSettings';
import { ensureStream } from '../plant/plantStream';
import type { ArchiveTarget } from './archiveBatch';
import { ArchiverStoppedError, MessageBatcher, type ArchiveCounts } from './messageBatcher';

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
 * Messages delivered and not yet acknowledged, at most (the client pulls twice as many ahead).
 * Small enough that what waits in the client is stored within the consumer's ack wait (10 s)
 * even on a slow machine: a message that waits longer is sent again by the server and costs a
 * duplicate check. Measured on a 2-core machine under a load average of 15: with 8,000 in hand
 * 33 of 20,000 messages came twice, with 4,000 (pulls of 8,000) at about 1,000 events/s 5,587.
 */
const IN_HAND = 3_000;
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
  private consumption: Consumption | undefined;
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
    this.batcher = new MessageBatcher(target, stream, maxBatch, (error, messages) => this.failed(error, messages), IN_FLIGHT);
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
      archiver.consumption = await consumeMessages(nc, plant.stream, durable, (data, meta) => archiver.batcher.add(data, meta), {
        concurrency: IN_HAND,
        retryDelayMs: RETRY_DELAY_MS,
        // Each failed batch is told once by the batcher, not once per message.
        onError: () => undefined,
      });
      archiver.watch(plant.servers.join(', '));
      log(`archiving stream ${plant.stream} from ${plant.servers.join(', ')} as consumer ${durable}`);
      return archiver;
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
  }

  /** Settles when the consumption ends: after `stop`, or when the connection closed for good. */
  get done(): Promise<void> {
    return this.consumption!.done;
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
      await this.batcher.stop();
      // Both wait on the server; while it is away, the stop goes on after DRAIN_MS (what was not acknowledged comes again).
      await withinDrainTime(this.consumption?.stop());
      await withinDrainTime(this.nc.drain());
      if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
    })();
    return this.stopping;
  }

  private failed(error: unknown, messages: number): void {
    if (error instanceof ArchiverStoppedError) return;
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
