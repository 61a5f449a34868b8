/**
 * The application's log: pino, one JSON object a line, into `<logs folder>/<name>.log`,
 * rotated by size (rotating-file-stream: `<name>.log.1` is the newest old file, up to
 * `files` of them), and, for a terminal, the same lines as plain text on stderr. Every line
 * is scrubbed of secrets (redact.ts) before either sees it.
 *
 * The components keep their `log(line)` / `onError(error)` callbacks; the composition roots
 * hand them `logger.line` and friends (see ./routing.ts).
 */
import { mkdirSync } from 'node:fs';
import { pino, type Level, type Logger } from 'pino';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { REDACTED, REDACT_PATHS, scrubSecrets } from './redact';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export interface AppLoggerOptions {
  /** The folder the log files go to; none: stderr only. */
  readonly dir?: string;
  /** The file's name without `.log`: `plant` for the application, `audit` for the command line. */
  readonly name: string;
  readonly level?: LogLevel;
  /** Each line also as plain text on stderr (a terminal's view of the log). */
  readonly stderr?: boolean;
  /** Rotate when the file reaches this size (rotating-file-stream's notation: `10M`, `512K`). */
  readonly size?: `${number}${'B' | 'K' | 'M' | 'G'}`;
  /** How many rotated files are kept beside the current one. */
  readonly files?: number;
}

export interface AppLogger {
  readonly pino: Logger;
  /** The log file, when there is one. */
  readonly file: string | undefined;
  /** A `log(line)` callback at `level` (info unless said). */
  line(level?: Level): (line: string) => void;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

/** The level from PLANT_LOG_LEVEL, or null when unset; throws one sentence for a value that is no level. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel | null {
  const value = env.PLANT_LOG_LEVEL?.trim().toLowerCase();
  if (!value) return null;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new Error(`PLANT_LOG_LEVEL: one of ${LOG_LEVELS.join(', ')}, not "${env.PLANT_LOG_LEVEL}"`);
  return value as LogLevel;
}

/** A stream that prints each pino line's message as plain text on stderr. */
function stderrLines(): { write(chunk: string): void } {
  return {
    write(chunk) {
      try {
        const entry = JSON.parse(chunk) as { msg?: unknown };
        process.stderr.write(`${String(entry.msg ?? '')}\n`);
      } catch {
        process.stderr.write(chunk);
      }
    },
  };
}

export function createAppLogger(options: AppLoggerOptions): AppLogger {
  const level = options.level ?? DEFAULT_LOG_LEVEL;
  // A stream takes no `silent`: the logger's own level holds everything back then.
  const streamLevel: Level = level === 'silent' ? 'fatal' : level;
  const streams: pino.StreamEntry[] = [];
  let file: RotatingFileStream | undefined;
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    file = createStream(`${options.name}.log`, { path: options.dir, size: options.size ?? '10M', rotate: options.files ?? 5, mode: 0o600 });
    file.on('error', (error) => process.stderr.write(`the log file in ${options.dir} cannot be written: ${error.message}\n`));
    streams.push({ level: streamLevel, stream: file });
  }
  if (options.stderr) streams.push({ level: streamLevel, stream: stderrLines() });
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        err: (error: Error) => {
          const plain = pino.stdSerializers.err(error);
          return { ...plain, message: scrubSecrets(plain.message), stack: scrubSecrets(plain.stack) };
        },
      },
      hooks: {
        // Every string argument (the message and its format arguments) is scrubbed of secrets.
        logMethod(args, method) {
          method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    pino.multistream(streams),
  );
  return {
    pino: logger,
    file: options.dir ? `${options.dir}/${options.name}.log` : undefined,
    line: (at = 'info') => (line) => logger[at](line),
    close: () =>
      new Promise<void>((resolve) => {
        if (!file) return resolve();
        file.end(() => resolve());
      }),
  };
}
