/**
 * The journal beside the store: what the journaled store acknowledges is on disk in the
 * journal, a torn tail is cut off, the start-up check names a lost, rolled-back, reset or
 * replaced store, and a rebuild from the journal gives back the same chain.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../shared/audit/chain';
import { exportLineOf } from '../../shared/audit/exportFormat';
import type { JsonObject, StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { readAnchor } from '../../main/store/anchor';
import { openDurableStore, type StoreOpener } from '../../main/store/durableStore';
import { Journal, listSegments, segmentName } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { readJournal } from '../../main/store/journalReader';
import { rebuildFromJournal } from '../../main/store/rebuild';
import { backupDataDir, pruneJournal } from '../../main/audit/journalCommands';
import { checkStore, compareStore } from '../../main/store/storeCheck';
import { auditHistory } from '../support/auditFixture';

const root = mkdtempSync(join(tmpdir(), 'journal-int-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, `d${++folders}`);
const memoryStore = () => new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });

async function journaled(dataDir: string, store = memoryStore(), segmentBytes?: number) {
  const journal = await Journal.open(dataDir, segmentBytes ? { segmentBytes } : {});
  return { store: new JournaledStore({ store, journal, dataDir, databaseId: null, anchorEveryMs: 0 }), inner: store, journal };
}

/** A journal of `count` events (one segment), closed: its folder and that segment's file. */
async function closedJournal(count: number): Promise<{ dataDir: string; segment: string }> {
  const dataDir = freshDir();
  const { store } = await journaled(dataDir);
  await store.append(auditHistory(count));
  await store.close();
  return { dataDir, segment: listSegments(dataDir)[0]!.path };
}

/** The audit export's lines of `events` from the start of the chain, and the last one's hash. */
function exportLines(events: readonly StoredEvent[]): { text: string; headHash: string } {
  let headHash = GENESIS_HASH;
  let text = '';
  for (const event of events) {
    const line = exportLineOf(event, headHash);
    text += `${line.text}\n`;
    headHash = line.hash;
  }
  return { text, headHash };
}

