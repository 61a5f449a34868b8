/**
 * After the store is rebuilt from the journal: a durable subscriber still receives the events
 * it had not acknowledged when the old store was lost (the journal keeps no delivery records),
 * snapshots of the lost store are gone, and read models rebuilt by replay match the ones
 * before the loss.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { BOARD_SNAPSHOT_KEY, EquipmentProjector } from '../../main/core/equipmentProjector';
import { openDurableStore, type StoreOpener } from '../../main/store/durableStore';
import { nodeSha256HexOfText } from '../../main/store/nodeHash';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

const root = mkdtempSync(join(tmpdir(), 'rebuild-deliveries-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SUBSCRIBER = 'order-process-manager';
const memoryStore = () => new InMemoryEventStore({ sha256HexOfText: nodeSha256HexOfText });

/** An opener whose store can be wiped between runs, as Chromium wipes a database it finds broken. */
function wipeableOpener() {
  let current = memoryStore();
  const opener: StoreOpener<InMemoryEventStore> = {
    open: async () => ({ store: current, close: async () => undefined }),
    moveAside: async () => {
      current = memoryStore();
      return 'chromium-profile.damaged-test';
    },
  };
  return { opener, wipe: () => void (current = memoryStore()) };
}

describe('after a rebuild from the journal', () => {
  it('delivers again what a durable subscriber had not acknowledged, and drops the lost store\'s snapshots', async () => {
    const dataDir = join(root, 'run');
    const { opener, wipe } = wipeableOpener();

    // First run: the subscriber handles the first orders; the last two fail and wait for a retry.
    let durable = await openDurableStore(dataDir, opener);
    let bus = new EventBus({ store: durable.store, retry: { baseDelayMs: 600_000, maxDelayMs: 600_000 }, onError: () => undefined });
    const firstRun: number[] = [];
    bus.addHandler('order.*', async (event) => {
      const n = (event.payload as { n: number }).n;
      if (n >= 3) throw new Error('the downstream system is away');
      firstRun.push(n);
    }, { name: SUBSCRIBER });
    const published: StoredEvent[] = [];
    for (let n = 0; n < 5; n++) published.push(await bus.createAndPublishEvent('order.line.placed', { n, equipmentId: `press-${n % 2}` }));
    published.push(await bus.createAndPublishEvent('equipment.status.changed', { equipmentId: 'press-1', newStatus: 'down' }));
    await expect.poll(async () => (await durable.store.pendingDeliveries(SUBSCRIBER)).map((d) => d.seq)).toEqual([4, 5]);
    const before = new EquipmentProjector(durable.store);
    await before.rebuild();
    await before.snapshotNow();
    expect(await durable.store.nearestSnapshot(BOARD_SNAPSHOT_KEY)).not.toBeNull();
    await bus.close();
    await durable.close();

    // IndexedDB is wiped; the next start rebuilds from the journal.
    wipe();
    durable = await openDurableStore(dataDir, opener);
    expect(durable.recovery).toMatchObject({ damage: 'lost', rebuiltEvents: 6 });
    bus = new EventBus({ store: durable.store, redeliverUpToSeq: durable.recovery?.rebuiltEvents ?? 0, onError: () => undefined });
    const secondRun: string[] = [];
    bus.addHandler('order.*', async (event) => void secondRun.push(event.id), { name: SUBSCRIBER });
    // Every order of the rebuilt history again (the handled ones too: subscribers are idempotent), nothing else.
    await expect.poll(() => [...secondRun].sort()).toEqual(published.slice(0, 5).map((event) => event.id).sort());
    await bus.drain();
    expect(await durable.store.pendingDeliveries(SUBSCRIBER)).toEqual([]);

    // Snapshots were the lost store's: none survive; the projector's replay gives the same states.
    expect(await durable.store.nearestSnapshot(BOARD_SNAPSHOT_KEY)).toBeNull();
    const after = new EquipmentProjector(durable.store);
    await after.rebuild();
    expect(after.hash()).toBe(before.hash());
    expect(after.get('press-1')).toMatchObject({ status: 'down' });
    await bus.close();
    await durable.close();
  });
});
