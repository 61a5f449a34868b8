/**
 * Audit operations started from the UI: export (NDJSON, CSV, PDF), verification of an
 * export file or of the store's own chain, and import of an export. One at a time, with
 * progress and cancel; exports are recorded through the bus like any other event.
 */
import type { AuditJob } from '../../shared/api/contractAudit';
import type { ExportFilters } from '../../shared/audit/exportFormat';
import type { AuditImportResult, ExportResult, TextExportFormat } from '../../shared/audit/results';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { ExportVerdict } from '../../shared/audit/exportVerifier';
import type { ChainVerdict } from '../../shared/audit/storeChain';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import { exportAuditLog } from '../audit/exportLog';
import { importAuditLog } from '../audit/importLog';
import { exportPdfReport } from '../audit/pdfExport';
import type { RenderPdf } from '../audit/renderPdf';
import { verifyExportFile } from '../audit/verifyFile';

export interface AuditRunnerOptions {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly user: string;
  /** False in review mode: an export only reads, so it is not recorded as an event. Default true. */
  readonly recordExports?: boolean;
  /** Prints HTML to PDF (Chromium); without it PDF exports are refused with a reason. */
  readonly renderPdf?: RenderPdf;
  /** Read models to rebuild after an import. */
  readonly afterImport: () => Promise<void>;
  /** The data folder, whose own files are never export targets. */
  readonly dataDir?: string;
}

export class AuditRunner {
  private job: AuditJob = { running: false, kind: null, target: null, progress: null, result: null, error: null };
  private abort: AbortController | null = null;

  constructor(private readonly options: AuditRunnerOptions) {}

  status(): AuditJob {
    return structuredClone(this.job);
  }

  cancel(): boolean {
    if (!this.abort) return false;
    this.abort.abort(new DOMException('cancelled by the operator', 'AbortError'));
    return true;
  }

  export(request: { out: string; format: TextExportFormat | 'pdf'; filters?: ExportFilters; bom?: boolean; overwrite?: boolean }): Promise<ExportResult> {
    const { store, bus, user, renderPdf, dataDir } = this.options;
    return this.run('export', request.out, (signal, onProgress) => {
      const common = {
        store,
        out: request.out,
        overwrite: request.overwrite ?? false,
        ...(dataDir ? { dataDir } : {}),
        ...(request.filters ? { filters: request.filters } : {}),
        signal,
        onProgress,
        record: this.options.recordExports === false ? (false as const) : (event: Parameters<EventBus['publish']>[0]) => bus.publish(event),
        identity: { exportedBy: user },
      };
      if (request.format !== 'pdf') return exportAuditLog({ ...common, format: request.format, ...(request.bom ? { bom: true } : {}) });
      if (!renderPdf) throw new Error('format: PDF reports need Chromium to print them, and none is available here');
      return exportPdfReport({ ...common, renderPdf });
    });
  }

  verifyFile(path: string): Promise<ExportVerdict> {
    return this.run('verifyFile', path, (signal, onProgress) => verifyExportFile(path, { signal, onProgress }));
  }

  verifyStore(): Promise<ChainVerdict> {
    return this.run('verifyStore', 'store', (signal, onProgress) => verifyStoreChain(this.options.store, { signal, onProgress }));
  }

  async import(request: { path: string; acceptBroken?: boolean }): Promise<AuditImportResult> {
    const result = await this.run('import', request.path, (signal, onProgress) =>
      importAuditLog({ store: this.options.store, file: request.path, acceptBroken: request.acceptBroken ?? false, signal, onProgress }),
    );
    if (result.report.imported > 0) await this.options.afterImport();
    return result;
  }

  private async run<T>(kind: NonNullable<AuditJob['kind']>, target: string, work: (signal: AbortSignal, onProgress: (progress: unknown) => void) => Promise<T>): Promise<T> {
    if (this.job.running) throw new Error(`an audit ${this.job.kind} is already running (${this.job.target}); cancel it or wait for it`);
    this.abort = new AbortController();
    this.job = { running: true, kind, target, progress: null, result: null, error: null };
    try {
      const result = await work(this.abort.signal, (progress) => {
        this.job = { ...this.job, progress: progress as AuditJob['progress'] };
      });
      this.job = { ...this.job, running: false, result: result as AuditJob['result'] };
      return result;
    } catch (error) {
      this.job = { ...this.job, running: false, error: (error as Error).message };
      throw error;
    } finally {
      this.abort = null;
    }
  }
}
