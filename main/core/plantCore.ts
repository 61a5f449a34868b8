/**
 * The main-process core, the same in the desktop app and in browser mode: the bus over the
 * store, the consumers, the live pushes and the API handlers. The composition roots
 * (main/electron, main/web) give it a store and transports.
 */
import type { PlantMetrics } from '../../shared/api/metrics';
import type { EventStore } from '../../shared/store/eventStore';
import { createDispatcher, type Dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { EventBus, type EventBusOptions } from '../bus/eventBus';
import { EquipmentProjector } from './equipmentProjector';
import { PushHub } from './pushHub';

export interface PlantCoreOptions {
  readonly store: EventStore;
  readonly bus?: Omit<EventBusOptions, 'store'>;
  /** How the store is reached, for the health figures. */
  readonly storeStatus?: () => { connected: boolean; restarts: number };
}

export interface PlantCore {
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly equipment: EquipmentProjector;
  readonly pushes: PushHub;
  readonly dispatch: Dispatch;
  metrics(): Promise<PlantMetrics>;
  /** Stops producers and consumers and waits until every pending write is stored. */
  close(): Promise<void>;
}

export async function createPlantCore(options: PlantCoreOptions): Promise<PlantCore> {
  const { store } = options;
  const bus = new EventBus({ source: 'plant-event-console', ...options.bus, store });
  const equipment = new EquipmentProjector(store);
  const pushes = new PushHub();
  await equipment.rebuild();
  const untap = bus.onPublished((events) => {
    equipment.apply(events);
    pushes.publish(events);
  });

  const core: PlantCore = {
    bus,
    store,
    equipment,
    pushes,
    dispatch: undefined as unknown as Dispatch,
    async metrics() {
      const headSeq = await store.headSeq();
      const link = options.storeStatus?.() ?? { connected: true, restarts: 0 };
      return { at: Date.now(), bus: bus.metrics(), store: { events: headSeq, headSeq, ...link } };
    },
    async close() {
      untap();
      pushes.close();
      await bus.close();
    },
  };
  (core as { dispatch: Dispatch }).dispatch = createDispatcher(createHandlers(core));
  return core;
}
