/**
 * `--store postgres://…`: the command-line option that puts a station (npm start, npm run
 * web) or the audit command line on a PostgreSQL event store. The command lines spread
 * STORE_OPTIONS into their option tables and call `storeUrlFromArgs`; the checks and the
 * sentences live here. A refused value is never repeated back: it may hold a password.
 */
import { UsageError, type OptionTable } from '../../cli/commandLine';
import { describeTarget } from './pgConnection';

export const STORE_OPTIONS = { store: { type: 'string' } } as const satisfies OptionTable;

export const STORE_USAGE =
  '  --store URL     keep events in PostgreSQL instead of the data folder: postgres://USER@HOST:PORT/DATABASE (password from the URL or PGPASSWORD; missing parts from PGHOST, PGPORT, PGUSER, PGDATABASE)';

const EXAMPLE = 'e.g. --store postgres://station_a@db-host:5432/plant';

/** The PostgreSQL URL given with --store, checked; undefined when the option was not given. */
export function storeUrlFromArgs(values: { readonly store?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const text = values.store;
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--store: not a URL; give a PostgreSQL connection URL, ${EXAMPLE}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`--store: only PostgreSQL is supported, as a postgres:// or postgresql:// URL, ${EXAMPLE}`);
  }
  if (url.pathname.replace(/^\//, '') === '' && !env.PGDATABASE) {
    throw new UsageError(`--store: the URL names no database (and PGDATABASE is not set), ${EXAMPLE}`);
  }
  return text;
}

/** The one line a command prints about where events are kept: server and database, never the credentials. */
export function storeLine(url: string): string {
  return `Events: PostgreSQL at ${describeTarget(url)} (the durable store itself: no store host, journal or anchor in the data folder)`;
}