describe('journal', () => {
  it('holds every acknowledged event, chained across segments, and the anchor follows', async () => {
    const dataDir = freshDir();
    const { store } = await journaled(dataDir, memoryStore(), 4_000);
    const events = auditHistory(120);
    const stored = (await Promise.all([store.append(events.slice(0, 50)), store.append(events.slice(50, 51)), store.append(events.slice(51))])).flat();
    await store.close();
    expect(listSegments(dataDir).length).toBeGreaterThan(1);
    const seen: number[] = [];
    const verdict = await readJournal(dataDir, { onEvents: async (batch) => void seen.push(...batch.map((e) => e.seq)) });
    expect(verdict).toMatchObject({ ok: true, events: 120, firstSeq: 1, lastSeq: 120, storeHash: stored[119]!.hash });
    expect(seen).toEqual(stored.map((e) => e.seq));
    expect(readAnchor(dataDir)).toMatchObject({ ok: true, anchor: { databaseId: stored[0]!.id, seq: 120, hash: stored[119]!.hash } });
  });

  it('cuts a torn last line at reopen and goes on from the last whole one', async () => {
    const { dataDir, segment } = await closedJournal(10);
    appendFileSync(segment, '{"causationId":"half a li');
    const reopened = await Journal.open(dataDir);
    expect(reopened.head.seq).toBe(10);
    expect(readFileSync(segment, 'utf8').endsWith('}\n')).toBe(true);
    await reopened.close();
  });

  it('writes each event as its line of the audit export, byte for byte, non-ASCII text included', async () => {
    const dataDir = freshDir();
    const stored = await memoryStore().append(auditHistory(45));
    const journal = await Journal.open(dataDir);
    // Batches of several sizes, so that lines follow one another within a write and across writes.
    for (const [from, to] of [[0, 1], [1, 18], [18, 45]] as const) await journal.append(stored.slice(from, to));
    await journal.close();
    const expected = exportLines(stored);
    expect(expected.text).toMatch(/[^\x00-\x7f]/);
    expect(readFileSync(listSegments(dataDir)[0]!.path).equals(Buffer.from(expected.text, 'utf8'))).toBe(true);
    expect(journal.head.lineHash).toBe(expected.headHash);
  });

  it('writes numbers of every size and nested lists and objects as the export does', async () => {
    const dataDir = freshDir();
    const payloads: JsonObject[] = [
      { zero: 0, minusZero: -0, small: -7, int32: 2_147_483_647, past32: 2_147_483_648, timestamp: 1_796_460_436_828, safe: 2 ** 53 - 1, unsafe: 2 ** 53 + 2, negative: -(2 ** 40) - 1, nines: 999_999_999, billion: 1e9 },
      { tiny: 1.5e-7, fraction: 0.1, big: 1e21, huge: -1.7976931348623157e308, list: [1, 'two', null, true, false, [], [[]], { b: 1, a: {} }], empty: {}, text: '' },
      { '10': 'ten', '2': 'two', b: 'del\u007f', A: 'upper', _: 'under' },
      { sentAt: 1_796_460_436_827, metric: 'temperature', value: 40.1, unit: 'degC', equipmentId: 'eq-1', lineId: 'line-1' },
    ];
    const events = payloads.map((payload, i) => ({ ...auditHistory(1)[0]!, id: newEventId(), payload, metadata: { ingest: { origin: 'mqtt', receivedAt: 1_796_460_436_828 + i } } }));
    const stored = await memoryStore().append(events);
    const journal = await Journal.open(dataDir);
    await journal.append(stored);
    await journal.close();
    expect(readFileSync(listSegments(dataDir)[0]!.path, 'utf8')).toBe(exportLines(stored).text);
  });

  it('names a changed line when verified', async () => {
    const { dataDir, segment } = await closedJournal(5);
    writeFileSync(segment, readFileSync(segment, 'utf8').replace('press-2', 'press-9'));
    expect(await readJournal(dataDir)).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/the line was changed/) });
  });

  it('fails a write and what was queued behind it, then goes on from what is on disk', async () => {
    const dataDir = freshDir();
    const stored = await memoryStore().append(auditHistory(20));
    // Every write starts a segment; a folder where the third one goes makes that write fail.
    const journal = await Journal.open(dataDir, { segmentBytes: 1 });
    await journal.append(stored.slice(0, 10));
    mkdirSync(join(dataDir, 'journal', segmentName(11)));
    const failed = journal.append(stored.slice(10, 15));
    const behind = journal.append(stored.slice(15, 20));
    await expect(failed).rejects.toThrow();
    await expect(behind).rejects.toThrow();
    expect(journal.head.seq).toBe(10);
    await expect(journal.append(stored.slice(15, 20))).rejects.toThrow('journal: expected seq 11 next, got 16');
    rmSync(join(dataDir, 'journal', segmentName(11)), { recursive: true });
    await journal.append(stored.slice(10, 15));
    await journal.append(stored.slice(15, 20));
    await journal.close();
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, events: 20, lastSeq: 20, storeHash: stored[19]!.hash });
  });
});

describe('the start-up check', () => {
  it('reports a lost, rolled-back, reset and replaced store, naming the seqs', async () => {
    const dataDir = freshDir();
    const { store, journal } = await journaled(dataDir);
    const history = auditHistory(30);
    await store.append(history);
    await store.close();
    const head = journal.head;
    const anchor = readAnchor(dataDir);
    const anchorValue = anchor.ok ? anchor.anchor : null;

    expect(await compareStore(memoryStore(), head, anchorValue)).toMatchObject({ ok: false, damage: 'lost', sentence: expect.stringMatching(/empty.*events 1 to 30.*all 30 were lost/) });

    const older = memoryStore();
    await older.append(history.slice(0, 12));
    expect(await compareStore(older, head, anchorValue)).toMatchObject({ ok: false, damage: 'rolled back', sentence: expect.stringMatching(/ends at seq 12.*seqs 13 to 30 were lost/) });

    const other = memoryStore();
    await other.append(auditHistory(31).map((event) => ({ ...event, id: newEventId() })));
    expect(await compareStore(other, head, anchorValue)).toMatchObject({ ok: false, damage: 'reset' });

    const replaced = memoryStore();
    await replaced.append([...history.slice(0, 29), { ...history[29]!, payload: { changed: true } }]);
    expect(await compareStore(replaced, head, null)).toMatchObject({ ok: false, damage: 'rolled back', sentence: expect.stringMatching(/seq 30 .*hash differs/) });
  });

  it('copies into the journal what the store committed after it (a crash between the two)', async () => {
    const dataDir = freshDir();
    const { store, inner } = await journaled(dataDir);
    await store.append(auditHistory(10));
    await store.close();
    await inner.append(auditHistory(14).slice(10));
    const journal = await Journal.open(dataDir);
    expect(await checkStore(inner, journal, null)).toMatchObject({ ok: true, storeSeq: 14, copiedToJournal: 4 });
    expect(journal.head.seq).toBe(14);
    await journal.close();
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, events: 14 });
  });
});

