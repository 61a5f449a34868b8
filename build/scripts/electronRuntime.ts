/**
 * Finds the Electron executable that `npm install electron` would have put in
 * node_modules/electron/dist, without triggering its download: requiring the `electron`
 * package itself tries to download the binary when it is missing, which on an offline
 * machine only fails slowly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_V8_FLAGS } from '../../main/platform/hostHeap';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type ElectronRuntime = { readonly path: string } | { readonly missing: string };

export function findElectron(root = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): ElectronRuntime {
  const packageDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(packageDir, 'package.json'))) return { missing: 'the electron package is not installed (run npm install)' };
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(path) ? { path } : { missing: `ELECTRON_OVERRIDE_DIST_PATH names no Electron executable (${path})` };
  }
  if (!relative) return { missing: 'its binary was never downloaded into node_modules/electron/dist' };
  const path = join(packageDir, 'dist', relative);
  return existsSync(path) ? { path } : { missing: `its binary is missing (${path})` };
}

/**
 * Electron's command line for the app at `root`: the host's V8 flags reach the main process
 * only as `--js-flags` given at start (main/platform/hostHeap.ts); as root, Chromium's
 * `--no-sandbox`, without which it will not start there. The user's arguments come last.
 */
export function electronArgs(root: string, args: readonly string[], asRoot: boolean): string[] {
  return [root, `--js-flags=${HOST_V8_FLAGS}`, ...(asRoot ? ['--no-sandbox'] : []), ...args];
}
