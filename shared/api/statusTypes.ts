/**
 * Shapes main reports through the API about its producers: the simulator, MQTT ingest and
 * file imports. Types only; the code that fills them lives in main/.
 */
import type { JsonObject } from '../events/event';
import type { ImportFormat } from '../ingest/importRecords';
import type { ConnectionState, RejectCode } from '../ingest/ingestEvents';

export type ImportMode = 'all-or-nothing' | 'valid-only';

export interface SimulatorStatus {
  readonly enabled: boolean;
  readonly running: boolean;
  readonly paused: boolean;
  readonly rate: number;
  readonly seed: number;
  readonly equipment: number;
  /** The simulated time everything before has been generated; null before the first start. */
  readonly simulatedTime: number | null;
  readonly generated: number;
  readonly published: number;
  readonly failedEvents: number;
  readonly failedBatches: number;
  /** Simulated time the plant was held because publishing fell behind or the process slept. */
  readonly heldMs: number;
  readonly inFlight: number;
  readonly lastError: string | null;
}

export interface MqttIngestStatus {
  readonly name: string;
  readonly broker: string;
  readonly state: ConnectionState;
  readonly reason: string | null;
  readonly since: number;
  readonly attempt: number;
  readonly topics: readonly string[];
  /** True once the broker granted every subscription of the current connection. */
  readonly subscribed: boolean;
  /** The latest failure and when it happened; kept while the connection retries or after it recovers. */
  readonly lastError: { readonly message: string; readonly at: number } | null;
}

/** What "Test connection" found: connected (and which topic filters the broker refused), or why not, in one sentence. */
export type MqttProbeResult =
  | { readonly ok: true; readonly broker: string; readonly topics: readonly string[]; readonly refusedTopics: readonly string[]; readonly elapsedMs: number }
  | { readonly ok: false; readonly broker: string; readonly reason: string; readonly elapsedMs: number };

export interface MqttIngestMetrics {
  readonly state: ConnectionState;
  readonly received: number;
  readonly mapped: number;
  readonly rejected: number;
  readonly rejectedByCode: Readonly<Record<RejectCode, number>>;
  readonly connects: number;
  /** Events stored, connection and rejection events included. */
  readonly published: number;
  readonly queued: number;
  readonly lost: number;
  readonly retries: number;
  /** Sparkplug B on this connection, when it is on. */
  readonly sparkplug?: SparkplugIngestMetrics;
}

export interface SparkplugIngestMetrics {
  readonly messages: number;
  /** Metrics read from births and data messages and turned into events. */
  readonly metrics: number;
  readonly births: number;
  readonly deaths: number;
  /** Deaths of an older session (another bdSeq), ignored. */
  readonly staleDeaths: number;
  readonly gaps: number;
  readonly rebirthRequests: number;
}

export interface ImportProgress {
  readonly phase: 'validating' | 'importing';
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Records read in this pass: events, bad lines and the manifest (blank lines not counted). */
  readonly records: number;
  readonly imported: number;
  readonly skippedDuplicates: number;
  readonly invalid: number;
}

export interface ImportLineError {
  readonly line: number;
  readonly reason: string;
}

export interface ImportReport {
  readonly format: ImportFormat;
  readonly mode: ImportMode;
  /** `refused`: all-or-nothing found bad lines and stored nothing. */
  readonly outcome: 'imported' | 'refused';
  /** Valid event lines read. */
  readonly events: number;
  readonly imported: number;
  readonly skippedDuplicates: number;
  /** Bad lines in all (the report lists the first `maxReportedErrors`). */
  readonly invalid: number;
  readonly errors: readonly ImportLineError[];
  readonly errorsTruncated: boolean;
  /** True when a bad line stopped the reading (the rest of the file was not read). */
  readonly stoppedEarly: boolean;
  readonly manifest: JsonObject | null;
  readonly bytes: number;
}
