/**
 * `npm run audit -- …`: verify an export or a data folder's store chain, export, import.
 * See cliArgs.ts for the arguments. Exit codes: 0 done (intact), 1 broken or failed,
 * 2 bad arguments.
 */
import { pathToFileURL } from 'node:url';
import { ApiError, InputError } from '../../shared/api/errors';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import { useNodeSha256 } from '../store/nodeHash';
import { UsageError } from '../cli/commandLine';
import { AUDIT_USAGE, parseAuditArgs, type AuditCommand } from './cliArgs';
import { openDataDirStore } from './dataDirStore';
import { PostgresEventStore } from '../store/postgres/postgresEventStore';
import { exportAuditLog } from './exportLog';
import { checkExportTarget } from './exportTarget';
import { importAuditLog, AuditImportRefusedError } from './importLog';
import { exportPdfReport } from './pdfExport';
import { playwrightPdfRenderer } from './renderPdf';
import { markReviewFolder, REVIEW_MARKER } from '../core/reviewMode';
import { NotNdjsonExportError, verifyExportFile } from './verifyFile';
import { runJournalCommand } from './journalCli';
import type { CliOutput } from './cliArgs';
import { verifyJournalAndAnchor } from './journalCommands';
import { createAppLogger, DEFAULT_LOG_LEVEL, logLevelFromEnv } from '../logging/logger';
import { routeLogging } from '../logging/routing';

export type { CliOutput } from './cliArgs';

/** Runs one command; resolves with the exit code. */
export async function runAuditCli(argv: readonly string[], io: CliOutput): Promise<number> {
  useNodeSha256();
  let command: AuditCommand;
  try {
    command = parseAuditArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    return 2;
  }
  switch (command.command) {
    case 'help':
      io.out(AUDIT_USAGE);
      return 0;
    case 'verify-file': {
      let verdict;
      try {
        verdict = await verifyExportFile(command.file);
      } catch (error) {
        if (!(error instanceof NotNdjsonExportError)) throw error;
        io.err(`cannot verify ${command.file}: ${error.message}`);
        return 1;
      }
      if (verdict.ok) {
        io.out(`intact: ${verdict.events} events, head hash ${verdict.headHash}`);
        return 0;
      }
      io.out(`broken: line ${verdict.line}: ${verdict.reason}`);
      return 1;
    }
    case 'backup':
    case 'restore':
    case 'prune-journal':
      return runJournalCommand(command, io);
    case 'export':
      // Refused at once, before the data folder's store is opened.
      try {
        await checkExportTarget(command.out, { overwrite: command.overwrite, dataDir: command.dataDir });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        io.err(`export: ${error.message}${error.code === 'exists' ? ' (--overwrite replaces it)' : ''}`);
        return 1;
      }
      return withStore(command, io);
    default:
      return withStore(command, io);
  }
}

async function withStore(command: Exclude<AuditCommand, { command: 'help' | 'verify-file' | 'backup' | 'restore' | 'prune-journal' }>, io: CliOutput): Promise<number> {
  const log = (line: string) => io.err(line);
  const { store, close } = command.store === undefined
    ? await openDataDirStore(command.dataDir, { mustExist: command.command !== 'import', log })
    : await PostgresEventStore.open({ url: command.store, log }).then((opened) => ({ store: opened, close: () => opened.close() }));
  try {
    if (command.command === 'verify-store') {
      const verdict = await verifyStoreChain(store);
      if (verdict.ok) io.out(`intact: ${verdict.events} events, head hash ${verdict.headHash}`);
      else io.out(`broken: event seq ${verdict.seq}${verdict.eventId ? ` (id ${verdict.eventId})` : ''}: ${verdict.reason}`);
      // PostgreSQL is the durable store itself: no journal or anchor stands beside it to check.
      if (command.dataDir === undefined) return verdict.ok ? 0 : 1;
      const records = await verifyJournalAndAnchor(store, command.dataDir);
      for (const line of records.lines) io.out(line);
      return verdict.ok && records.ok ? 0 : 1;
    }
    if (command.command === 'import') {
      try {
        const emptyBefore = (await store.headSeq()) === 0;
        const result = await importAuditLog({ store, file: command.file, acceptBroken: command.acceptBroken });
        const { report } = result;
        // A folder that holds nothing but the imported history opens in review mode.
        if (emptyBefore && report.imported > 0) {
          markReviewFolder(command.dataDir, { importedFrom: command.file });
          io.err(`${command.dataDir} now opens in review mode (history read only); delete ${REVIEW_MARKER} there to make it a live station's folder`);
        }
        io.out(`${result.verified ? 'verified' : 'UNVERIFIED (accepted with --accept-broken)'}: imported ${report.imported}, already present ${report.skippedDuplicates}, invalid lines ${report.invalid}`);
        return 0;
      } catch (error) {
        // A file that is not an export at all (a malformed CloudEvent, say) is refused in its own sentence.
        if (error instanceof InputError) {
          io.out(`refused: ${error.message}`);
          return 1;
        }
        if (!(error instanceof AuditImportRefusedError)) throw error;
        io.out(`refused: line ${error.verdict.line}: ${error.verdict.reason} (use --accept-broken to import it marked unverified)`);
        return 1;
      }
    }
    let lastShown = 0;
    const onProgress = (p: { events: number; total: number | null }) => {
      if (p.events - lastShown < 100_000) return;
      lastShown = p.events;
      io.err(`… ${p.events}${p.total === null ? '' : ` of ${p.total}`} events`);
    };
    const base = { store, out: command.out, overwrite: command.overwrite, dataDir: command.dataDir, filters: command.filters, onProgress };
    const result = command.format === 'pdf'
      ? await exportPdfReport({ ...base, renderPdf: playwrightPdfRenderer() })
      : await exportAuditLog({ ...base, format: command.format, bom: command.bom });
    io.out(`exported ${result.count} events to ${result.file} (${result.format}), head hash ${result.headHash}`);
    return 0;
  } finally {
    await close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Warnings and unexpected errors of the components go to stderr through the log (levels, no secrets).
  try {
    routeLogging(createAppLogger({ name: 'audit', stderr: true, level: logLevelFromEnv() ?? DEFAULT_LOG_LEVEL }));
  } catch (error) {
    process.stderr.write(`audit: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // The command's own messages are its output, shown whatever the log level.
  runAuditCli(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => process.stderr.write(`${line}\n`) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`audit: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
