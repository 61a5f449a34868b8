/**
 * User preferences kept by main (last view, saved filters, MQTT settings), so they survive
 * restarts whatever origin the page is served from. A JSON file in the data folder, written
 * atomically (temporary file, then rename); in memory when no file is given.
 *
 * The operator's settings are never lost to one bad entry: each entry of the file is checked
 * on its own, a bad one is dropped with a log line naming it, and the others are kept. A
 * file that cannot be read as JSON at all is copied aside before anything is written over it.
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { settingsKey } from '../../shared/api/contractOps';
import { InputError } from '../../shared/api/errors';
import type { JsonValue } from '../../shared/events/event';
import { validateJson } from '../../shared/events/validate';

type Log = (line: string) => void;

/** Checks one entry: its name (not reserved) and its value (plain JSON); throws naming the problem. */
function checkedEntry(key: string, value: unknown): JsonValue {
  const name = settingsKey.safeParse(key);
  if (!name.success) throw new InputError(`key "${key.slice(0, 100)}": ${name.error.issues[0]?.message ?? 'is not allowed'}`);
  return validateJson(value, key);
}

export class Settings {
  /** No prototype, so that no entry name can reach Object.prototype. */
  private values: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | null) {}

  static async open(file: string | null, log: Log = (line) => console.warn(line)): Promise<Settings> {
    const settings = new Settings(file);
    if (!file) return settings;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return settings;
      throw new Error(`the settings file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix its permissions or move it away, then start again`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      parsed = undefined;
      log(`[settings] ${file} is not JSON (${(error as Error).message}); starting with defaults`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      // Kept aside, so that the first setting saved does not destroy what the operator had.
      const aside = `${file}.unreadable-${Date.now()}`;
      await copyFile(file, aside);
      log(`[settings] ${file} does not hold a settings object; it was copied to ${aside}`);
      return settings;
    }
    for (const [key, value] of Object.entries(parsed)) {
      try {
        settings.values[key] = checkedEntry(key, value);
      } catch (error) {
        log(`[settings] dropped the entry "${key.slice(0, 100)}" of ${file}: ${(error as Error).message}`);
      }
    }
    return settings;
  }

  all(): Record<string, JsonValue> {
    return structuredClone({ ...this.values });
  }

  get(key: string): JsonValue | undefined {
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  /** Stores a value (plain JSON, checked) under `key`; `null` removes it. A reserved or malformed key is refused. */
  async set(key: string, value: JsonValue): Promise<void> {
    const checked = checkedEntry(key, value);
    if (checked === null) delete this.values[key];
    else this.values[key] = checked;
    const file = this.file;
    if (!file) return;
    const text = JSON.stringify(this.values, null, 2);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, text, { encoding: 'utf8', mode: 0o600 });
      await rename(`${file}.tmp`, file);
    });
    await this.writing;
  }
}
