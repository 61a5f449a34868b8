/**
 * The settings file holds the operator's preferences and the MQTT connection: a bad key is
 * refused when set, and a file with one bad entry loses only that entry, with a log line.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/api/contract';
import { Settings } from '../../main/core/settings';

const RESERVED = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function settingsFile(text?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'plant-settings-')), 'settings.json');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

describe('settings', () => {
  it('refuses reserved and prototype keys, through the API and in main, with one sentence', async () => {
    const settings = await Settings.open(settingsFile());
    for (const key of RESERVED) {
      expect(() => contract['settings.set'].parse([key, 1]), key).toThrow(/^key: is a reserved name \(such as constructor, __proto__ or prototype\): choose another$/);
      await expect(settings.set(key, 1), key).rejects.toThrow(/is a reserved name/);
    }
    expect(settings.all()).toEqual({});
  });

  it('keeps every good entry of a file with a bad one, and says which entry it dropped', async () => {
    const file = settingsFile(JSON.stringify({ theme: 'dark', constructor: 1, 'timeline.filters': { types: ['equipment.*'] }, 'bad key!': true }));
    const lines: string[] = [];
    const settings = await Settings.open(file, (line) => lines.push(line));
    expect(settings.all()).toEqual({ theme: 'dark', 'timeline.filters': { types: ['equipment.*'] } });
    expect(lines).toEqual([
      expect.stringMatching(/^\[settings\] dropped the entry "constructor" of .*settings\.json: key "constructor": is a reserved name/),
      expect.stringMatching(/^\[settings\] dropped the entry "bad key!" of .*: key "bad key!": must be 1–100 letters/),
    ]);
    await settings.set('ui.lastView', 'alarms');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ theme: 'dark', 'timeline.filters': { types: ['equipment.*'] }, 'ui.lastView': 'alarms' });
  });

  it('copies a file it cannot read as settings aside before writing over it', async () => {
    const broken = '{"theme": "dark", "mqtt": {"url": "mqtt://plant:1883"'; // cut short
    const file = settingsFile(broken);
    const lines: string[] = [];
    const settings = await Settings.open(file, (line) => lines.push(line));
    await settings.set('theme', 'light');
    const aside = readdirSync(join(file, '..')).filter((name) => name.startsWith('settings.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(file, '..', aside[0] as string), 'utf8')).toBe(broken);
    expect(lines.at(-1)).toContain(`it was copied to ${join(file, '..', aside[0] as string)}`);
  });

  it('writes the file for its owner only (it holds the MQTT password)', async () => {
    const file = settingsFile();
    await (await Settings.open(file)).set('theme', 'dark');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
