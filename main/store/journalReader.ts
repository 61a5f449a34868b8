/**
 * Reading the journal back, verified: every line's canonical form and hash, the chain from
 * line to line and from segment to segment, and seqs that follow each other without a gap.
 * Used to rebuild a lost store, to verify a data folder and to make a backup. Segments are
 * streamed line by line, so memory stays bounded by a batch.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { ExportVerifier } from '../../shared/audit/exportVerifier';
import type { StoredEvent } from '../../shared/events/event';
import { listSegments } from './journal';

export type JournalVerdict =
  | { readonly ok: true; readonly events: number; readonly firstSeq: number; readonly lastSeq: number; readonly headHash: string; readonly storeHash: string }
  | { readonly ok: false; readonly segment: string; readonly line: number; readonly reason: string; readonly events: number };

export interface ReadJournalOptions {
  /** Receives the events in order, `batchSize` at a time (awaited). */
  readonly onEvents?: (events: StoredEvent[], lines: string[]) => Promise<void>;
  readonly batchSize?: number;
  /** Stop after this seq (a backup of a journal being written reads only what the anchor vouches for). */
  readonly untilSeq?: number;
}

/** A journal line as the event it records (the store's hash back under `hash`). */
export function eventOfLine(text: string): StoredEvent {
  const { hash: _lineHash, prevHash: _prevHash, storeHash, ...event } = JSON.parse(text) as Record<string, unknown>;
  return { ...event, ...(typeof storeHash === 'string' ? { hash: storeHash } : {}) } as unknown as StoredEvent;
}

export async function readJournal(dataDir: string, options: ReadJournalOptions = {}): Promise<JournalVerdict> {
  const segments = listSegments(dataDir);
  const batchSize = options.batchSize ?? 1_000;
  let verifier: ExportVerifier | null = null;
  let events = 0;
  let firstSeq = 0;
  let lastSeq = 0;
  let headHash = '';
  let storeHash = '';
  let batch: StoredEvent[] = [];
  let lines: string[] = [];
  const flush = async () => {
    if (batch.length > 0) await options.onEvents?.(batch, lines);
    batch = [];
    lines = [];
  };
  for (const segment of segments) {
    if (lastSeq >= (options.untilSeq ?? Number.POSITIVE_INFINITY)) break;
    const name = basename(segment.path);
    let number = 0;
    const reader = createInterface({ input: createReadStream(segment.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const text of reader) {
      if (lastSeq >= (options.untilSeq ?? Number.POSITIVE_INFINITY)) break;
      number += 1;
      const fail = (reason: string): JournalVerdict => (reader.close(), { ok: false, segment: name, line: number, reason, events });
      if (verifier === null) {
        // The first line kept chains on whatever came before it (older segments may have been pruned).
        let prevHash: unknown;
        try {
          prevHash = (JSON.parse(text) as { prevHash?: unknown }).prevHash;
        } catch {
          // Not JSON: the verifier says so.
        }
        verifier = new ExportVerifier(typeof prevHash === 'string' ? prevHash : '');
      }
      verifier.push(text);
      if (verifier.failed) return fail((verifier.end() as { reason: string }).reason);
      const event = eventOfLine(text);
      if (events > 0 && event.seq !== lastSeq + 1) return fail(`seq ${event.seq} follows seq ${lastSeq}: events are missing or out of order`);
      if (events === 0) firstSeq = event.seq;
      events += 1;
      lastSeq = event.seq;
      headHash = (JSON.parse(text) as { hash: string }).hash;
      storeHash = event.hash ?? '';
      batch.push(event);
      lines.push(text);
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return { ok: true, events, firstSeq, lastSeq, headHash, storeHash };
}
