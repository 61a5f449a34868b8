/**
 * Opening a data folder's store when the store does not open at the first try. A start that
 * failed once (on a loaded machine the store host page may not be ready in time) is no
 * damage: the sound store is opened again and kept, not moved aside and rebuilt (which
 * would tell the operator with a `store.recovered` event and a CRITICAL alarm). A store that
 * cannot be opened at all is still reported unreadable and rebuilt from the journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { openDurableStore, type StoreOpener } from '../../main/store/durableStore';
import { Journal } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { auditHistory } from '../support/auditFixture';

const root = mkdtempSync(join(tmpdir(), 'durable-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const memoryStore = () => new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });

/** A data folder whose journal and store both hold 250 events, closed as at a clean stop. */
async function stoppedFolder(): Promise<{ dataDir: string; store: InMemoryEventStore }> {
  const dataDir = join(root, `d${++folders}`);
  const store = memoryStore();
  const journaled = new JournaledStore({ store, journal: await Journal.open(dataDir), dataDir, databaseId: null, anchorEveryMs: 0 });
  await journaled.append(auditHistory(250));
  await journaled.close();
  return { dataDir, store };
}

/** Opens `store` after `failures` failed starts; moving it aside gives an empty one, which opens. */
function failingOpener(store: InMemoryEventStore, failures: number, moved: string[]): StoreOpener<InMemoryEventStore> {
  let current = store;
  let failing = failures;
  return {
    open: async () => {
      if (failing-- > 0) throw new Error('the store host page did not become ready within 30000 ms');
      return { store: current, close: async () => undefined };
    },
    moveAside: async () => {
      current = memoryStore();
      failing = 0;
      moved.push('aside');
      return 'aside';
    },
  };
}

describe('opening the store of a data folder', () => {
  it('keeps a sound store that did not open at the first try', async () => {
    const { dataDir, store } = await stoppedFolder();
    const moved: string[] = [];
    const lines: string[] = [];
    const durable = await openDurableStore(dataDir, failingOpener(store, 1, moved), { log: (line) => lines.push(line) });
    expect(durable.recovery).toBeNull();
    expect(moved).toEqual([]);
    expect(durable.inner).toBe(store);
    expect(await durable.store.headSeq()).toBe(250);
    expect(lines).toContain('event store: it did not open (the store host page did not become ready within 30000 ms); trying once more');
    await durable.close();
  });

  it('still rebuilds from the journal a store that never opens', async () => {
    const { dataDir, store } = await stoppedFolder();
    const moved: string[] = [];
    const durable = await openDurableStore(dataDir, failingOpener(store, Infinity, moved));
    expect(durable.recovery).toMatchObject({
      damage: 'unreadable', sentence: 'the event store cannot be read (the store host page did not become ready within 30000 ms)', rebuiltEvents: 250, movedTo: 'aside',
    });
    expect(moved).toEqual(['aside']);
    expect(await durable.store.headSeq()).toBe(250);
    await durable.close();
  });
});