describe('recovery', () => {
  it('moves a lost store aside and rebuilds the same chain from the journal', async () => {
    const dataDir = freshDir();
    const { store, inner } = await journaled(dataDir);
    const stored = await store.append(auditHistory(250));
    await store.close();
    const moved: string[] = [];
    let current = memoryStore();
    const opener: StoreOpener<InMemoryEventStore> = {
      open: async () => ({ store: current, close: async () => undefined }),
      moveAside: async () => {
        current = memoryStore();
        moved.push('aside');
        return 'aside';
      },
    };
    // The store starts empty: as if IndexedDB had been wiped.
    const durable = await openDurableStore(dataDir, opener);
    expect(durable.recovery).toMatchObject({ damage: 'lost', storeSeq: 0, recordedSeq: 250, rebuiltEvents: 250, movedTo: 'aside' });
    expect(moved).toEqual(['aside']);
    for (const event of stored) expect((await durable.store.getBySeq(event.seq))?.hash).toBe(event.hash);
    expect((await durable.store.chainHead()).hash).toBe((await inner.chainHead()).hash);
    // The rebuilt store goes on journaling from where it stopped.
    await durable.store.append(auditHistory(251).slice(250));
    await durable.close();
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, events: 251 });
  });

  it('refuses to rebuild a journal whose first segments were pruned', async () => {
    const dataDir = freshDir();
    const { store } = await journaled(dataDir, memoryStore(), 2_000);
    await store.append(auditHistory(20));
    await store.append(auditHistory(40).slice(20));
    await store.close();
    rmSync(listSegments(dataDir)[0]!.path);
    await expect(rebuildFromJournal(memoryStore(), dataDir, 40)).rejects.toThrow(/the journal starts at seq \d+ \(older segments were pruned/);
  });
});

describe('prune-journal', () => {
  it('removes only the segments an unfiltered export of this history holds, never the newest', async () => {
    const dataDir = freshDir();
    const { store } = await journaled(dataDir, memoryStore(), 3_000);
    for (let n = 0; n < 4; n++) await store.append(auditHistory(20 * (n + 1)).slice(20 * n));
    const cover = join(root, `cover-${folders}.ndjson`);
    await store.close();
    // A backup is an unfiltered export from seq 1: it covers every segment.
    const segmentsBefore = listSegments(dataDir);
    expect(segmentsBefore.length).toBeGreaterThan(2);
    await backupDataDir(dataDir, cover);

    const otherDir = freshDir();
    const other = await journaled(otherDir);
    await other.store.append(auditHistory(80).map((event) => ({ ...event, id: newEventId() })));
    await other.store.close();
    const foreign = join(root, `foreign-${folders}.ndjson`);
    await backupDataDir(otherDir, foreign);
    await expect(pruneJournal(dataDir, foreign)).rejects.toThrow(/is not an export of this data folder's history .*nothing was pruned/);
    expect(listSegments(dataDir)).toEqual(segmentsBefore);

    const pruned = await pruneJournal(dataDir, cover);
    expect(pruned.removed.length).toBe(segmentsBefore.length - 1);
    expect(listSegments(dataDir)).toEqual([segmentsBefore[segmentsBefore.length - 1]]);
    expect(await readJournal(dataDir)).toMatchObject({ ok: true, lastSeq: 80 });
  });
});
