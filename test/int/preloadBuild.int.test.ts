/**
 * The desktop build's preloads run sandboxed, where `require` reaches only `electron` (and a
 * few Node modules): a preload that requires a shared chunk of its own build fails to load,
 * and the window it serves gets no `window.plant` or no store port. Both preloads import
 * shared/api/channels.ts, which a default build would put in a chunk of their own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../build/scripts/electronRuntime';

const outDir = mkdtempSync(join(tmpdir(), 'plant-preload-build-'));

beforeAll(async () => {
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', outDir], { cwd: REPO_ROOT });
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the built preloads', () => {
  it('are one file each that requires nothing but electron', () => {
    const files = readdirSync(join(outDir, 'preload'));
    expect(files.sort()).toEqual(['index.cjs', 'storeHost.cjs']);
    for (const file of files) {
      const code = readFileSync(join(outDir, 'preload', file), 'utf8');
      const required = [...code.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
      expect(new Set(required), file).toEqual(new Set(['electron']));
    }
  });

  it('take their channel names from the one shared definition', () => {
    const storeHost = readFileSync(join(outDir, 'preload', 'storeHost.cjs'), 'utf8');
    const index = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
    expect(storeHost).toContain('"store-port"');
    expect(index).toContain('"api:call"');
    expect(index).toContain('"push:events"');
  });
});
