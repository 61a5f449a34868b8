/**
 * `--log-level LEVEL` for the command lines that log (browser mode, desktop): its parseArgs
 * table fragment and its check. Without it, PLANT_LOG_LEVEL decides, then `info`.
 */
import { UsageError, type OptionTable } from '../cli/commandLine';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, logLevelFromEnv, type LogLevel } from './logger';

export const LOG_OPTIONS = {
  'log-level': { type: 'string' },
} as const satisfies OptionTable;

export const LOG_LEVEL_USAGE = `  --log-level L   ${LOG_LEVELS.join(', ')} (default: PLANT_LOG_LEVEL, else info)`;

/** The level `--log-level` names; refused in one sentence when it names none. */
export function parseLogLevel(text: string): LogLevel {
  const value = text.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level: one of ${LOG_LEVELS.join(', ')}, not "${text}"`);
  return value as LogLevel;
}

/** The level to log at: the option's, else PLANT_LOG_LEVEL's, else info. */
export function chooseLogLevel(given: LogLevel | undefined, env: NodeJS.ProcessEnv = process.env): LogLevel {
  return given ?? logLevelFromEnv(env) ?? DEFAULT_LOG_LEVEL;
}
