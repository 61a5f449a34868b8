/**
 * The PostgreSQL store's connections: one pool for a `postgres://` URL (parts it leaves out
 * come from the standard PG* environment variables, as libpq does), a bounded wait while
 * the server cannot be reached, and errors that say so in one sentence without the URL's
 * password or user name.
 *
 * Only a failure to connect (or a connection found dead before its first statement) is
 * retried: once a transaction has started on a connection that breaks, its outcome is
 * reported to the caller, never repeated behind its back.
 */
import pg from 'pg';
import { ApiError } from '../../../shared/api/errors';

/** How long a read or an append waits for an unreachable server before it fails, by default. */
export const DEFAULT_WAIT_MS = 10_000;

/** The server cannot be reached (down, restarting, network): nothing of the call was stored. */
export class PostgresUnavailableError extends ApiError {
  constructor(message: string) {
    super('store-unavailable', message);
    this.name = 'PostgresUnavailableError';
  }
}

/**
 * PostgreSQL refused what was written (a value it cannot hold, a constraint, a trigger the
 * database's owner added): sending the same rows again fails the same way, so a caller that
 * retries must set them apart instead. Nothing of the transaction was stored.
 */
export class PostgresRefusedError extends ApiError {
  constructor(
    message: string,
    /** PostgreSQL's own words (without secrets), e.g. `index row size 3024 exceeds btree version 4 maximum 2704 …`. */
    readonly reason: string,
  ) {
    super('store-refused', message);
    this.name = 'PostgresRefusedError';
  }
}

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`; missing parts come from PGHOST, PGUSER, PGPASSWORD, PGDATABASE, PGPORT. */
  readonly url: string;
  /** How long a call waits for an unreachable server (default 10 s). */
  readonly waitMs?: number;
  /** Connections kept open at most (default 4). */
  readonly maxConnections?: number;
  /** Told about a connection that broke while idle (the pool replaces it by itself). */
  readonly log?: (line: string) => void;
}

/** Connection-level failures: the server is down, starting, stopping or unreachable. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(error.message);
}

/**
 * SQLSTATE classes that blame the data: data exceptions (22), integrity constraints (23),
 * program limits such as an index entry too large (54), and an exception raised by a trigger
 * (P0001). Lost connections, lack of room or rights, and conflicts between transactions are
 * not among them: those pass, and the same rows go through later.
 */
export function isRefusalError(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22|23|54)...$|^P0001$/.test(code);
}

/** host:port/database of a URL, for messages: never the user name or password. */
export function describeTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the configured PostgreSQL server';
  }
  const host = decodeURIComponent(parsed.hostname) || process.env.PGHOST || 'localhost';
  const port = parsed.port || process.env.PGPORT || '5432';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || process.env.PGDATABASE || '(default database)';
  return `${host}:${port}/${database}`;
}

/** The secrets a message must never carry: the URL's password and PGPASSWORD. */
function secretsOf(url: string): string[] {
  const found: string[] = [];
  try {
    const { password } = new URL(url);
    if (password) found.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: nothing to take from it.
  }
  if (process.env.PGPASSWORD) found.push(process.env.PGPASSWORD);
  return found.filter((secret) => secret.length > 0);
}

export class PostgresConnection {
  readonly pool: pg.Pool;
  readonly target: string;
  private readonly waitMs: number;
  private readonly secrets: string[];
  /** False from a failed attempt to connect until the next one that succeeds (the health view shows it). */
  reachable = true;

  constructor(options: PostgresOptions) {
    this.target = describeTarget(options.url);
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    this.secrets = secretsOf(options.url);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: this.waitMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'plant-event-console',
    });
    // A connection that breaks (server restart) emits 'error' on its client, checked out or idle; unheard, that would end
    // the process. The call using it fails on its own, and the pool drops the client.
    const broke = (error: Error) => options.log?.(`PostgreSQL store: a connection to ${this.target} broke (${this.reasonOf(error)}); the next call opens a new one`);
    this.pool.on('error', broke);
    this.pool.on('connect', (client) => client.on('error', broke));
  }

  /** The error's own words with any secret cut out. */
  reasonOf(error: unknown): string {
    let text = error instanceof Error ? error.message || String((error as { code?: unknown }).code ?? error.name) : String(error);
    for (const secret of this.secrets) text = text.split(secret).join('***');
    return text;
  }

  /** The error to hand a caller: connection failures as PostgresUnavailableError, others with secrets cut out. */
  wrap(error: unknown, what: string): Error {
    if (error instanceof PostgresUnavailableError) return error;
    if (isConnectionError(error)) {
      return new PostgresUnavailableError(`The PostgreSQL event store at ${this.target} cannot be reached (${this.reasonOf(error)}): ${what}.`);
    }
    if (isRefusalError(error)) {
      const reason = this.reasonOf(error);
      return new PostgresRefusedError(`The PostgreSQL event store at ${this.target} refused the request (${reason}): ${what}.`, reason);
    }
    if (!(error instanceof Error)) return new Error(this.reasonOf(error));
    const message = this.reasonOf(error);
    if (message === error.message) return error;
    const clean = new Error(message);
    clean.name = error.name;
    return clean;
  }

  /**
   * A connection whose session answers, waiting up to `waitMs` for an unreachable server.
   * `first` is the connection's first statement (e.g. BEGIN): a pooled connection the server
   * closed meanwhile fails there, and is replaced, before anything of the call was sent.
   */
  async connect(what: string, first?: string): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.waitMs;
    let pause = 50;
    for (;;) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        if (first !== undefined) await client.query(first);
        this.reachable = true;
        return client;
      } catch (error) {
        client?.release(error instanceof Error ? error : true);
        if (!isConnectionError(error)) throw this.wrap(error, what);
        this.reachable = false;
        if (Date.now() + pause >= deadline) throw this.wrap(error, `${what} (waited ${Math.round(this.waitMs / 1000)} s)`);
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 1_000);
      }
    }
  }

  /** One statement outside a transaction (reads): retried while the server cannot be reached, up to the wait. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: readonly unknown[] = [], what = 'the read failed'): Promise<pg.QueryResult<R>> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const client = await this.connect(what);
      try {
        const result = await client.query<R>(text, values as unknown[]);
        client.release();
        return result;
      } catch (error) {
        client.release(error instanceof Error ? error : true);
        if (!isConnectionError(error) || Date.now() >= deadline) throw this.wrap(error, what);
      }
    }
  }

  /**
   * Runs `work` in one transaction and commits. A connection lost inside it fails the call
   * (PostgreSQL rolls back what was not committed); it is not run again.
   */
  async transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.connect(what, begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(isConnectionError(error) ? (error as Error) : undefined);
      throw this.wrap(error, what);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
