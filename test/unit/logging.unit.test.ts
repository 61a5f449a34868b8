/**
 * The application's log, written to real files: JSON lines with levels, rotation by size
 * with a bounded number of old files, the level threshold, and no secret in any file,
 * whether it came in a sentence, a URL, an object or an error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorLogLine, logErrorAs } from '../../main/core/logError';
import { createAppLogger, logLevelFromEnv, type AppLogger } from '../../main/logging/logger';
import { scrubSecrets } from '../../main/logging/redact';
import { chooseLogLevel } from '../../main/logging/logOptions';
import { routeLogging } from '../../main/logging/routing';
import { UsageError } from '../../main/cli/commandLine';
import { parseWebArgs } from '../../main/web/cli';

const dirs: string[] = [];
const open: AppLogger[] = [];
afterEach(async () => {
  for (const logger of open.splice(0)) await logger.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logger(options: Partial<Parameters<typeof createAppLogger>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plant-logs-'));
  dirs.push(dir);
  const made = createAppLogger({ dir: join(dir, 'logs'), name: 'plant', ...options });
  open.push(made);
  return { made, logs: join(dir, 'logs') };
}

const entries = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string; [key: string]: unknown });

describe('the application log', () => {
  it('writes one JSON line per entry, with its level, into <folder>/logs/plant.log', async () => {
    const { made, logs } = logger();
    made.line()('store host: Chromium started');
    made.line('warn')('the disk is nearly full');
    await made.close();
    const written = entries(join(logs, 'plant.log'));
    expect(written.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 30, msg: 'store host: Chromium started' },
      { level: 40, msg: 'the disk is nearly full' },
    ]);
  });

  it('keeps what is below the level out', async () => {
    const { made, logs } = logger({ level: 'warn' });
    made.line('info')('routine');
    made.line('debug')('detail');
    made.line('error')('broken');
    await made.close();
    expect(entries(join(logs, 'plant.log')).map((entry) => entry.msg)).toEqual(['broken']);
  });

  it('rotates by size and keeps only the configured number of old files', async () => {
    const { made, logs } = logger({ size: '2K', files: 2 });
    const log = made.line();
    for (let i = 0; i < 200; i++) log(`line ${i} ${'x'.repeat(60)}`);
    await made.close();
    const files = readdirSync(logs).sort();
    expect(files).toEqual(['plant.log', 'plant.log.1', 'plant.log.2']);
    for (const file of files) expect(readFileSync(join(logs, file)).length).toBeLessThanOrEqual(2 * 1024 + 200);
    // The newest lines are in the current file.
    expect(readFileSync(join(logs, 'plant.log'), 'utf8')).toContain('line 199 ');
  });

  it('never writes a password, token or seed: in sentences, URLs, objects and errors', async () => {
    const { made, logs } = logger({ level: 'debug' });
    const restore = routeLogging(made);
    try {
      made.line()('mqtt: connecting to mqtts://operator:Hunter2-mqtt@broker.plant:8883');
      made.line()('settings saved {"mqtt":{"url":"mqtt://broker","password":"Hunter2-json"}}');
      made.line()('plant link: credentials=Hunter2-cred token=Hunter2-token');
      made.line()('browser mode at http://127.0.0.1:8080/?token=Hunter2-url');
      made.pino.info({ mqtt: { password: 'Hunter2-object' }, seed: 'Hunter2-seed' }, 'settings object');
      made.pino.error({ err: new Error('auth failed for password=Hunter2-error') }, 'plant link failed');
      console.warn('station seed: %s', 'Hunter2-console');
      logErrorAs('[mqtt]')(new Error('login refused, password: Hunter2-onerror'));
    } finally {
      restore();
    }
    await made.close();
    const text = readFileSync(join(logs, 'plant.log'), 'utf8');
    expect(text).not.toMatch(/Hunter2/);
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(10);
    // What is not secret stays readable.
    expect(text).toContain('mqtts://operator:[redacted]@broker.plant:8883');
    expect(entries(join(logs, 'plant.log')).find((entry) => entry.msg.startsWith('settings saved'))?.msg).toBe('settings saved {"mqtt":{"url":"mqtt://broker","password":"[redacted]"}}');
    expect(entries(join(logs, 'plant.log')).map((entry) => entry.level)).toContain(50);
  });

  it('reads PLANT_LOG_LEVEL, and refuses a value that is no level in one sentence', () => {
    expect(logLevelFromEnv({})).toBeNull();
    expect(logLevelFromEnv({ PLANT_LOG_LEVEL: ' Debug ' })).toBe('debug');
    expect(() => logLevelFromEnv({ PLANT_LOG_LEVEL: 'loud' })).toThrow('PLANT_LOG_LEVEL: one of fatal, error, warn, info, debug, trace, silent, not "loud"');
  });

  it('takes --log-level in browser mode before PLANT_LOG_LEVEL, and refuses a level that does not exist', () => {
    const env = { XDG_DATA_HOME: '/data', PLANT_LOG_LEVEL: 'debug' };
    expect(parseWebArgs(['--log-level', 'WARN'], env).logLevel).toBe('warn');
    expect(chooseLogLevel(parseWebArgs(['--log-level=error'], env).logLevel, env)).toBe('error');
    expect(chooseLogLevel(parseWebArgs([], env).logLevel, env)).toBe('debug');
    expect(chooseLogLevel(undefined, {})).toBe('info');
    expect(() => parseWebArgs(['--log-level', 'verbose'], env)).toThrow(UsageError);
    expect(() => parseWebArgs(['--log-level', 'verbose'], env)).toThrow('--log-level: one of fatal, error, warn, info, debug, trace, silent, not "verbose"');
    expect(() => parseWebArgs(['--log-level'], env)).toThrow('--log-level: needs a value');
  });

  it('leaves lines without secrets as they are', () => {
    for (const line of ['store host lost (crashed); a new one starts on the next connect', 'tokens are counted per socket', errorLogLine('[bus]', new Error('queue full'))]) {
      expect(scrubSecrets(line)).toBe(line);
    }
  });
});
