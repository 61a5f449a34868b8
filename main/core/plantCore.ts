/**
 * The main-process core, the same in the desktop app and in browser mode: the bus over the
 * store, the consumers (equipment projector, alarm monitor, quality-hold process manager,
 * per-minute aggregates), the producers (plant simulator, system health, MQTT, file import),
 * and the live pushes. The composition roots (main/electron, main/web) give it a store and a
 * settings file, and build the API over it (main/api) for their transports: the core does
 * not build its own front door.
 */
import type { PlantMetrics } from '../../shared/api/metrics';
import type { EventStore } from '../../shared/store/eventStore';
import { EventBus, type EventBusOptions } from '../bus/eventBus';
import { Aggregates } from '../consumers/aggregates';
import { AlarmMonitor, SIMULATOR_SOURCE } from '../consumers/alarmMonitor';
import { startQualityHold } from '../consumers/qualityHold';
import { PlantSimulator, type PlantSimulatorOptions } from '../producers/simulator';
import { SystemHealthReporter } from '../producers/systemHealth';
import { EquipmentProjector, type EquipmentProjectorOptions } from './equipmentProjector';
import type { RenderPdf } from '../audit/renderPdf';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { OpcuaConnection } from '../ingest/opcua/opcuaConnection';
import { AuditRunner } from './auditRunner';
import { FileAccess } from './fileAccess';
import { fileChooser, type FileDialogs } from './fileDialogs';
import { ImportRunner, MqttConnection } from './operations';
import { PushHub } from './pushHub';
import { readOnlyStore } from './reviewMode';
import { Settings } from './settings';
import type { PlantLink } from '../plant/plantLink';
import { PlantLinkControl } from '../plant/plantLinkControl';
import type { PlantLinkSettings } from '../plant/plantSettings';
import type { SparkplugConfig } from '../../shared/ingest/sparkplugSettings';

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
  /** The alarm monitor's clock and tick period (tests move time by hand); default the wall clock, every second. */
  readonly alarmClock?: { readonly now?: () => number; readonly tickMs?: number };
  /** The operating-system user named in operator actions (acknowledgements, rule edits). */
  readonly user?: string;
  /** Prints the audit PDF report (Chromium: page.pdf in browser mode, printToPDF in Electron). */
  readonly renderPdf?: RenderPdf;
  /** Review mode (reviewMode.ts): the history is only read; producers and writing consumers stay off. Default false. */
  readonly review?: boolean;
  /** The operating system's Save and Open dialogs (the desktop app); none in browser mode. */
  readonly fileDialogs?: FileDialogs;
  /** The plant link to the other stations (main/plant); none (a station on its own) unless given. Off in review mode. */
  readonly plant?: PlantLinkSettings | null;
  /** Sparkplug B choices from the command line, laid over the saved MQTT settings for this run (sparkplugOptions.ts). */
  readonly sparkplug?: SparkplugConfig | null;
}

export interface PlantCore {
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly equipment: EquipmentProjector;
  readonly alarms: AlarmMonitor;
  readonly aggregates: Aggregates;
  readonly simulator: PlantSimulator | null;
  readonly mqtt: MqttConnection;
  readonly opcua: OpcuaConnection;
  readonly imports: ImportRunner;
  readonly audit: AuditRunner;
  readonly settings: Settings;
  /** Which typed paths the API may read or write; dialogs allow what the operator picked. */
  readonly files: FileAccess;
  /** The operating system's Open and Save dialogs, where there are any; what they pick is allowed in `files`. */
  readonly dialogs: ReturnType<typeof fileChooser>;
  readonly pushes: PushHub;
  readonly user: string;
  readonly review: boolean;
  /** The running plant link, if any (it changes when the operator saves new settings). */
  readonly plant: PlantLink | null;
  readonly plantLink: PlantLinkControl;
  metrics(): Promise<PlantMetrics>;
  /** Stops producers and consumers and waits until every pending write is stored. */
  close(): Promise<void>;
}

