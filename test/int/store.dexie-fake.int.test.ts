// The store contract against DexieEventStore on fake-indexeddb in Node: a new IDBFactory per
// test, so no test sees another's database.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { DexieEventStore } from '../../renderer/store-host/dexieEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { dexieTamper } from '../support/auditTamper';

describeEventStoreContract(
  'DexieEventStore on fake-indexeddb',
  async () => {
    const deps = { indexedDB: new IDBFactory(), IDBKeyRange };
    let latest = await DexieEventStore.open('plant-events', deps);
    return {
      store: latest,
      reopen: async () => (latest = await DexieEventStore.open('plant-events', deps)),
      tamper: dexieTamper(() => latest),
    };
  },
  { reopens: true },
);
