// The store contract against DexieEventStore on fake-indexeddb in Node: a new IDBFactory per
// test, so no test sees another's database.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';

describeEventStoreContract(
  'DexieEventStore on fake-indexeddb',
  async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    return {
      store: await DexieEventStore.open('plant-events', deps),
      reopen: () => DexieEventStore.open('plant-events', deps),
    };
  },
  { reopens: true },
);
