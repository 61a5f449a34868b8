/**
 * Audit export and verify of 1,000,000 events (BENCH.md: export_ndjson_1m_events_per_s,
 * export_ndjson_1m_peak_mb, verify_1m_events_per_s).
 *
 * The events are in the in-memory store, in a worker thread, read through a StoreClient over
 * the store RPC (auditStoreWorker.ts): seeding Chromium's IndexedDB with a million events
 * through the Dexie store takes minutes on this machine (about 4,000 appends/s), so the
 * figures measure the export itself (paged RPC reads, canonical JSON, SHA-256 chain, streamed
 * write) and not IndexedDB's reads; `audit_store` says so in the output. Peak memory is the
 * largest resident memory of the process during the export minus that just before it (after
 * a garbage collection), sampled every 20 ms. The worker's heap is in the same process, but
 * it holds the store before and during the export alike, so the difference is the export's.
 *
 * Runs inside `npm run bench`, or alone: node --expose-gc --import tsx build/bench/audit.ts [--quick]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StoreClient } from '../../main/store/storeClient';
import { workerPortLink } from './auditStoreWorker';
import { exportAuditLog } from '../../main/audit/exportLog';
import { verifyExportFile } from '../../main/audit/verifyFile';
import { median, perSecond, round } from './stats';
import type { Figures } from './section';

export interface AuditBenchSettings {
  readonly quick: boolean;
  readonly runs: number;
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const LIMITS = { exportSeconds: 15, exportPeakMb: 200 };

/** Samples this process's resident memory until stopped; returns the peak in MiB. */
function rssPeak(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) / (1024 * 1024);
  };
}

export async function benchAudit(settings: AuditBenchSettings, log: (line: string) => void): Promise<Figures> {
  const count = settings.quick ? 100_000 : 1_000_000;
  log(`audit: seeding the in-memory store (worker thread) with ${count} events…`);
  const seeding = performance.now();
  // Node 20 does not carry tsx's loader into workers: the worker loads its TypeScript through tsx's API.
  const entry = new URL('./auditStoreWorker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: { count } });
  const store = await StoreClient.open(async () => {
    const link = workerPortLink(worker);
    await new Promise<void>((resolve) => link.onMessage((message) => (message as { kind?: string }).kind === 'ready' && resolve()));
    return link;
  });
  log(`audit: seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s (hash chain included)`);
  const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
  const exportRates: number[] = [];
  const peaks: number[] = [];
  const verifyRates: number[] = [];
  let bytes = 0;
  try {
    for (let run = 0; run < settings.runs; run++) {
      const out = join(dir, `run-${run}.ndjson`);
      collectGarbage();
      const before = process.memoryUsage.rss() / (1024 * 1024);
      const stop = rssPeak();
      let started = performance.now();
      const result = await exportAuditLog({ store, out, format: 'ndjson', record: false, countFirst: false });
      const exportMs = performance.now() - started;
      peaks.push(stop() - before);
      if (result.count !== count) throw new Error(`the export holds ${result.count} events, not ${count}`);
      exportRates.push(perSecond(count, exportMs));
      bytes = statSync(out).size;
      collectGarbage();
      started = performance.now();
      const verdict = await verifyExportFile(out);
      const verifyMs = performance.now() - started;
      if (!verdict.ok || verdict.events !== count) throw new Error(`the export did not verify: ${JSON.stringify(verdict)}`);
      verifyRates.push(perSecond(count, verifyMs));
      log(`audit run ${run + 1}/${settings.runs}: export ${(exportMs / 1000).toFixed(2)} s (+${peaks[run]!.toFixed(0)} MB), verify ${(verifyMs / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(0)} MB`);
      rmSync(out, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
    await worker.terminate();
  }
  const exportPerS = median(exportRates);
  const peakMb = median(peaks);
  const key = settings.quick ? '' : '_1m';
  return {
    audit_store: 'in-memory in a worker thread, over the store RPC (seeding Chromium IndexedDB with 1,000,000 events is too slow on this machine)',
    audit_events: count,
    audit_export_bytes_per_event: round(bytes / count),
    [`export_ndjson${key}_events_per_s`]: round(exportPerS),
    [`export_ndjson${key}_peak_mb`]: round(peakMb),
    [`verify${key}_events_per_s`]: round(median(verifyRates)),
    export_ndjson_seconds_for_1m: round(1_000_000 / exportPerS),
    export_ndjson_vs_limit_15s: round(LIMITS.exportSeconds / (1_000_000 / exportPerS)),
    target_export_1m_15s_met: 1_000_000 / exportPerS <= LIMITS.exportSeconds,
    target_export_peak_200mb_met: peakMb <= LIMITS.exportPeakMb,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  benchAudit({ quick, runs: quick ? 1 : 3 }, (line) => process.stderr.write(`${line}\n`)).then(
    (figures) => process.stdout.write(`${JSON.stringify(figures)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
