/** Figures the bus and the store report, as the health view and `metrics.get` show them. */
import type { PlantLinkStatus } from './plantStatus';
import type { OpcuaMetrics } from './opcuaTypes';
import type { MqttIngestMetrics } from './statusTypes';

export interface SubscriberMetrics {
  readonly name: string;
  readonly pattern: string;
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly delivered: number;
  readonly processed: number;
  readonly failedAttempts: number;
  readonly retries: number;
  readonly deadLetters: number;
  readonly processedPerSecond: number;
  readonly processingMs: { readonly p50: number; readonly p95: number; readonly p99: number };
}

export interface BusMetrics {
  readonly published: number;
  /** Deliveries processed, over all subscribers. */
  readonly processed: number;
  readonly publishedPerSecond: number;
  readonly processedPerSecond: number;
  readonly retries: number;
  readonly deadLetters: number;
  readonly pendingAppends: number;
  readonly pendingStatusWrites: number;
  readonly subscribers: readonly SubscriberMetrics[];
}

export interface StoreMetrics {
  readonly events: number;
  readonly headSeq: number;
  readonly connected: boolean;
  readonly restarts: number;
}

export interface PlantMetrics {
  readonly at: number;
  readonly bus: BusMetrics;
  readonly store: StoreMetrics;
  readonly ingest: { readonly mqtt: MqttIngestMetrics | null; readonly opcua?: OpcuaMetrics | null };
  /** Review mode: the history is only read (absent from hosts older than it). */
  readonly review?: boolean;
  /** The plant link (issue 14); absent or null when this station runs alone. */
  readonly plant?: PlantLinkStatus | null;
}
