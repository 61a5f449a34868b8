/**
 * A real PostgreSQL 15 server for the PostgreSQL store tests: Debian's binaries, a data
 * folder of its own in a temporary folder, listening on a free loopback port and a socket
 * folder of its own, stopped (fast) and removed at the end. One server per test file; each
 * test takes a database of its own (`createDatabase`), which is much faster than a server.
 *
 * initdb refuses to run as root (CI containers are root): there the server runs as the
 * `postgres` user on a folder handed to it.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const POSTGRES_MISSING =
  `PostgreSQL 15 is not installed (no ${BIN}/initdb): install the Debian package "postgresql" (apt-get install -y postgresql, as .ci/run does) to run the PostgreSQL store tests.`;

/** True when the server binaries are here; otherwise says so once on stderr, for the skipped tests. */
export function postgresAvailable(): boolean {
  const found = existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
  if (!found) console.warn(`skipped: ${POSTGRES_MISSING}`);
  return found;
}

/** The user the superuser role is named after, and who owns the test databases. */
export const SUPERUSER = 'plant';

export class PostgresServer {
  private databases = 0;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly asPostgres: boolean,
  ) {}

  static async start(): Promise<PostgresServer> {
    if (!existsSync(join(BIN, 'initdb'))) throw new Error(POSTGRES_MISSING);
    const dir = await mkdtemp(join(tmpdir(), 'postgres-test-'));
    const asPostgres = process.getuid?.() === 0;
    if (asPostgres) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
    }
    const server = new PostgresServer(dir, await freePort(), asPostgres);
    server.run('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', SUPERUSER, '--no-sync', '-E', 'UTF8', '--locale', 'C.UTF-8']);
    await server.resume();
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private run(tool: string, args: readonly string[]): void {
    const command = this.asPostgres ? 'runuser' : join(BIN, tool);
    const full = this.asPostgres ? ['-u', 'postgres', '--', join(BIN, tool), ...args] : [...args];
    const done = spawnSync(command, full, { encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`${tool} failed: ${done.stderr || done.stdout}`);
  }

  /** Starts the server (again) on the same port; returns once it accepts connections. */
  async resume(): Promise<void> {
    // fsync stays on (the default): the tests are about what a commit promises.
    const options = `-k ${this.dir} -p ${this.port} -c listen_addresses=127.0.0.1 -c max_connections=60`;
    this.run('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'log'), '-w', '-o', options, 'start']);
  }

  /**
   * Stops the server: `fast` closes the connections and writes a checkpoint; `immediate`
   * stops as a crash would (what was committed is replayed from the WAL at the next start).
   */
  async pause(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  /** A connection URL for `database` as the superuser (trust authentication on loopback). */
  url(database: string, user = SUPERUSER, password?: string): string {
    const who = password === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    return `postgres://${who}@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs SQL as the superuser on `database` (default: the server's `postgres` database). */
  async sql(text: string, database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** A new, empty database; its name. */
  async createDatabase(prefix = 'plant'): Promise<string> {
    const name = `${prefix}_${++this.databases}_${process.pid}`;
    await this.sql(`CREATE DATABASE ${name}`);
    return name;
  }

  async stop(): Promise<void> {
    try {
      // No checkpoint of every test database's pages: the folder is removed next.
      if (existsSync(join(this.dataDir, 'postmaster.pid'))) await this.pause('immediate');
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

function postgresUser(): { uid: number; gid: number } {
  const found = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (found.status !== 0 || group.status !== 0) throw new Error('there is no "postgres" user to run PostgreSQL as (the Debian package creates it)');
  return { uid: Number(found.stdout.trim()), gid: Number(group.stdout.trim()) };
}

/** One server for the calling suite: started before its tests (handed to `use`), stopped after them. */
export function serverForThisFile(use: (server: PostgresServer) => void): void {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await PostgresServer.start();
    use(server);
  }, 60_000);
  afterAll(async () => server?.stop(), 60_000);
}
