/**
 * Which plant link runs, and with what settings: those given on the command line for this
 * run, else those saved in settings.json (key `plantLink`, kept like the MQTT settings, secrets
 * included, so never handed to the renderer). Saving new settings checks them in full, keeps
 * them, and reconnects the link with them, unless the command line overrides them for this
 * run: then they are kept for the next run and the view says so. Review mode runs no link.
 */
import type { PlantLinkApplyOptions, PlantLinkView } from '../../shared/api/contractPlantLink';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';
import type { Settings } from '../core/settings';
import { PlantLink } from './plantLink';
import type { PlantLinkSettings } from './plantSettings';
import { PLANT_SETTINGS_KEY, publicPlantSettings, storedPlantSettings, validatePlantSettings, withSavedSecrets } from './savedPlantSettings';

export interface PlantLinkControlOptions {
  readonly bus: EventBus;
  readonly store: EventStore;
  readonly settings: Settings;
  /** Settings from the command line: they win over the saved ones for this run. */
  readonly commandLine: PlantLinkSettings | null;
  readonly review: boolean;
  readonly log?: (line: string) => void;
}

export class PlantLinkControl {
  private current: PlantLink | null = null;
  private source: PlantLinkView['source'] = null;
  /** The last complaint about the saved entry, so that a view polled every second logs it once. */
  private warned: string | null = null;
  /** Configure and disconnect run one at a time, so that two saves never leave two links. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: (line: string) => void;

  constructor(private readonly options: PlantLinkControlOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
  }

  /** The running link, if any. */
  get link(): PlantLink | null {
    return this.current;
  }

  /** True when this run links the station to the plant stream (or is about to). */
  linked(): boolean {
    if (this.options.review) return false;
    return this.current !== null || this.options.commandLine !== null || this.saved() !== null;
  }

  /** True while the link has not caught up with the plant history since it started, or has yet to start. */
  catchingUp(): boolean {
    const link = this.current;
    return link ? !link.caughtUp() : this.linked();
  }

  /** Starts the link of the command line, else that of the saved settings (a bad saved entry is logged by field, never with its secrets). */
  async start(): Promise<void> {
    if (this.options.review) return;
    if (this.options.commandLine) return this.run(this.options.commandLine, 'command-line');
    const saved = this.saved();
    if (saved) await this.run(saved, 'saved');
  }

  view(): PlantLinkView {
    const saved = this.saved();
    return { status: this.current?.status() ?? null, saved: saved ? publicPlantSettings(saved) : null, source: this.source, review: this.options.review };
  }

  /** Checks and keeps new settings, then reconnects with them (unless the command line overrides them for this run). */
  configure(given: Record<string, unknown>, apply: PlantLinkApplyOptions = {}): Promise<PlantLinkView> {
    return this.serially(async () => {
      const settings = validatePlantSettings(withSavedSecrets(given, apply, this.options.settings.get(PLANT_SETTINGS_KEY)));
      await this.options.settings.set(PLANT_SETTINGS_KEY, storedPlantSettings(settings));
      if (this.source !== 'command-line' && !this.options.review) {
        await this.stopLink();
        await this.run(settings, 'saved');
        this.log(`[plant] new settings saved: station ${settings.station}, ${settings.servers.join(', ')} (stream ${settings.stream})`);
      }
      return this.view();
    });
  }

  /** Forgets the saved settings and stops a link that ran on them (a command-line link runs on until the end of this run). */
  disconnect(): Promise<PlantLinkView> {
    return this.serially(async () => {
      await this.options.settings.set(PLANT_SETTINGS_KEY, null);
      if (this.source === 'saved') await this.stopLink();
      return this.view();
    });
  }

  close(): Promise<void> {
    return this.serially(() => this.stopLink());
  }

  private saved(): PlantLinkSettings | null {
    const value = this.options.settings.get(PLANT_SETTINGS_KEY);
    if (value === undefined || value === null) return null;
    try {
      return validatePlantSettings(value);
    } catch (error) {
      const line = `[plant] the saved plant link settings were not used: ${(error as Error).message}`;
      if (line !== this.warned) this.log(line);
      this.warned = line;
      return null;
    }
  }

  private async run(settings: PlantLinkSettings, source: 'command-line' | 'saved'): Promise<void> {
    const link = new PlantLink({ settings, bus: this.options.bus, store: this.options.store, log: this.log });
    await link.start();
    this.current = link;
    this.source = source;
  }

  private async stopLink(): Promise<void> {
    const link = this.current;
    this.current = null;
    this.source = null;
    await link?.close();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
