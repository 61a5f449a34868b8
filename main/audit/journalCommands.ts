/**
 * The audit command line's durability commands, all built on the journal (main/store):
 * - backup: the journal as a verified NDJSON export, safe while the application runs (it
 *   reads only up to the anchor, whose lines are complete and on disk);
 * - restore: a backup put back as a data folder's history (what was there is kept aside);
 * - prune-journal: removing old segments, only those an unfiltered export already holds;
 * - the journal and anchor part of `verify --data-dir`.
 */
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StoredEvent } from '../../shared/events/event';
import { ExportChain, manifestLineOf } from '../../shared/audit/exportFormat';
import type { EventStore } from '../../shared/store/eventStore';
import { readAnchor, writeAnchor } from '../store/anchor';
import { Journal, JOURNAL_FOLDER, listSegments } from '../store/journal';
import { eventOfLine, readJournal } from '../store/journalReader';
import { rebuildFromJournal } from '../store/rebuild';
import { compareStore } from '../store/storeCheck';
import { AtomicFileWriter } from './atomicFile';
import { localIdentity } from './exporter';
import { verifyExportFile } from './verifyFile';

export class JournalCommandError extends Error {
  override readonly name = 'JournalCommandError';
}

export interface BackupResult {
  readonly count: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly headHash: string;
}

export async function backupDataDir(dataDir: string, out: string): Promise<BackupResult> {
  if (listSegments(dataDir).length === 0) throw new JournalCommandError(`${dataDir} has no journal (it was made by a version without one, or is not a data folder): stop the application and use "export --format ndjson" instead`);
  const anchor = readAnchor(dataDir);
  const untilSeq = anchor.ok && anchor.anchor ? anchor.anchor.seq : Number.POSITIVE_INFINITY;
  const writer = await AtomicFileWriter.open(out, { dataDir });
  const chain = new ExportChain();
  try {
    const verdict = await readJournal(dataDir, {
      untilSeq,
      onEvents: async (events) => {
        for (const event of events) await writer.write(`${chain.line(event)}\n`);
      },
    });
    if (!verdict.ok) throw new JournalCommandError(`the journal is damaged at ${verdict.segment} line ${verdict.line}: ${verdict.reason}`);
    const manifest = chain.manifest({ ...localIdentity(), filters: {}, exportedAt: new Date().toISOString() });
    await writer.write(`${manifestLineOf(manifest)}\n`);
    await writer.commit();
    return { count: chain.count, firstSeq: chain.firstSeq, lastSeq: chain.lastSeq, headHash: chain.headHash };
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

/** Moves the data folder's store profile and journal aside; resolves with where they went. */
function keepAside(dataDir: string, suffix: string): string[] {
  const kept: string[] = [];
  for (const name of ['chromium-profile', JOURNAL_FOLDER]) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    const aside = `${path}.before-restore-${suffix}`;
    renameSync(path, aside);
    kept.push(aside);
  }
  return kept;
}

/**
 * Puts a backup back as the history of `dataDir`: the file is verified, the folder's store
 * and journal are kept aside, the journal is written from the file and `openEmptyStore`'s
 * store is rebuilt from it.
 */
export async function restoreDataDir(file: string, dataDir: string, openEmptyStore: () => Promise<{ store: EventStore; close(): Promise<void> }>): Promise<{ events: number; keptAside: string[] }> {
  const verdict = await verifyExportFile(file);
  if (!verdict.ok) throw new JournalCommandError(`${basename(file)} does not verify (line ${verdict.line}: ${verdict.reason}); nothing was changed`);
  if (verdict.manifest.firstSeq !== null && verdict.manifest.firstSeq !== 1) {
    throw new JournalCommandError(`${basename(file)} starts at seq ${verdict.manifest.firstSeq}, not 1: it is not a whole history (a filtered export or a backup of a pruned journal); nothing was changed`);
  }
  mkdirSync(dataDir, { recursive: true });
  const keptAside = keepAside(dataDir, new Date().toISOString().replace(/[:.]/g, '-'));
  const journal = await Journal.open(dataDir);
  try {
    let batch: StoredEvent[] = [];
    for await (const line of eventLines(file)) {
      batch.push(eventOfLine(line));
      if (batch.length >= 1_000) {
        await journal.append(batch);
        batch = [];
      }
    }
    await journal.append(batch);
  } finally {
    await journal.close();
  }
  const head = journal.head;
  const opened = await openEmptyStore();
  try {
    const events = await rebuildFromJournal(opened.store, dataDir, head.seq);
    await writeAnchor(dataDir, { databaseId: (await opened.store.getBySeq(1))?.id ?? null, seq: head.seq, hash: head.storeHash });
    return { events, keptAside };
  } finally {
    await opened.close();
  }
}

/**
 * Removes journal segments whose every event is in `coveredBy`, an unfiltered export of this
 * folder (checked: it verifies, has no filters, starts at seq 1, and its store hash at its
 * last seq is the journal's). The newest segment is never removed.
 */
export async function pruneJournal(dataDir: string, coveredBy: string): Promise<{ removed: string[]; keptFromSeq: number }> {
  const verdict = await verifyExportFile(coveredBy);
  if (!verdict.ok) throw new JournalCommandError(`${basename(coveredBy)} does not verify (line ${verdict.line}: ${verdict.reason}); nothing was pruned`);
  const { manifest } = verdict;
  if (Object.keys(manifest.filters).length > 0 || manifest.firstSeq !== 1 || manifest.lastSeq === null) {
    throw new JournalCommandError(`${basename(coveredBy)} is not a whole export from seq 1 (it has filters or no events); nothing was pruned`);
  }
  const lastSeq = manifest.lastSeq;
  let journalHash: string | undefined;
  await readJournal(dataDir, { untilSeq: lastSeq, onEvents: async (events) => void (journalHash = events[events.length - 1]?.hash) });
  const exportHash = await lastStoreHash(coveredBy);
  if (journalHash === undefined || journalHash !== exportHash) {
    throw new JournalCommandError(`${basename(coveredBy)} is not an export of this data folder's history (its event at seq ${lastSeq} differs from the journal's); nothing was pruned`);
  }
  const segments = listSegments(dataDir);
  const removed: string[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const next = segments[i + 1]!;
    if (next.firstSeq - 1 > lastSeq) break;
    rmSync(segments[i]!.path);
    removed.push(basename(segments[i]!.path));
  }
  return { removed, keptFromSeq: listSegments(dataDir)[0]?.firstSeq ?? 0 };
}

/** The event lines of a verified export (the manifest line left out). */
async function* eventLines(file: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (line.startsWith('{"manifest"')) return;
    yield line;
  }
}

