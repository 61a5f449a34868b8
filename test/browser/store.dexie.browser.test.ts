// The store contract against DexieEventStore on Chromium's real IndexedDB (vitest browser
// mode). Each test gets its own database, deleted afterwards.
import { Dexie } from 'dexie';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';

let counter = 0;

describeEventStoreContract(
  'DexieEventStore on Chromium IndexedDB',
  async () => {
    counter += 1;
    const name = `plant-events-${Date.now()}-${counter}`;
    return {
      store: await DexieEventStore.open(name),
      reopen: () => DexieEventStore.open(name),
      cleanup: async () => {
        // close() lets running transactions finish first; deleting right away would be "blocked".
        await new Promise((resolve) => setTimeout(resolve, 10));
        await Dexie.delete(name);
      },
    };
  },
  { reopens: true },
);
