/**
 * How main logs an error it cannot hand to a caller. The expected ones of a stop (the store,
 * the bus or the store host's link closed while a call was on its way) and cancellations
 * are one line; anything else is unexpected and keeps its stack, which is what a developer
 * needs then.
 */
const EXPECTED = new Set(['StoreClosedError', 'BusClosedError', 'LinkClosedError', 'AbortError']);

export function isExpectedError(error: unknown): boolean {
  return error instanceof Error && EXPECTED.has(error.name);
}

/** The text to log: `prefix message` for an expected error, else the error with its stack. */
export function errorLogLine(prefix: string, error: unknown): string {
  if (isExpectedError(error)) return `${prefix} ${(error as Error).message}`;
  if (error instanceof Error) return `${prefix} ${error.stack ?? `${error.name}: ${error.message}`}`;
  return `${prefix} ${String(error)}`;
}

let errorSink: (line: string) => void = (line) => console.error(line);

/** Where `logErrorAs` writes: console.error until a composition root hands it the log (main/logging). */
export function setErrorLogSink(sink: (line: string) => void): void {
  errorSink = sink;
}

/** A default `onError` for a component: logs the error, one line when expected. */
export function logErrorAs(prefix: string): (error: unknown) => void {
  return (error) => errorSink(errorLogLine(prefix, error));
}
