/**
 * Where the built renderer is, and building it when it is missing or older than its sources
 * (vite, with the repository's vite.config.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');

/** The two pages every renderer build has. */
export function rendererPages(dir: string): { index: string; storeHost: string } {
  return { index: join(dir, 'index.html'), storeHost: join(dir, 'store-host', 'index.html') };
}

function newestIn(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestIn(join(path, entry)));
  return newest;
}

/** True when a page is missing or a source file changed after the last build. */
export function rendererIsStale(dir = DEFAULT_RENDERER_DIR): boolean {
  const pages = Object.values(rendererPages(dir));
  if (!pages.every((page) => existsSync(page))) return true;
  const built = Math.min(...pages.map((page) => statSync(page).mtimeMs));
  const sources = ['renderer', 'shared', 'vite.config.ts', 'package-lock.json'].map((name) => newestIn(join(REPO_ROOT, name)));
  return Math.max(...sources) > built;
}

/** Builds the renderer into out/renderer unless it is up to date. */
export async function ensureRendererBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  if (!rendererIsStale()) return;
  log('building the user interface (vite)…');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
