/**
 * The installer configuration (build/electron-builder.json): valid against electron-builder's
 * own schema (the check `electron-builder` runs before building), with the targets, ids and
 * icons this application ships, and file globs that take in everything the desktop build
 * writes and the entry point package.json names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../build/scripts/electronRuntime';

const config = JSON.parse(readFileSync(join(REPO_ROOT, 'build', 'electron-builder.json'), 'utf8')) as Configuration;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

const targetsOf = (platform: { target?: unknown } | null | undefined) => (platform?.target as string[] | undefined) ?? [];

/** The PNG's width and height, from its header. */
function pngSize(file: string): { width: number; height: number } {
  const data = readFileSync(file);
  expect(data.subarray(1, 4).toString('ascii'), `${file} is a PNG`).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** The two glob forms the configuration uses: `dir/**\/*` and an exact path. */
function covered(path: string, globs: readonly string[]): boolean {
  return globs.some((glob) => {
    if (glob.endsWith('/**/*')) return path.startsWith(glob.slice(0, -'**/*'.length));
    if (/[*?{[!]/.test(glob)) throw new Error(`this test does not understand the glob ${glob}`);
    return path === glob;
  });
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined } as never)).resolves.toBeUndefined();
  });

  it('names the application', () => {
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('Plant Event Console');
  });

  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS', () => {
    expect(targetsOf(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
  });

  it('has real icons: a 512 px PNG for macOS and Linux, at least 256 px for Windows', () => {
    const mac = join(REPO_ROOT, config.mac?.icon as string);
    expect(pngSize(mac)).toEqual({ width: 512, height: 512 });
    const win = pngSize(join(REPO_ROOT, config.win?.icon as string));
    expect(win.width).toBeGreaterThanOrEqual(256);
    expect(win.height).toBe(win.width);
    const linuxDir = join(REPO_ROOT, config.linux?.icon as string);
    for (const size of [256, 512]) expect(pngSize(join(linuxDir, `${size}x${size}.png`))).toEqual({ width: size, height: size });
  });

  it('packs everything the desktop build writes, and package.json points at its entry', () => {
    const files = config.files as string[];
    const built = ['out/main/index.cjs', 'out/preload/index.cjs', 'out/preload/storeHost.cjs', 'out/renderer/index.html', 'out/renderer/store-host/index.html', 'out/renderer/assets/index.js'];
    for (const path of [...built, 'package.json']) expect(covered(path, files), path).toBe(true);
    expect(covered('main/electron/index.ts', files)).toBe(false); // sources stay out
    expect(pkg.main).toBe('out/main/index.cjs');
    const viteConfig = readFileSync(join(REPO_ROOT, 'electron.vite.config.ts'), 'utf8');
    for (const entry of ["'main/electron/index.ts'", "'preload/index.ts'", "'preload/storeHost.ts'", "entryFileNames: '[name].cjs'"]) expect(viteConfig).toContain(entry);
    expect(existsSync(join(REPO_ROOT, 'main/electron/index.ts'))).toBe(true);
  });

  it('is what `npm run dist` uses', () => {
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder --config build/electron-builder.json');
    expect(config.directories?.output).toBe('dist');
  });
});
