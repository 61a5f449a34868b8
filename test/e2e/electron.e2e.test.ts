/**
 * The desktop application end to end, with Playwright's Electron driver: the built app
 * (electron-vite) on a fresh --data-dir, driven through `window.plant` in its console
 * window, as the browser-mode suite drives browser mode. It needs the Electron binary, which
 * is downloaded separately from the npm package; where it is missing, every test here is
 * reported as skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { REPO_ROOT, findElectron } from '../../build/scripts/electronRuntime';
import type { PlantApi } from '../../shared/api/plantApi';
import type { StoredEvent } from '../../shared/events/event';

const runtime = findElectron();
const SKIP_REASON = 'missing' in runtime ? `no Electron runtime: ${runtime.missing} (ELECTRON_SKIP_BINARY_DOWNLOAD or an offline install)` : null;
if (SKIP_REASON) console.warn(`[e2e] Electron suite skipped: ${SKIP_REASON}`);

/** Each test calls this first: skipped, with the reason, where there is no Electron. */
function needsElectron(ctx: TestContext): void {
  if (SKIP_REASON) ctx.skip(SKIP_REASON);
}

type TestWindow = { plant: PlantApi; __received?: StoredEvent[] } & Record<string, unknown>;

let dataDir: string;
let app: ElectronApplication | null = null;
let page: Page;

async function launch(): Promise<void> {
  if ('missing' in runtime) throw new Error(runtime.missing);
  const noSandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  app = await _electron.launch({ executablePath: runtime.path, args: [REPO_ROOT, ...noSandbox, '--data-dir', dataDir], timeout: 60_000 });
  page = await consoleWindow(app);
  await page.locator('[data-testid="store-state"][data-state="connected"]').waitFor({ timeout: 60_000 });
}

/** The console window (the hidden store host is a window too). */
async function consoleWindow(electronApp: ElectronApplication): Promise<Page> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const found = electronApp.windows().find((w) => w.url() === 'app://plant/index.html');
    if (found) return found;
    await electronApp.waitForEvent('window', { timeout: 5_000 }).catch(() => undefined);
  }
  throw new Error(`no console window; windows: ${electronApp.windows().map((w) => w.url()).join(', ')}`);
}

const publish = (input: unknown) => page.evaluate((i) => (window as unknown as TestWindow).plant.events.publish(i as never), input as never);

/** The message of the Error a window.plant call rejects with. */
function refusal(group: string, method: string, args: unknown[]): Promise<string> {
  return page.evaluate(
    async ({ group, method, args }) => {
      const api = (window as unknown as TestWindow).plant as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
      try {
        await api[group]?.[method]?.(...args);
        return 'resolved';
      } catch (error) {
        return error instanceof Error ? error.message : `not an Error: ${String(error)}`;
      }
    },
    { group, method, args },
  );
}

beforeAll(() => {
  if (SKIP_REASON) return;
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr || build.stdout}`);
  dataDir = mkdtempSync(join(tmpdir(), 'plant-electron-e2e-'));
});

afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('desktop application (Electron)', () => {
  let first: StoredEvent | undefined;

  it('starts on a fresh data folder with window.plant and nothing of Node in the page', async (ctx) => {
    needsElectron(ctx);
    await launch();
    const exposed = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { plant: typeof w.plant, require: typeof w.require, process: typeof w.process, ipcRenderer: typeof w.ipcRenderer, electron: typeof w.electron };
    });
    expect(exposed).toEqual({ plant: 'object', require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', electron: 'undefined' });
  });

  it('publishes through window.plant and finds the event by query and by live subscription', async (ctx) => {
    needsElectron(ctx);
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const w = window as unknown as TestWindow;
          w.__received = [];
          w.plant.events.subscribe('operator.*', (event) => w.__received?.push(event), { onReady: resolve, onError: reject });
        }),
    );
    first = await publish({ type: 'operator.note.added', payload: { text: 'shift handover' }, priority: 'HIGH' });
    expect(first).toMatchObject({ type: 'operator.note.added', status: 'PUBLISHED', priority: 'HIGH', seq: 1 });
    const found = await page.evaluate(() => (window as unknown as TestWindow).plant.events.query({ types: ['operator.*'] }));
    expect(found.events.map((event) => event.id)).toEqual([first.id]);
    await expect
      .poll(() => page.evaluate(() => ((window as unknown as TestWindow).__received ?? []).map((event) => event.id)), { timeout: 10_000 })
      .toEqual([first.id]);
  });

  it('refuses bad input with a clear error and keeps working', async (ctx) => {
    needsElectron(ctx);
    expect(await refusal('events', 'publish', [{ type: 42, payload: {} }])).toMatch(/^events\.publish: event\.type/);
    expect(await refusal('events', 'publish', [{ payload: { a: 1 } }])).toMatch(/event\.type/);
    expect(await refusal('events', 'publish', [{ type: 'operator.note.added', payload: { text: 'x'.repeat(300 * 1024) } }])).toMatch(/payload/);
    expect(await refusal('events', 'publishBatch', ['not a list'])).toContain('events: must be a list');
    expect(await refusal('equipment', 'stateAt', ['press-1', 'yesterday'])).toMatch(/timestampMs/);
    expect(await refusal('events', 'get', [{ not: 'an id' }])).toMatch(/^events\.get: id/);
    const after = await publish({ type: 'operator.note.added', payload: { text: 'still here' } });
    expect(after.seq).toBe(2);
  });

  it('loses no resolved publish, and leaves no seq gap, when the store host process is killed mid-burst', async (ctx) => {
    needsElectron(ctx);
    const electronApp = app as ElectronApplication;
    const burst = page.evaluate(async () => {
      const plant = (window as unknown as TestWindow).plant;
      const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => plant.events.publish({ type: 'line.part.made', payload: { i } })));
      return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    });
    await electronApp.evaluate(({ BrowserWindow }) => {
      const host = BrowserWindow.getAllWindows().find((w) => w.webContents.getURL().includes('/store-host/'));
      if (!host) throw new Error('no store host window');
      host.webContents.forcefullyCrashRenderer();
    });
    const resolved = await burst;
    expect(resolved.length).toBeGreaterThan(0);
    const stored = await page.evaluate(() => (window as unknown as TestWindow).plant.events.query({ order: 'asc', limit: 1_000 }));
    const ids = new Set(stored.events.map((event) => event.id));
    expect(resolved.filter((id) => !ids.has(id))).toEqual([]);
    expect(stored.events.map((event) => event.seq)).toEqual(stored.events.map((_, i) => i + 1));
    const metrics = await page.evaluate(() => (window as unknown as TestWindow).plant.metrics.get());
    expect(metrics.store.restarts).toBeGreaterThanOrEqual(1);
  });

  it('finds the events again after a restart on the same data folder', async (ctx) => {
    needsElectron(ctx);
    await app?.close();
    app = null;
    await launch();
    const again = await page.evaluate((id) => (window as unknown as TestWindow).plant.events.get(id), (first as StoredEvent).id);
    expect(again).toMatchObject({ id: first?.id, seq: 1, type: 'operator.note.added' });
  });
});
