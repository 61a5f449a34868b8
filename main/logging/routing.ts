/**
 * Hands a composition root's log to the code that logs without being given a callback:
 * `logErrorAs` (main/core/logError.ts) writes errors to it, and console.warn / console.error
 * (a few components warn that way) become warn and error lines. console.log stays as it is:
 * it is the commands' own output (the address to open, a verdict), not the log.
 */
import { format } from 'node:util';
import { setErrorLogSink } from '../core/logError';
import type { AppLogger } from './logger';

/** Routes them to `logger`; returns what puts them back. */
export function routeLogging(logger: AppLogger): () => void {
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => logger.pino.warn(format(...args));
  console.error = (...args: unknown[]) => logger.pino.error(format(...args));
  setErrorLogSink(logger.line('error'));
  return () => {
    console.warn = warn;
    console.error = error;
    setErrorLogSink((line) => console.error(line));
  };
}
