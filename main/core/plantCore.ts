/**
 * The main-process core, the same in the desktop app and in browser mode: the bus over the
 * store, the consumers (equipment projector, alarm monitor, quality-hold process manager,
 * per-minute aggregates), the producers (plant simulator, system health, MQTT, file import),
 * the live pushes and the API handlers. The composition roots (main/electron, main/web) give
 * it a store, a settings file and transports.
 */
import type { PlantMetrics } from '../../shared/api/metrics';
import type { EventStore } from '../../shared/store/eventStore';
import { createDispatcher, type Dispatch } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { EventBus, type EventBusOptions } from '../bus/eventBus';
import { Aggregates } from '../consumers/aggregates';
import { AlarmMonitor } from '../consumers/alarmMonitor';
import { startQualityHold } from '../consumers/qualityHold';
import { PlantSimulator, type PlantSimulatorOptions } from '../producers/simulator';
import { SystemHealthReporter } from '../producers/systemHealth';
import { EquipmentProjector, type EquipmentProjectorOptions } from './equipmentProjector';
import type { RenderPdf } from '../audit/renderPdf';
import { AuditRunner } from './auditRunner';
import { fileChooser, type FileDialogs } from './fileDialogs';
import { ImportRunner, MqttConnection } from './operations';
import { PushHub } from './pushHub';
import { Settings } from './settings';

export interface PlantCoreOptions {
  readonly store: EventStore;
  readonly bus?: Omit<EventBusOptions, 'store'>;
  /** How the store is reached, for the health figures. */
  readonly storeStatus?: () => { connected: boolean; restarts: number };
  /** Where main keeps preferences; null or absent keeps them in memory only. */
  readonly settingsFile?: string | null;
  /** The plant simulator; off unless given (the composition roots switch it on by default). */
  readonly simulator?: Omit<PlantSimulatorOptions, 'bus'> | false;
  /** Seconds between `system.bus.health.reported` events; 0 switches them off. Default 5. */
  readonly healthEverySeconds?: number;
  readonly projector?: EquipmentProjectorOptions;
  /** Events between two snapshots of the alarm engine (default 5,000). */
  readonly alarmSnapshotEvery?: number;
  /** The operating-system user named in operator actions (acknowledgements, rule edits). */
  readonly user?: string;
  /** Prints the audit PDF report (Chromium: page.pdf in browser mode, printToPDF in Electron). */
  readonly renderPdf?: RenderPdf;
  /** The operating system's Save and Open dialogs (the desktop app); none in browser mode. */
  readonly fileDialogs?: FileDialogs;
}

export interface PlantCore {
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly equipment: EquipmentProjector;
  readonly alarms: AlarmMonitor;
  readonly aggregates: Aggregates;
  readonly simulator: PlantSimulator | null;
  readonly mqtt: MqttConnection;
  readonly imports: ImportRunner;
  readonly audit: AuditRunner;
  readonly settings: Settings;
  readonly files: ReturnType<typeof fileChooser>;
  readonly pushes: PushHub;
  readonly dispatch: Dispatch;
  readonly user: string;
  metrics(): Promise<PlantMetrics>;
  /** Stops producers and consumers and waits until every pending write is stored. */
  close(): Promise<void>;
}

export async function createPlantCore(options: PlantCoreOptions): Promise<PlantCore> {
  const { store } = options;
  const bus = new EventBus({ source: 'plant-event-console', ...options.bus, store });
  const settings = await Settings.open(options.settingsFile ?? null);
  const equipment = new EquipmentProjector(store, options.projector);
  const pushes = new PushHub();
  const alarms = new AlarmMonitor({ bus, store, ...(options.alarmSnapshotEvery ? { snapshotEvery: options.alarmSnapshotEvery } : {}) });
  const aggregates = new Aggregates();

  await equipment.rebuild();
  const untap = bus.onPublished((events) => {
    equipment.apply(events);
    pushes.publish(events);
  });
  await alarms.start();
  await aggregates.start(bus, store);
  const stopQualityHold = startQualityHold(bus, () => alarms.rules());
  const storeStatus = () => options.storeStatus?.() ?? { connected: true, restarts: 0 };

  const simulator = options.simulator ? new PlantSimulator({ ...options.simulator, bus }) : null;
  const healthSeconds = options.healthEverySeconds ?? 5;
  const health = healthSeconds > 0 ? new SystemHealthReporter({ bus, store, storeStatus, intervalMs: healthSeconds * 1000 }) : null;
  const mqtt = new MqttConnection(bus, settings);
  const imports = new ImportRunner(store, async () => {
    await equipment.rebuild();
  });
  const audit = new AuditRunner({
    store,
    bus,
    user: options.user ?? 'operator',
    ...(options.renderPdf ? { renderPdf: options.renderPdf } : {}),
    afterImport: async () => {
      await equipment.rebuild();
    },
  });
  await mqtt.resume();
  simulator?.start();
  health?.start();

  const core: PlantCore = {
    bus,
    store,
    equipment,
    alarms,
    aggregates,
    simulator,
    mqtt,
    imports,
    audit,
    settings,
    files: fileChooser(options.fileDialogs ?? null, settings),
    pushes,
    dispatch: undefined as unknown as Dispatch,
    user: options.user ?? 'operator',
    async metrics() {
      const headSeq = await store.headSeq();
      return { at: Date.now(), bus: bus.metrics(), store: { events: headSeq, headSeq, ...storeStatus() }, ingest: { mqtt: mqtt.metrics() } };
    },
    async close() {
      imports.cancel();
      audit.cancel();
      await simulator?.stop();
      await health?.stop();
      await mqtt.stop();
      await alarms.stop();
      await aggregates.stop();
      stopQualityHold();
      untap();
      pushes.close();
      await bus.close();
      await equipment.flushSnapshots();
    },
  };
  (core as { dispatch: Dispatch }).dispatch = createDispatcher(createHandlers(core));
  return core;
}
