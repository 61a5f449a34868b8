/**
 * Importing an audit export for review on another workstation. The file is verified first;
 * a broken chain is refused unless the caller explicitly accepts it. Events keep their ids
 * (those already stored are skipped and counted), and each imported event's metadata gets
 * `auditImport`: the source file, the manifest's hash, and whether the file verified.
 * Reading and storing reuse the file importer (main/ingest/fileImport.ts). A CloudEvents file
 * (NDJSON or a batch) is first turned back into the NDJSON export it stands for (cloudEventsImport.ts).
 */
import type { AuditImportResult } from '../../shared/audit/results';
export type { AuditImportResult } from '../../shared/audit/results';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { JsonObject, PlantEvent } from '../../shared/events/event';
import type { ExportVerdict } from '../../shared/audit/exportVerifier';
import type { EventStore } from '../../shared/store/eventStore';
import { importEventsFile, type ImportProgress } from '../ingest/fileImport';
import { storeSink, type ImportSink } from '../ingest/importSinks';
import { verifyExportFile } from './verifyFile';
import { cloudEventsAsExport, cloudEventsKind } from './cloudEventsImport';

export interface AuditImportOptions {
  readonly store: EventStore;
  readonly file: string;
  /** Import even when the file does not verify; the events are then marked unverified. */
  readonly acceptBroken?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Where the events go instead of straight to the store (e.g. a bus sink). */
  readonly sink?: ImportSink;
}


/** What every imported event's metadata gets under `auditImport`. */
export interface AuditImportMark {
  readonly sourceFile: string;
  readonly manifestHash: string | null;
  readonly verified: boolean;
}

export class AuditImportRefusedError extends Error {
  override name = 'AuditImportRefusedError';
  constructor(readonly verdict: Extract<ExportVerdict, { ok: false }>) {
    super(`the export does not verify: line ${verdict.line}: ${verdict.reason}; import it only if you accept an unverified log`);
  }
}

/** The manifest hash written on the file's last line, read without trusting it (for a broken file). */
async function statedManifestHash(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    const lines = tail.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    const last = JSON.parse(lines[lines.length - 1] ?? 'null') as { manifest?: { hash?: unknown } } | null;
    return typeof last?.manifest?.hash === 'string' ? last.manifest.hash : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

function marking(inner: ImportSink, mark: AuditImportMark): ImportSink {
  const annotate = (event: PlantEvent): PlantEvent => ({
    ...event,
    metadata: { ...event.metadata, auditImport: { ...mark } as unknown as JsonObject },
  });
  return { existing: (ids) => inner.existing(ids), write: (events) => inner.write(events.map(annotate)) };
}

export async function importAuditLog(options: AuditImportOptions): Promise<AuditImportResult> {
  const kind = await cloudEventsKind(options.file);
  if (kind === null) return importExport(options, basename(options.file));
  const converted = await cloudEventsAsExport(options.file, kind);
  try {
    return await importExport({ ...options, file: converted.file }, basename(options.file));
  } finally {
    await converted.cleanup();
  }
}

async function importExport(options: AuditImportOptions, sourceFile: string): Promise<AuditImportResult> {
  const verdict = await verifyExportFile(options.file, options.signal ? { signal: options.signal } : {});
  if (!verdict.ok && !options.acceptBroken) throw new AuditImportRefusedError(verdict);
  const manifestHash = verdict.ok ? verdict.manifest.hash : await statedManifestHash(options.file);
  const mark: AuditImportMark = { sourceFile, manifestHash, verified: verdict.ok };
  const report = await importEventsFile(options.file, {
    format: 'ndjson',
    // A verified file is imported whole; a broken one accepted as such keeps its readable events.
    mode: verdict.ok ? 'all-or-nothing' : 'valid-only',
    sink: marking(options.sink ?? storeSink(options.store), mark),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { verdict, verified: verdict.ok, manifestHash, report };
}
