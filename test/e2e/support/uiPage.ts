/**
 * Page object of the operator UI in browser mode: opens the console, moves between views,
 * checks accessibility with axe (serious and critical violations fail), keeps screenshots.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright';
import { startWebHost, type WebHost, type WebHostOptions } from '../../../main/web/server';
import { CHROMIUM_ARGS, findChromium } from '../../support/chromium';

export const UI_ARTIFACTS = join('test-results', 'e2e', 'ui');

export type ViewName = 'timeline' | 'equipment' | 'alarms' | 'deadLetters' | 'health' | 'audit' | 'connections' | 'simulator' | 'import';

/** How long an operator's finger rests between two keys in these tests. */
export const OPERATOR_KEY_DELAY_MS = 40;
/** Typing key by key on a machine other test runs load: a test that fills whole forms gets minutes, not the default two. */
export const TYPING_TEST_MS = 300_000;

/** Clicks into the field, clears what it holds as an operator would (select all, Backspace), then types key by key. */
export async function typeAsOperator(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  // The machine running the tests may be busy: each key waits for the page, not for a fixed time.
  await field.pressSequentially(text, { delay: OPERATOR_KEY_DELAY_MS, timeout: 120_000 });
}

/** A time as an operator types it into a date field: `YYYY-MM-DD HH:MM:SS`, local time. */
export function operatorTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

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
    await typeAsOperator(this.page.getByTestId(testId), text);
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

  alarmRow(alarmId: string): Locator {
    return this.page.locator(`[data-testid="alarm-row"][data-alarm-id="${alarmId}"]`);
  }

  /** In the open rule editor: "New rule", then each field typed from top to bottom; the caller saves. */
  async typeNewRule(rule: { id: string; name: string; field: string; limit: string; equipment: string }): Promise<void> {
    await this.testId('rule-new').click();
    for (const [field, text] of Object.entries(rule)) await this.type(`rule-${field}`, text);
  }

  /** Saves the rule in the open rule editor and waits until its row is listed. */
  async saveRule(ruleId: string): Promise<void> {
    await this.testId('rule-save').click();
    await this.page.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"]`).waitFor();
  }

  /** Selects the alarm's row, presses `a`, types the note and confirms; waits until the row shows it acknowledged. */
  async acknowledge(row: Locator, note: string): Promise<void> {
    await row.getByRole('checkbox').check();
    await this.press('a');
    await this.type('alarm-command-text', note);
    await this.testId('alarm-command-confirm').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('ACTIVE_ACK');
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
    await typeAsOperator(this.page.getByTestId('export-path'), path);
    await this.page.getByTestId('export-run').click();
  }

  /** Verifies a file; the verdict's element (data-ok, data-line). */
  async verifyFile(path: string): Promise<Locator> {
    await typeAsOperator(this.page.getByTestId('verify-path'), path);
    await this.page.getByTestId('verify-file-run').click();
    const verdict = this.page.getByTestId('verify-file-verdict');
    await verdict.waitFor();
    return verdict;
  }

  async startImport(path: string): Promise<void> {
    await typeAsOperator(this.page.getByTestId('import-path'), path);
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

/** The one session of a test file: started before its first test, closed after its last; read `host` and `ui` inside the tests. */
export function sessionPerFile(start: () => Promise<UiSession>): Pick<UiSession, 'host' | 'browser' | 'ui'> {
  let session: UiSession | undefined;
  beforeAll(async () => {
    session = await start();
  });
  afterAll(async () => {
    await session?.close();
  });
  const started = (): UiSession => {
    if (!session) throw new Error('The test file\'s session has not started (its beforeAll failed or has not run).');
    return session;
  };
  return {
    get host() {
      return started().host;
    },
    get browser() {
      return started().browser;
    },
    get ui() {
      return started().ui;
    },
  };
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
