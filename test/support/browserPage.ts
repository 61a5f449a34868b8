/**
 * A real Chromium page, on a persistent (on-disk) profile, running a bundled browser entry.
 * Node tests and the benchmark drive it with `page.evaluate`.
 *
 * The entry is bundled with esbuild and inlined into an index.html in a temp folder named
 * after the bundle's content hash, and opened as a `file://` URL. Chromium gives every
 * file:// page one origin, so a page keeps its IndexedDB in the profile across browser
 * restarts, even when a changed bundle lands in another folder (checked on Chromium 156);
 * an http page on a random port would not (ARCHITECTURE.md, "Origins"). Module scripts
 * loaded by `src` from file:// are refused by Chromium (CORS), hence the inlining.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import type { BrowserContext, Page } from 'playwright';
import type { StoredEvent } from '../../shared/events/event';
import type { AppendInput, DeliveryRecord, EventPage, EventQuery, EventStore } from '../../shared/store/eventStore';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, findChromium } from './chromium';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_STORE_ENTRY = join(here, 'storePageEntry.ts');

export interface StorePageOptions {
  /** The Chromium profile folder; the same folder after a restart keeps the same IndexedDB. */
  readonly profileDir: string;
  /**
   * The browser entry to bundle, or several bundled together in order (each runs its
   * top-level code); defaults to test/support/storePageEntry.ts (`window.__store`).
   */
  readonly entry?: string | readonly string[];
  readonly headless?: boolean;
}

/**
 * `window.__store` of the default entry (test/support/storePageEntry.ts). Declared here, in
 * Node-typed code, so that the benchmark (type-checked without the DOM library) can use it.
 */
export interface StorePageApi {
  /** Opens (or creates) the database `dbName`; closes any store opened before. */
  open(dbName: string): Promise<void>;
  append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]>;
  query(query: EventQuery): Promise<EventPage>;
  get(id: string): Promise<StoredEvent | null>;
  headSeq(): Promise<number>;
  count(query?: EventQuery): Promise<number>;
  pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
  /**
   * For code bundled into the same page (the benchmark): a store of its own on `dbName`,
   * independent of the one `open` manages. Not callable from Node (a store does not cross).
   */
  openInPage(dbName: string): Promise<EventStore>;
}

/** `window.__store` called from Node: each call is one `page.evaluate`. */
export type StoreCalls = Omit<StorePageApi, 'openInPage'>;

export interface StorePage {
  readonly page: Page;
  /**
   * Typed calls of the default entry's `window.__store`. Same as `page.evaluate(() =>
   * window.__store.x(...))`, without Playwright's deep type inference over event payloads.
   */
  readonly store: StoreCalls;
  readonly context: BrowserContext;
  /** The pid of Chromium's browser process, when it could be found in /proc. */
  readonly browserPid?: number;
  /** Closes the browser; the profile folder stays. */
  close(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/** The file:// URL of the page for `entry`, bundling it once per process. */
export function storePageUrl(entry: string | readonly string[] = DEFAULT_STORE_ENTRY): Promise<string> {
  const entries = (typeof entry === 'string' ? [entry] : [...entry]).map((path) => resolve(path));
  if (entries.length === 0) throw new Error('storePageUrl: no entry given');
  const key = entries.join('\n');
  let url = bundles.get(key);
  if (!url) {
    url = bundlePage(entries);
    url.catch(() => bundles.delete(key));
    bundles.set(key, url);
  }
  return url;
}

/** Bundles a TypeScript module (given as source) and what it imports into one browser script. */
export async function bundleForBrowser(contents: string, resolveDir: string, name: string): Promise<string> {
  const result = await build({ stdin: { contents, resolveDir, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent' });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error(`esbuild produced no output for ${name}`);
  return script;
}

async function bundlePage(entries: readonly string[]): Promise<string> {
  const name = entries.join(', ');
  // One module importing every entry in order, so that they share one bundle (one copy of each dependency).
  const script = await bundleForBrowser(entries.map((path) => `import ${JSON.stringify(path)};`).join('\n'), here, name);
  if (/<\/script/i.test(script)) throw new Error(`the bundle of ${name} contains "</script" and cannot be inlined`);
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>store page</title></head>\n<body><script type="module">\n${script}\n</script></body></html>\n`;
  const hash = createHash('sha256').update(html).digest('hex').slice(0, 16);
  const folder = join(tmpdir(), `plant-store-page-${hash}`);
  const file = join(folder, 'index.html');
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    // Another process may write the same file at the same time: write aside, then rename.
    const aside = `${file}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(aside, html);
    renameSync(aside, file);
  }
  return pathToFileURL(file).href;
}

/** Launches Chromium on `profileDir` and opens the entry's page in it. */
export async function openStorePage(options: StorePageOptions): Promise<StorePage> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  const url = await storePageUrl(options.entry);
  const context = await chromium.launchPersistentContext(options.profileDir, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: options.headless ?? true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(url);
    // The inlined module has run by the load event; an error thrown while it ran is fatal.
    if (errors.length > 0) throw new Error(`the store page failed to start: ${errors[0]?.message}`);
    const browserPid = findBrowserPid(options.profileDir);
    return {
      page,
      store: storeCalls(page),
      context,
      ...(browserPid === undefined ? {} : { browserPid }),
      close: () => context.close(),
    };
  } catch (error) {
    await context.close();
    throw error;
  }
}

const STORE_METHODS = ['open', 'append', 'query', 'get', 'headSeq', 'count', 'pendingDeliveries', 'close'] as const satisfies readonly (keyof StoreCalls)[];

function storeCalls(page: Page): StoreCalls {
  const call = (name: string, args: unknown[]) =>
    page.evaluate(
      ({ name, args }) => (globalThis as unknown as { __store: Record<string, (...a: unknown[]) => unknown> }).__store[name]?.(...args),
      { name, args },
    );
  return Object.fromEntries(STORE_METHODS.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as StoreCalls;
}

/** Our child Chromium that runs on `profileDir` (Playwright does not expose it for persistent contexts). */
function findBrowserPid(profileDir: string): number | undefined {
  const flag = `--user-data-dir=${profileDir}`;
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parentPid !== process.pid) continue;
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.includes(flag)) return Number(name);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
