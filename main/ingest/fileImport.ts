/**
 * File import for offline review: NDJSON or CSV files of events (see
 * shared/ingest/importRecords.ts for the formats), read as a stream so that memory stays
 * bounded whatever the file's size.
 *
 * - `all-or-nothing` (the default) reads the file twice: a first pass validates every line
 *   and keeps only the report of bad lines; if there is any, nothing is stored and the
 *   report names each (up to `maxReportedErrors`, with the total count). Otherwise a second
 *   pass imports. (Each batch is atomic; a store failure in the second pass leaves the
 *   batches written so far, which a second run skips as already present.)
 * - `valid-only` imports the valid lines in one pass and reports the bad ones.
 *
 * Events whose id is stored already are skipped and counted, never stored twice.
 */
import { InputError } from '../../shared/api/errors';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { JsonObject, PlantEvent } from '../../shared/events/event';
import type { ImportFormat, ImportRecord } from '../../shared/ingest/importRecords';
import { readImportRecords } from './importReading';
import type { ImportSink } from './importSinks';

import type { ImportLineError, ImportMode, ImportProgress, ImportReport } from '../../shared/api/statusTypes';
export type { ImportLineError, ImportMode, ImportProgress, ImportReport } from '../../shared/api/statusTypes';

export interface ImportOptions {
  readonly sink: ImportSink;
  /** Default: from the file name (.ndjson, .jsonl, .json: NDJSON; .csv: CSV). */
  readonly format?: ImportFormat;
  readonly mode?: ImportMode;
  readonly batchSize?: number;
  readonly maxReportedErrors?: number;
  /** Called every `progressEvery` lines and at the end of each pass. */
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly progressEvery?: number;
  readonly signal?: AbortSignal;
}




/** Chunks of the file's text, from the start, each time it is called. */
export type TextSource = () => AsyncIterable<{ text: string; bytesRead: number }>;

export async function importEventsFile(path: string, options: ImportOptions): Promise<ImportReport> {
  const format = options.format ?? formatOf(path);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw new InputError(`path: ${path} ${found ? 'is not a file' : 'does not exist'}`);
  const { size } = found;
  return importEvents(fileSource(path), size, { ...options, format });
}

/** The importer over any restartable text source (a file, or text in tests). */
export async function importEvents(source: TextSource, totalBytes: number, options: ImportOptions & { format: ImportFormat }): Promise<ImportReport> {
  const mode = options.mode ?? 'all-or-nothing';
  if (mode !== 'all-or-nothing' && mode !== 'valid-only') throw new InputError('mode: must be all-or-nothing or valid-only');
  const pass = new Pass(options, totalBytes);
  if (mode === 'all-or-nothing') {
    await pass.run(source, 'validating');
    if (pass.invalid > 0) return pass.report(mode, 'refused');
    pass.reset();
  }
  await pass.run(source, 'importing');
  if (mode === 'all-or-nothing' && pass.invalid > 0) {
    throw new Error(`the file changed while it was imported: line ${pass.errors[0]?.line} is now invalid (${pass.errors[0]?.reason}); ${pass.imported} events were stored`);
  }
  return pass.report(mode, 'imported');
}

export function formatOf(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  throw new InputError(`format: cannot tell the format of "${path}" from its extension; give format "ndjson" or "csv"`);
}

function fileSource(path: string): TextSource {
  return async function* read() {
    const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    const decode = (chunk?: Buffer): string => {
      try {
        return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
      } catch {
        throw new Error(`the file is not valid UTF-8 text (in the bytes from offset ${offset})`);
      }
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decode(chunk);
      offset += chunk.length;
      yield { text, bytesRead: offset };
    }
    yield { text: decode(), bytesRead: offset };
  };
}

/** One reading of the file: counts, the bad-line report, and (when importing) batches to the sink. */
class Pass {
  phase: ImportProgress['phase'] = 'validating';
  events = 0;
  imported = 0;
  skippedDuplicates = 0;
  invalid = 0;
  records = 0;
  errors: ImportLineError[] = [];
  stoppedEarly = false;
  manifest: JsonObject | null = null;
  bytesRead = 0;
  private batch: PlantEvent[] = [];
  private readonly batchSize: number;
  private readonly maxErrors: number;
  private readonly progressEvery: number;

  constructor(
    private readonly options: ImportOptions & { format: ImportFormat },
    private readonly totalBytes: number,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxErrors = options.maxReportedErrors ?? 1_000;
    this.progressEvery = options.progressEvery ?? 5_000;
  }

  reset(): void {
    Object.assign(this, { events: 0, imported: 0, skippedDuplicates: 0, invalid: 0, records: 0, errors: [], stoppedEarly: false, manifest: null, bytesRead: 0 });
  }

  async run(source: TextSource, phase: ImportProgress['phase']): Promise<void> {
    this.phase = phase;
    for await (const records of readImportRecords(this.options.format, this.texts(source))) {
      if (await this.take(records)) return this.finish();
    }
    await this.finish();
  }

  private async *texts(source: TextSource): AsyncGenerator<string> {
    for await (const { text, bytesRead } of source()) {
      this.options.signal?.throwIfAborted();
      this.bytesRead = bytesRead;
      yield text;
    }
  }

  report(mode: ImportMode, outcome: ImportReport['outcome']): ImportReport {
    return {
      format: this.options.format,
      mode,
      outcome,
      events: this.events,
      imported: this.imported,
      skippedDuplicates: this.skippedDuplicates,
      invalid: this.invalid,
      errors: this.errors,
      errorsTruncated: this.invalid > this.errors.length,
      stoppedEarly: this.stoppedEarly,
      manifest: this.manifest,
      bytes: this.bytesRead,
    };
  }

  /** Handles parsed records; true when a fatal error stops the reading. */
  private async take(records: ImportRecord[]): Promise<boolean> {
    for (const record of records) {
      this.records++;
      if (record.kind === 'error') {
        this.invalid++;
        if (this.errors.length < this.maxErrors) this.errors.push({ line: record.line, reason: record.reason });
        if (record.fatal) {
          this.stoppedEarly = true;
          return true;
        }
      } else if (record.kind === 'manifest') {
        this.manifest = record.manifest;
      } else {
        this.events++;
        if (this.phase === 'importing') {
          this.batch.push(record.event);
          if (this.batch.length >= this.batchSize) await this.flush();
        }
      }
      if (this.records % this.progressEvery === 0) this.progress();
    }
    return false;
  }

  private async finish(): Promise<void> {
    await this.flush();
    this.progress();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.options.signal?.throwIfAborted();
    const present = await this.options.sink.existing(batch.map((event) => event.id));
    const seen = new Set<string>();
    const fresh = batch.filter((event) => {
      if (present.has(event.id) || seen.has(event.id)) return false;
      seen.add(event.id);
      return true;
    });
    this.skippedDuplicates += batch.length - fresh.length;
    if (fresh.length > 0) await this.options.sink.write(fresh);
    this.imported += fresh.length;
  }

  private progress(): void {
    this.options.onProgress?.({
      phase: this.phase,
      bytesRead: this.bytesRead,
      totalBytes: this.totalBytes,
      records: this.records,
      imported: this.imported,
      skippedDuplicates: this.skippedDuplicates,
      invalid: this.invalid,
    });
  }
}
