/**
 * The core's long-lived operations that an operator starts and stops through the API: the
 * MQTT connection (its settings kept in main's settings) and one file import at a time.
 */
import type { ImportState, MqttApplyOptions, MqttState } from '../../shared/api/contractOps';
import type { ImportReport, MqttProbeResult } from '../../shared/api/statusTypes';
import type { JsonValue } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import { importEventsFile, type ImportMode } from '../ingest/fileImport';
import { storeSink } from '../ingest/importSinks';
import { MqttIngest } from '../ingest/mqttIngest';
import { probeMqtt } from '../ingest/mqttProbe';
import { withSavedPassword } from '../ingest/savedPassword';
import { withSparkplugOptions } from '../ingest/sparkplug/sparkplugOptions';
import type { SparkplugConfig } from '../../shared/ingest/sparkplugSettings';
import type { Settings } from './settings';

/** The settings key of the MQTT connection (password included: never handed to the renderer). */
export const MQTT_SETTINGS_KEY = 'mqtt';

export class MqttConnection {
  private ingest: MqttIngest | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly settings: Settings,
    /** The command line's Sparkplug choices, for the saved connection at start only (an operator's later save wins). */
    private readonly sparkplugOptions: SparkplugConfig | null = null,
  ) {}

  /** Reconnects with the settings kept from the last run, if any. */
  async resume(): Promise<void> {
    const saved = this.settings.get(MQTT_SETTINGS_KEY);
    if (this.sparkplugOptions && (!saved || typeof saved !== 'object')) console.warn('[mqtt] --sparkplug: no MQTT broker is configured yet; Sparkplug B is set up with it in the Connections view');
    if (saved && typeof saved === 'object') {
      try {
        this.ingest = await MqttIngest.start({ bus: this.bus, settings: withSparkplugOptions(saved, this.sparkplugOptions) });
      } catch (error) {
        console.warn(`[mqtt] saved settings were not used: ${(error as Error).message}`);
      }
    }
  }

  state(): MqttState {
    return { status: this.ingest?.status() ?? null, settings: this.ingest?.publicSettings() ?? null };
  }

  metrics() {
    return this.ingest?.metrics() ?? null;
  }

  /** Connects with new settings (checked in full first; the old connection stays until they pass). */
  async configure(given: Record<string, unknown>, options: MqttApplyOptions = {}): Promise<MqttState> {
    const settings = withSavedPassword(given, options.keepPassword, this.settings.get(MQTT_SETTINGS_KEY));
    const next = await MqttIngest.start({ bus: this.bus, settings });
    await this.ingest?.stop();
    this.ingest = next;
    await this.settings.set(MQTT_SETTINGS_KEY, settings as JsonValue);
    return this.state();
  }

  /** Tries the settings once, saving nothing. */
  test(given: Record<string, unknown>, options: MqttApplyOptions = {}): Promise<MqttProbeResult> {
    return probeMqtt(withSavedPassword(given, options.keepPassword, this.settings.get(MQTT_SETTINGS_KEY)));
  }

  async disconnect(): Promise<MqttState> {
    await this.ingest?.stop();
    this.ingest = null;
    await this.settings.set(MQTT_SETTINGS_KEY, null);
    return this.state();
  }

  async stop(): Promise<void> {
    await this.ingest?.stop();
    this.ingest = null;
  }
}

export class ImportRunner {
  private current: ImportState = { running: false, file: null, progress: null, report: null, error: null };
  private abort: AbortController | null = null;

  constructor(
    private readonly store: EventStore,
    /** Read models to rebuild after an import (imported events do not pass through the bus). */
    private readonly afterImport: () => Promise<void>,
  ) {}

  status(): ImportState {
    return structuredClone(this.current);
  }

  async start(request: { path: string; mode?: ImportMode; format?: 'ndjson' | 'csv' }): Promise<ImportReport> {
    if (this.current.running) throw new Error(`an import is already running (${this.current.file}); cancel it or wait for it to finish`);
    this.abort = new AbortController();
    this.current = { running: true, file: request.path, progress: null, report: null, error: null };
    try {
      const report = await importEventsFile(request.path, {
        sink: storeSink(this.store),
        ...(request.mode ? { mode: request.mode } : {}),
        ...(request.format ? { format: request.format } : {}),
        signal: this.abort.signal,
        onProgress: (progress) => {
          this.current = { ...this.current, progress };
        },
      });
      if (report.imported > 0) await this.afterImport();
      this.current = { ...this.current, running: false, report };
      return report;
    } catch (error) {
      this.current = { ...this.current, running: false, error: (error as Error).message };
      throw error;
    } finally {
      this.abort = null;
    }
  }

  cancel(): boolean {
    if (!this.abort) return false;
    this.abort.abort(new DOMException('the import was cancelled', 'AbortError'));
    return true;
  }
}