async function lastStoreHash(file: string): Promise<string | undefined> {
  let previous: string | undefined;
  for await (const line of eventLines(file)) previous = line;
  return previous === undefined ? undefined : eventOfLine(previous).hash;
}

/** The lines `verify --data-dir` adds about the journal and the anchor; `ok` false when either shows damage. */
export async function verifyJournalAndAnchor(store: EventStore, dataDir: string): Promise<{ ok: boolean; lines: string[] }> {
  const anchorRead = readAnchor(dataDir);
  const hasJournal = listSegments(dataDir).length > 0;
  if (!hasJournal && anchorRead.ok && anchorRead.anchor === null) return { ok: true, lines: [] };
  const lines: string[] = [];
  let ok = true;
  const journal = await readJournal(dataDir);
  if (!journal.ok) {
    ok = false;
    lines.push(`journal broken: ${journal.segment} line ${journal.line}: ${journal.reason}`);
  } else {
    lines.push(`journal intact: ${journal.events} events${journal.events ? ` (seq ${journal.firstSeq} to ${journal.lastSeq})` : ''}`);
  }
  if (!anchorRead.ok) {
    ok = false;
    lines.push(`anchor damaged: ${anchorRead.reason}`);
  }
  const head = journal.ok ? { seq: journal.lastSeq, storeHash: journal.storeHash, lineHash: journal.headHash } : { seq: 0, storeHash: '', lineHash: '' };
  const verdict = await compareStore(store, head, anchorRead.ok ? anchorRead.anchor : null);
  if (verdict.ok) lines.push(`the store holds everything the journal and the anchor recorded (up to seq ${Math.max(head.seq, anchorRead.ok ? anchorRead.anchor?.seq ?? 0 : 0)})`);
  else {
    ok = false;
    lines.push(`store ${verdict.damage}: ${verdict.sentence}; the next start of the application rebuilds it from the journal`);
  }
  return { ok, lines };
}
