/**
 * User preferences kept by main (last view, saved filters, MQTT settings), so they survive
 * restarts whatever origin the page is served from. A JSON file in the data folder, written
 * atomically (temporary file, then rename); in memory when no file is given.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JsonValue } from '../../shared/events/event';
import { validateJson } from '../../shared/events/validate';

export class Settings {
  private values: Record<string, JsonValue> = {};
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | null) {}

  static async open(file: string | null): Promise<Settings> {
    const settings = new Settings(file);
    if (!file) return settings;
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) settings.values = validateJson(parsed, 'settings') as Record<string, JsonValue>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`[settings] ${file} could not be read, starting with defaults: ${(error as Error).message}`);
    }
    return settings;
  }

  all(): Record<string, JsonValue> {
    return structuredClone(this.values);
  }

  get(key: string): JsonValue | undefined {
    return this.values[key];
  }

  /** Stores a value (plain JSON, checked) under `key`; `null` removes it. */
  async set(key: string, value: JsonValue): Promise<void> {
    const checked = validateJson(value, key);
    if (checked === null) delete this.values[key];
    else this.values[key] = checked;
    const file = this.file;
    if (!file) return;
    const text = JSON.stringify(this.values, null, 2);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, text, 'utf8');
      await rename(`${file}.tmp`, file);
    });
    await this.writing;
  }
}