export async function createPlantCore(options: PlantCoreOptions): Promise<PlantCore> {
  const review = options.review ?? false;
  // In review mode the store refuses writes, so that anything left writing fails instead of changing the history.
  const store = review ? readOnlyStore(options.store) : options.store;
  const bus = new EventBus({ source: 'plant-event-console', ...options.bus, store });
  const settings = await Settings.open(options.settingsFile ?? null);
  // The settings file lives in the data folder: the folder whose files the API never touches.
  const dataDir = options.settingsFile ? dirname(options.settingsFile) : undefined;
  const files = new FileAccess(settings, dataDir);
  const equipment = new EquipmentProjector(store, review ? { ...options.projector, snapshotEvery: 0 } : options.projector);
  const pushes = new PushHub();
  const plantLink = new PlantLinkControl({ bus, store, settings, commandLine: options.plant ?? null, review });
  const alarms = new AlarmMonitor({ bus, store, review, sharedHistory: plantLink, ...options.alarmClock, ...(options.alarmSnapshotEvery ? { snapshotEvery: options.alarmSnapshotEvery } : {}) });
  const aggregates = new Aggregates();

  await equipment.rebuild();
  const untap = bus.onPublished((events) => {
    equipment.apply(events);
    pushes.publish(events);
  });
  await alarms.start();
  await aggregates.start(bus, store);
  const stopQualityHold = review ? () => undefined : startQualityHold(bus, () => alarms.rules());
  const storeStatus = () => options.storeStatus?.() ?? { connected: true, restarts: 0 };

  // A paused simulator is a source that is down, not a plant gone silent: absence rules wait for it (issue 12 §1).
  const onPausedChange = (paused: boolean) => (paused ? alarms.sourceDown(SIMULATOR_SOURCE) : alarms.sourceUp(SIMULATOR_SOURCE));
  const simulator = options.simulator && !review ? new PlantSimulator({ ...options.simulator, bus, onPausedChange }) : null;
  const healthSeconds = review ? 0 : (options.healthEverySeconds ?? 5);
  const health = healthSeconds > 0 ? new SystemHealthReporter({ bus, store, storeStatus, intervalMs: healthSeconds * 1000 }) : null;
  const mqtt = new MqttConnection(bus, settings, options.sparkplug ?? null);
  // The console's OPC UA certificate lives in the data folder; a run that keeps nothing keeps it in a temporary one.
  const opcua = new OpcuaConnection(bus, settings, dataDir ? join(dataDir, 'pki') : join(tmpdir(), `plant-console-pki-${process.pid}`));
  const imports = new ImportRunner(store, async () => {
    await equipment.rebuild();
  });
  const audit = new AuditRunner({
    store,
    bus,
    user: options.user ?? 'operator',
    recordExports: !review,
    ...(options.renderPdf ? { renderPdf: options.renderPdf } : {}),
    ...(dataDir ? { dataDir } : {}),
    afterImport: async () => {
      await equipment.rebuild();
    },
  });
  if (!review) await mqtt.resume();
  await plantLink.start();
  if (!review) opcua.resume();
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
    opcua,
    imports,
    audit,
    settings,
    files,
    dialogs: fileChooser(options.fileDialogs ?? null, settings, (path) => files.allowPicked(path)),
    pushes,
    user: options.user ?? 'operator',
    review,
    get plant() {
      return plantLink.link;
    },
    plantLink,
    async metrics() {
      const plant = plantLink.link;
      const headSeq = await store.headSeq();
      return { at: Date.now(), bus: bus.metrics(), store: { events: headSeq, headSeq, ...storeStatus() }, ingest: { mqtt: mqtt.metrics(), opcua: opcua.metrics() }, review, ...(plant ? { plant: plant.status() } : {}) };
    },
    async close() {
      imports.cancel();
      audit.cancel();
      await simulator?.stop();
      await health?.stop();
      await mqtt.stop();
      await plantLink.close();
      await opcua.stop();
      await alarms.stop();
      await aggregates.stop();
      stopQualityHold();
      untap();
      pushes.close();
      await bus.close();
      await equipment.flushSnapshots();
    },
  };
  return core;
}
