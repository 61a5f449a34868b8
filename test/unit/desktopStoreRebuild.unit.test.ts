/**
 * The desktop app's store opener (main/electron/desktopStoreOpener.ts) under openDurableStore:
 * a damaged store stops the store host before Electron's IndexedDB folder is renamed aside on
 * disk, a fresh host is opened and rebuilt from the journal; a healthy store moves nothing.
 * Electron itself cannot run here: the hosts are fakes and the store is in memory.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { openDurableStore } from '../../main/store/durableStore';
import { Journal } from '../../main/store/journal';
import { JournaledStore } from '../../main/store/journaledStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import { desktopStoreOpener, moveIndexedDbAside } from '../../main/electron/desktopStoreOpener';
import { auditHistory } from '../support/auditFixture';

const root = mkdtempSync(join(tmpdir(), 'desktop-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const memoryStore = () => new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });

/** A user-data folder whose journal holds `count` events and whose IndexedDB folder has a file in it. */
async function userDataWithJournal(count: number) {
  const userData = join(root, `u${++folders}`);
  const journal = await Journal.open(userData);
  const kept = memoryStore();
  const store = new JournaledStore({ store: kept, journal, dataDir: userData, databaseId: null, anchorEveryMs: 0 });
  await store.append(auditHistory(count));
  await store.close();
  mkdirSync(join(userData, 'IndexedDB', 'app_plant_0.indexeddb.leveldb'), { recursive: true });
  writeFileSync(join(userData, 'IndexedDB', 'app_plant_0.indexeddb.leveldb', 'CURRENT'), 'MANIFEST-000001\n');
  return { userData, kept };
}

/** Fake hosts: each opening gets a supervisor that records what happened to it, in order. */
function fakeHosts(stores: InMemoryEventStore[]) {
  const happened: string[] = [];
  let hosts = 0;
  const host = {
    supervise: () => {
      const name = `host${++hosts}`;
      happened.push(`${name} started`);
      return { name, stop: async () => void happened.push(`${name} stopped`) };
    },
    connect: async () => {
      const store = stores.shift();
      if (!store) throw new Error('no store left for this host');
      return Object.assign(store, { close: async () => undefined });
    },
  };
  return { host, happened };
}

describe('desktop store rebuild', () => {
  it('stops the host, renames IndexedDB aside (keeping its files), reopens and reports the recovery', async () => {
    const { userData, kept } = await userDataWithJournal(40);
    const { host, happened } = fakeHosts([memoryStore(), memoryStore()]);
    const opener = desktopStoreOpener(userData, host, {
      rename: (from, to) => {
        happened.push('renamed');
        renameSync(from, to);
      },
      now: () => new Date('2026-12-03T16:55:00.123Z'),
    });
    // The store the first host finds is empty: as if Electron's IndexedDB had been wiped.
    const durable = await openDurableStore(userData, opener);
    expect(durable.recovery).toMatchObject({ damage: 'lost', storeSeq: 0, recordedSeq: 40, rebuiltEvents: 40 });
    const movedTo = join(userData, 'IndexedDB.damaged-2026-12-03T16-55-00-123Z');
    expect(durable.recovery?.movedTo).toBe(movedTo);
    expect(happened).toEqual(['host1 started', 'host1 stopped', 'renamed', 'host2 started']);
    expect(readFileSync(join(movedTo, 'app_plant_0.indexeddb.leveldb', 'CURRENT'), 'utf8')).toBe('MANIFEST-000001\n');
    expect(existsSync(join(userData, 'IndexedDB'))).toBe(false);
    expect((await durable.store.chainHead()).hash).toBe((await kept.chainHead()).hash);
    await durable.close();
    await opener.supervisor()?.stop();
    expect(happened.at(-1)).toBe('host2 stopped');
  });

  it('moves nothing when the store matches the journal', async () => {
    const { userData, kept } = await userDataWithJournal(12);
    const { host, happened } = fakeHosts([kept]);
    const opener = desktopStoreOpener(userData, host, { rename: () => void happened.push('renamed') });
    const durable = await openDurableStore(userData, opener);
    expect(durable.recovery).toBeNull();
    expect(happened).toEqual(['host1 started']);
    expect(readdirSync(userData).filter((name) => name.startsWith('IndexedDB'))).toEqual(['IndexedDB']);
    await durable.close();
  });

  it('rebuilds when the IndexedDB folder was deleted, and says nothing was left to keep', async () => {
    const { userData, kept } = await userDataWithJournal(9);
    rmSync(join(userData, 'IndexedDB'), { recursive: true });
    const { host } = fakeHosts([memoryStore(), memoryStore()]);
    const durable = await openDurableStore(userData, desktopStoreOpener(userData, host));
    expect(durable.recovery).toMatchObject({ damage: 'lost', rebuiltEvents: 9, movedTo: `nowhere: ${join(userData, 'IndexedDB')} was already gone` });
    expect((await durable.store.chainHead()).hash).toBe((await kept.chainHead()).hash);
    await durable.close();
  });

  it('says in one sentence when the folder cannot be moved, and leaves it where it was', () => {
    const userData = join(root, `u${++folders}`);
    mkdirSync(join(userData, 'IndexedDB'), { recursive: true });
    const refuse = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(() => moveIndexedDbAside(userData, refuse)).toThrow(/^the damaged store at .*IndexedDB could not be moved aside \(EACCES: permission denied\)$/);
    expect(readdirSync(userData)).toEqual(['IndexedDB']);
  });
});
