/** What the audit operations report: export progress and results, import results. Types only. */
import type { ImportReport } from '../api/statusTypes';
import type { ExportManifest } from './exportFormat';
import type { ExportVerdict } from './exportVerifier';

export type TextExportFormat = 'ndjson' | 'csv' | 'cloudevents' | 'cloudevents-batch';
export const TEXT_EXPORT_FORMATS: readonly TextExportFormat[] = ['ndjson', 'csv', 'cloudevents', 'cloudevents-batch'];

export interface ExportProgress {
  readonly phase: 'counting' | 'writing' | 'rendering' | 'done';
  /** Events written so far. */
  readonly events: number;
  /** Events the export will hold, once known. */
  readonly total: number | null;
  readonly bytes: number;
}

export interface ExportResult {
  readonly format: TextExportFormat | 'pdf';
  readonly file: string;
  readonly count: number;
  readonly headHash: string;
  readonly manifest: ExportManifest;
  readonly bytes: number;
  /** The id of the `audit.log.exported` event, when recorded. */
  readonly recordedEventId?: string;
}

export interface AuditImportResult {
  readonly verdict: ExportVerdict;
  readonly verified: boolean;
  /** The manifest's `hash` as the file states it (null when the file has no readable manifest). */
  readonly manifestHash: string | null;
  readonly report: ImportReport;
}
