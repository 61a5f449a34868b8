/**
 * The OPC UA connection as the operator runs it through the API: its settings kept in main's
 * settings under `opcua` (password included, so never handed to the renderer), connect,
 * disconnect, browse, and the explicit trust of a server certificate.
 */
import type { OpcuaApplyOptions } from '../../../shared/api/contractOpcua';
import type { OpcuaState } from '../../../shared/api/opcuaTypes';
import { ApiError } from '../../../shared/api/errors';
import type { JsonValue } from '../../../shared/events/event';
import { DEFAULT_NAMING_TEMPLATE } from '../../../shared/ingest/opcuaNaming';
import type { Settings } from '../../core/settings';
import type { IngestBus } from '../ingestPublisher';
import { withSavedPassword } from '../savedPassword';
import type { OpcuaIngest } from './opcuaIngest';
import type { ConsolePki } from './pki';

/** node-opcua is loaded the first time OPC UA is used (opcuaRuntime.ts says why). */
const loadRuntime = () => import('./opcuaRuntime');

export const OPCUA_SETTINGS_KEY = 'opcua';

export class OpcuaConnection {
  private ingest: OpcuaIngest | null = null;
  private loadedPki: Promise<ConsolePki> | null = null;
  private resuming: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly bus: IngestBus,
    private readonly settings: Settings,
    /** `<data folder>/pki`: the console's certificate and the servers' it trusts. */
    private readonly pkiFolder: string,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  private pki(): Promise<ConsolePki> {
    this.loadedPki ??= loadRuntime().then((runtime) => runtime.ConsolePki.create(this.pkiFolder));
    return this.loadedPki;
  }

  private async start(settings: unknown): Promise<OpcuaIngest> {
    const [runtime, pki] = await Promise.all([loadRuntime(), this.pki()]);
    return runtime.OpcuaIngest.start({ bus: this.bus, settings, pki });
  }

  /** Connects with the settings kept from the last run, if any. */
  resume(): void {
    const saved = this.settings.get(OPCUA_SETTINGS_KEY);
    if (!saved || typeof saved !== 'object') return;
    this.resuming = this.start(saved).then(
      async (ingest) => {
        // Stopped while node-opcua was loading: this connection must not outlive the console.
        if (this.stopped) await ingest.stop();
        else this.ingest = ingest;
      },
      (error: unknown) => this.log(`[opcua] saved settings were not used: ${(error as Error).message}`),
    );
  }

  async state(): Promise<OpcuaState> {
    return {
      status: this.ingest?.status() ?? null,
      settings: this.ingest?.publicSettings() ?? null,
      metrics: this.ingest?.metrics() ?? null,
      clientCertificate: await (await this.pki()).ownCertificate(),
    };
  }

  metrics() {
    return this.ingest?.metrics() ?? null;
  }

  /** Connects with new settings (checked in full first; the old connection stays until they pass). */
  async configure(given: Record<string, unknown>, options: OpcuaApplyOptions = {}): Promise<OpcuaState> {
    const settings = withSavedPassword(given, options.keepPassword, this.settings.get(OPCUA_SETTINGS_KEY));
    await this.resuming;
    const next = await this.start(settings);
    await this.ingest?.stop();
    this.ingest = next;
    await this.settings.set(OPCUA_SETTINGS_KEY, settings as JsonValue);
    return this.state();
  }

  /** Trusts the server certificate waiting for the operator (named by its SHA-256) and connects again. */
  async trust(sha256: string): Promise<OpcuaState> {
    const info = await (await this.pki()).trust(sha256);
    this.log(`[opcua] the operator trusted the server certificate ${info.sha256} (${info.subject})`);
    this.ingest?.retryNow();
    return this.state();
  }

  async browse(nodeId: string | undefined) {
    const session = this.ingest?.liveSession();
    if (!this.ingest || !session) throw new ApiError('unavailable', 'browsing needs a connected OPC UA server: save the endpoint and connect first');
    const naming = typeof this.ingest.settings.naming === 'string' ? this.ingest.settings.naming : DEFAULT_NAMING_TEMPLATE;
    const { browseChildren, OBJECTS_FOLDER } = await loadRuntime();
    return browseChildren(session, nodeId ?? OBJECTS_FOLDER, naming);
  }

  async disconnect(): Promise<OpcuaState> {
    await this.ingest?.stop();
    this.ingest = null;
    await this.settings.set(OPCUA_SETTINGS_KEY, null);
    return this.state();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.resuming;
    await this.ingest?.stop();
    this.ingest = null;
    await (await this.loadedPki?.catch(() => null))?.dispose().catch(() => undefined);
  }
}
