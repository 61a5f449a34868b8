// The store contract against the in-memory twin. It keeps nothing across close(), so the
// close-and-reopen tests are not registered for it (reopens: false).
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { describeEventStoreContract } from '../contract/eventStoreContract';
import { inMemoryTamper } from '../support/auditTamper';

describeEventStoreContract(
  'InMemoryEventStore',
  async () => {
    const store = new InMemoryEventStore();
    return { store, tamper: inMemoryTamper(store) };
  },
  { reopens: false },
);
