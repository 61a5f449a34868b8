import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { electronArgs, REPO_ROOT } from '../../build/scripts/electronRuntime';
import { HOST_SEMI_SPACE_MB, HOST_V8_FLAGS, hostFlagsForMainOnly } from '../../main/platform/hostHeap';

const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The Node options of a package.json script that runs `node … --import tsx file`. */
function nodeOptionsOf(script: string): string[] {
  const words = script.split(' ');
  expect(words[0]).toBe('node');
  return words.slice(1, words.indexOf('--import'));
}

/** The young generation's size in MB once a process started with `options` has allocated for a while. */
function youngGenerationMb(options: readonly string[]): number {
  const program = `
    let kept = [];
    for (let i = 0; i < 2e7; i++) { kept.push({ i, text: 'x' + i }); if (kept.length > 20000) kept = []; }
    const young = require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size / 2 ** 20);`;
  const run = spawnSync(process.execPath, [...options, '-e', program], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return Number(run.stdout);
}

describe("the host process's young generation", () => {
  test('browser mode and the bench start the host with its semi-spaces, which V8 then really uses', () => {
    for (const name of ['web', 'bench']) expect(nodeOptionsOf(scripts[name]!)).toContain(HOST_V8_FLAGS);
    // Two semi-spaces of the host's size, against V8's default of half that.
    expect(youngGenerationMb(nodeOptionsOf(scripts.web!))).toBe(2 * HOST_SEMI_SPACE_MB);
    expect(youngGenerationMb([])).toBeLessThan(2 * HOST_SEMI_SPACE_MB);
  });

  test("npm start gives them to Electron's main process; a user's own arguments come after", () => {
    expect(electronArgs('/app', ['--data-dir', 'd'], false)).toEqual(['/app', `--js-flags=${HOST_V8_FLAGS}`, '--data-dir', 'd']);
    expect(electronArgs('/app', [], true)).toEqual(['/app', `--js-flags=${HOST_V8_FLAGS}`, '--no-sandbox']);
  });

  test("Chromium's renderers do not inherit them, but flags given on purpose stay", () => {
    const commandLine = (value: string) => {
      const switches = new Map([['js-flags', value]]);
      return { switches, getSwitchValue: (name: string) => switches.get(name) ?? '', removeSwitch: (name: string) => void switches.delete(name) };
    };
    const host = commandLine(HOST_V8_FLAGS);
    hostFlagsForMainOnly(host);
    expect(host.switches.has('js-flags')).toBe(false);
    const own = commandLine('--max-old-space-size=8192');
    hostFlagsForMainOnly(own);
    expect(own.switches.get('js-flags')).toBe('--max-old-space-size=8192');
  });
});
