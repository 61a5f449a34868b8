/**
 * Page object of the operator UI in browser mode: opens the console, moves between views,
 * checks accessibility with axe (serious and critical violations fail), keeps screenshots.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright';
import { startWebHost, type WebHost, type WebHostOptions } from '../../../main/web/server';
import { CHROMIUM_ARGS, findChromium } from '../../support/chromium';

export const UI_ARTIFACTS = join('test-results', 'e2e', 'ui');

export type ViewName = 'timeline' | 'equipment' | 'alarms' | 'deadLetters' | 'health' | 'audit' | 'connections' | 'simulator' | 'import';

export class UiPage {
  readonly errors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  static async open(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<UiPage> {
    mkdirSync(UI_ARTIFACTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
    const ui = new UiPage(await context.newPage(), context);
    await ui.page.goto(url);
    await ui.shell.waitFor({ timeout: 30_000 });
    await ui.page.locator('[data-testid="store-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
    return ui;
  }

  get shell(): Locator {
    return this.page.getByTestId('shell');
  }
  testId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async go(view: ViewName): Promise<void> {
    await this.page.getByTestId(`nav-${view}`).click();
    await this.page.getByTestId(`view-${view}`).waitFor();
  }

  /** Types into the field with this data-testid as an operator does: key by key, after clearing what it holds. */
  async type(testId: string, text: string): Promise<void> {
    const field = this.page.getByTestId(testId);
    await field.click();
    await field.press('ControlOrMeta+a');
    await field.press('Backspace');
    // The machine running the tests may be busy: each key waits for the page, not for a fixed time.
    await field.pressSequentially(text, { delay: 35, timeout: 120_000 });
  }

  async press(key: string): Promise<void> {
    await this.page.locator('body').press(key);
  }

  /** Runs axe on the page as it is; fails on serious or critical violations, naming them. */
  async expectAccessible(what: string): Promise<void> {
    // A tooltip fading out under the pointer would be measured half transparent.
    await this.page.mouse.move(1, this.page.viewportSize()?.height ?? 800 - 1);
    await this.page.locator('.MuiTooltip-popper').waitFor({ state: 'detached' });
    // Likewise a menu that is closing (its items fade out).
    await this.page.locator('.MuiMenu-root').waitFor({ state: 'detached' });
    // And a dialog or drawer still fading or sliding in.
    await this.page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const result = await new AxeBuilder({ page: this.page }).analyze();
    const bad = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    expect(bad, `accessibility of ${what}`).toEqual([]);
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(UI_ARTIFACTS, `${name}.png`) });
  }

  /** The Audit view's forms (export, verify a file, verify the store, import). */
  get audit(): AuditForms {
    return new AuditForms(this.page);
  }

  eventRow(id: string): Locator {
    return this.page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** The Audit view (and the timeline's export dialog) driven by its data-testids. */
export class AuditForms {
  constructor(private readonly page: Page) {}

  /** Starts an export; the caller waits for its result, error or cancellation. */
  async startExport(path: string, format: 'ndjson' | 'csv' | 'pdf' = 'ndjson'): Promise<void> {
    await this.page.getByTestId(`export-format-${format}`).check();
    await this.page.getByTestId('export-path').fill(path);
    await this.page.getByTestId('export-run').click();
  }

  /** Verifies a file; the verdict's element (data-ok, data-line). */
  async verifyFile(path: string): Promise<Locator> {
    await this.page.getByTestId('verify-path').fill(path);
    await this.page.getByTestId('verify-file-run').click();
    const verdict = this.page.getByTestId('verify-file-verdict');
    await verdict.waitFor();
    return verdict;
  }

  async startImport(path: string): Promise<void> {
    await this.page.getByTestId('import-path').fill(path);
    await this.page.getByTestId('import-run').click();
  }
}

/** One browser-mode host (store in memory; by default no health reports) and one Chromium showing its console. */
export interface UiSession {
  readonly host: WebHost;
  readonly browser: Browser;
  readonly ui: UiPage;
  close(): Promise<void>;
}

/** `core` adds to the host's core (the simulator, for one); health reports are off unless asked for. */
export async function startUiSession(core: WebHostOptions['core'] = {}): Promise<UiSession> {
  return openSession(() => startWebHost({ memory: true, core: { healthEverySeconds: 0, ...core } }));
}

/** A session on a host started with these options (a data folder, a simulator, …). */
export async function startHostSession(options: WebHostOptions): Promise<UiSession> {
  return openSession(() => startWebHost(options));
}

/**
 * The operator's first minutes: a host on a fresh data folder (kept on disk, settings file
 * included) with the plant simulator on, and one Chromium showing its console.
 */
export async function startFreshFolderSession(): Promise<UiSession & { readonly dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plant-fresh-'));
  const session = await openSession(
    () => startWebHost({ dataDir, core: { settingsFile: join(dataDir, 'settings.json'), simulator: { rate: 20 }, healthEverySeconds: 0, user: 'olga' } }),
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
  return { ...session, dataDir };
}

async function openSession(startHost: () => Promise<WebHost>, cleanUp: () => void = () => undefined): Promise<UiSession> {
  const [host, browser] = await Promise.all([startHost(), chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })]);
  const ui = await UiPage.open(browser, host.url);
  return {
    host,
    browser,
    ui,
    async close() {
      await ui.close();
      await browser.close();
      await host.close();
      cleanUp();
    },
  };
}
