// The store contract against DexieEventStore on Chromium's real IndexedDB (vitest browser
// mode). Each test gets its own database, deleted afterwards.
import { Dexie } from 'dexie';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { dexieTamper } from '../support/auditTamper';

let counter = 0;

describeEventStoreContract(
  'DexieEventStore on Chromium IndexedDB',
  async () => {
    counter += 1;
    const name = `plant-events-${Date.now()}-${counter}`;
    let latest = await DexieEventStore.open(name);
    return {
      store: latest,
      reopen: async () => (latest = await DexieEventStore.open(name)),
      tamper: dexieTamper(() => latest),
      cleanup: async () => {
        // close() lets running transactions finish first; deleting right away would be "blocked".
        await new Promise((resolve) => setTimeout(resolve, 10));
        await Dexie.delete(name);
      },
    };
  },
  { reopens: true },
);
