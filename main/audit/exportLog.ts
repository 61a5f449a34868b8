/**
 * Streamed audit export of the store to a file: NDJSON (with its manifest), CSV, or CloudEvents
 * (NDJSON of CloudEvents or one JSON array, ending with the manifest's CloudEvent), read page
 * by page and written through a temporary file that is renamed at the end (atomicFile.ts).
 * Progress is reported as pages are written; the AbortSignal stops the export and leaves no
 * file under the target name. A finished export is recorded as an `audit.log.exported` event.
 * PDF reports are made by pdfExport.ts.
 */
import { InputError } from '../../shared/api/errors';
import type { ExportProgress, ExportResult } from '../../shared/audit/results';
export type { ExportProgress, ExportResult } from '../../shared/audit/results';
import type { PlantEvent } from '../../shared/events/event';
import { ExportChain, manifestLineOf, type ExportFilters, type ExportManifest } from '../../shared/audit/exportFormat';
import { CSV_BOM, csvHeader, csvRowOf } from '../../shared/audit/csvWriter';
import type { EventStore } from '../../shared/store/eventStore';
import { AtomicFileWriter } from './atomicFile';
import { exportedEvent, localIdentity, type ExporterIdentity } from './exporter';
import { exportPages, queryOf } from './storePages';

import { TEXT_EXPORT_FORMATS, type TextExportFormat } from '../../shared/audit/results';
import { manifestCloudEvent, toCloudEvent } from '../../shared/audit/cloudEvents';
export type { TextExportFormat } from '../../shared/audit/results';


export interface ExportOptionsBase {
  readonly store: EventStore;
  /** The target file; it appears only when the export is complete. */
  readonly out: string;
  /** Replace `out` if it exists (otherwise that fails with the code `exists`). */
  readonly overwrite?: boolean;
  /** The data folder, whose files are never export targets. */
  readonly dataDir?: string;
  readonly filters?: ExportFilters;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
  /** Count the matching events first, so progress has a total (one more pass over the index). Default true. */
  readonly countFirst?: boolean;
  /**
   * Records the finished export. Default: append the `audit.log.exported` event to `store`.
   * Pass a function to publish it otherwise (e.g. through the bus), or false to record nothing.
   */
  readonly record?: false | ((event: PlantEvent) => Promise<unknown>);
  readonly identity?: Partial<ExporterIdentity>;
  readonly now?: () => number;
}

export interface TextExportOptions extends ExportOptionsBase {
  readonly format: TextExportFormat;
  /** CSV only: start with a UTF-8 byte-order mark for spreadsheet programs. */
  readonly bom?: boolean;
}


/** Every 2,000 events at most, and at the end. */
const PROGRESS_EVERY = 2_000;
/** A CloudEvents batch is one JSON array, read whole by whoever imports it: meant for small selections. */
export const MAX_BATCH_EVENTS = 100_000;

/** How one format writes its start, each event (given the export chain's line and hashes), and its end. */
interface LineFormat {
  readonly head: string;
  line(event: PlantEvent & { seq: number }, ndjsonLine: string, prevHash: string, hash: string): string;
  tail(manifest: ExportManifest): string;
}

function lineFormat(format: TextExportFormat, bom: boolean): LineFormat {
  switch (format) {
    case 'ndjson':
      return { head: '', line: (_event, ndjsonLine) => `${ndjsonLine}\n`, tail: (manifest) => `${manifestLineOf(manifest)}\n` };
    case 'csv':
      return { head: (bom ? CSV_BOM : '') + csvHeader(), line: (event, _line, prevHash, hash) => csvRowOf(event, prevHash, hash), tail: () => '' };
    case 'cloudevents':
      return {
        head: '',
        line: (event, _line, prevHash, hash) => `${JSON.stringify(toCloudEvent(event, { prevHash, hash }))}\n`,
        tail: (manifest) => `${JSON.stringify(manifestCloudEvent(manifest))}\n`,
      };
    case 'cloudevents-batch': {
      let separator = '';
      const next = (text: string) => {
        const out = `${separator}${text}`;
        separator = ',\n';
        return out;
      };
      return {
        head: '[\n',
        line: (event, _line, prevHash, hash) => next(JSON.stringify(toCloudEvent(event, { prevHash, hash }))),
        tail: (manifest) => `${next(JSON.stringify(manifestCloudEvent(manifest)))}\n]\n`,
      };
    }
  }
}

export async function exportAuditLog(options: TextExportOptions): Promise<ExportResult> {
  if (!TEXT_EXPORT_FORMATS.includes(options.format)) throw new InputError(`format: must be one of ${TEXT_EXPORT_FORMATS.join(', ')}, not ${String(options.format)}`);
  if (options.bom && options.format !== 'csv') throw new InputError('bom: only a CSV export can start with a byte-order mark');
  const filters = options.filters ?? {};
  const { store, signal } = options;
  signal?.throwIfAborted();
  const untilSeq = await store.headSeq();
  const total = options.countFirst === false && options.format !== 'cloudevents-batch' ? null : Math.min(await store.count(queryOf(filters)), untilSeq);
  if (options.format === 'cloudevents-batch' && total !== null && total > MAX_BATCH_EVENTS) {
    throw new InputError(`format: a CloudEvents batch holds at most ${MAX_BATCH_EVENTS} events and this selection has ${total}; export it as cloudevents (NDJSON) or narrow the filters`);
  }
  const format = lineFormat(options.format, options.bom ?? false);
  const writer = await AtomicFileWriter.open(options.out, { overwrite: options.overwrite ?? false, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const chain = new ExportChain();
  let reported = 0;
  const progress = (phase: ExportProgress['phase']) => options.onProgress?.({ phase, events: chain.count, total, bytes: writer.bytes });
  try {
    if (format.head) await writer.write(format.head);
    for await (const page of exportPages(store, filters, untilSeq, signal)) {
      for (const event of page) {
        const prevHash = chain.headHash;
        const line = chain.line(event);
        const full = writer.write(format.line(event, line, prevHash, chain.headHash));
        if (full) await full;
      }
      if (chain.count - reported >= PROGRESS_EVERY) {
        reported = chain.count;
        progress('writing');
      }
    }
    const identity = localIdentity(options.identity);
    const manifest = chain.manifest({ ...identity, filters, exportedAt: new Date((options.now ?? Date.now)()).toISOString() });
    const tail = format.tail(manifest);
    if (tail) await writer.write(tail);
    signal?.throwIfAborted();
    await writer.commit();
    progress('done');
    const recordedEventId = await recordExport(options, { format: options.format, manifest });
    return { format: options.format, file: options.out, count: chain.count, headHash: chain.headHash, manifest, bytes: writer.bytes, ...(recordedEventId ? { recordedEventId } : {}) };
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

/** Appends (or hands to `options.record`) the export's `audit.log.exported` event; its id, or undefined. */
export async function recordExport(options: ExportOptionsBase, done: { format: string; manifest: ExportManifest }): Promise<string | undefined> {
  if (options.record === false) return undefined;
  const event = exportedEvent({
    format: done.format,
    file: options.out,
    filters: options.filters ?? {},
    count: done.manifest.count,
    headHash: done.manifest.headHash,
    manifestHash: done.manifest.hash,
    exportedBy: done.manifest.exportedBy,
    workstation: done.manifest.workstation,
  });
  if (options.record) await options.record(event);
  else await options.store.append([event]);
  return event.id;
}
