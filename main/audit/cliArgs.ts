/**
 * The audit command line's arguments:
 *   verify FILE
 *   verify --data-dir DIR
 *   export --data-dir DIR --format ndjson|csv|cloudevents|cloudevents-batch|pdf --out FILE [--bom] [filters]
 *   import FILE --data-dir DIR [--accept-broken]
 * Filters: --from T --to T (ISO 8601 or ms since the epoch), --types a.*,b.c (repeatable),
 * --subject S, --source S (repeatable), --priority P (repeatable), --correlation-id C, --text T.
 */
import { resolve } from 'node:path';
import { PRIORITIES } from '../../shared/events/event';
import type { ExportFilters } from '../../shared/audit/exportFormat';
import { TEXT_EXPORT_FORMATS, type TextExportFormat } from '../../shared/audit/results';

const EXPORT_FORMATS: readonly (TextExportFormat | 'pdf')[] = [...TEXT_EXPORT_FORMATS, 'pdf'];
import { compilePattern } from '../../shared/events/patterns';
import { readCommandLine, UsageError, type OptionTable } from '../cli/commandLine';
import { STORE_OPTIONS, storeUrlFromArgs } from '../store/postgres/storeOption';

/** Where the audit command writes: its results, and its refusals and errors. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export type AuditCommand =
  | { readonly command: 'help' }
  | { readonly command: 'verify-file'; readonly file: string }
  | ({ readonly command: 'verify-store' } & StoreLocation)
  | ({ readonly command: 'export'; readonly format: TextExportFormat | 'pdf'; readonly out: string; readonly bom: boolean; readonly overwrite: boolean; readonly filters: ExportFilters } & StoreLocation)
  | { readonly command: 'import'; readonly dataDir: string; readonly store?: undefined; readonly file: string; readonly acceptBroken: boolean }
  | { readonly command: 'backup'; readonly dataDir: string; readonly out: string }
  | { readonly command: 'restore'; readonly dataDir: string; readonly file: string }
  | { readonly command: 'prune-journal'; readonly dataDir: string; readonly coveredBy: string };

/** A data folder's store, or with `--store postgres://…` a PostgreSQL store (verify and export only). */
export type StoreLocation = { readonly dataDir: string; readonly store?: undefined } | { readonly store: string; readonly dataDir?: undefined };

export const AUDIT_USAGE = `Usage:
  npm run audit -- verify FILE                 check an NDJSON export (exit 0 intact, 1 broken)
  npm run audit -- verify --data-dir DIR       check the hash chain of a data folder's event store
  npm run audit -- verify --store URL          the same for a PostgreSQL event store (postgres://USER@HOST:PORT/DATABASE)
  npm run audit -- export --data-dir DIR|--store URL --format ndjson|csv|cloudevents|cloudevents-batch|pdf --out FILE [--bom] [--overwrite] [filters]
  npm run audit -- import FILE --data-dir DIR [--accept-broken]   (an NDJSON export, or CloudEvents: NDJSON or a batch)
  npm run audit -- backup --data-dir DIR --out FILE     a verified NDJSON copy of the history (also while the app runs)
  npm run audit -- restore FILE --data-dir DIR          a backup back as the folder's history (the old one is kept aside)
  npm run audit -- prune-journal --data-dir DIR --covered-by EXPORT   remove journal segments an unfiltered export holds
Filters: --from TIME --to TIME (ISO 8601 or ms since the epoch), --types PATTERN[,PATTERN],
  --subject ID, --source NAME, --priority LOW|NORMAL|HIGH|CRITICAL, --correlation-id ID, --text TEXT
  (--types, --source and --priority may be repeated). --bom: CSV only, start with a UTF-8 BOM.
  --overwrite: replace FILE if it exists (without it, an existing FILE is refused).`;

function parseTime(text: string, flag: string): number {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`${flag}: an ISO 8601 time (2024-05-01T08:00:00Z) or milliseconds since the epoch, not "${text}"`);
  return ms;
}

/** The options of `npm run audit`; a feature with options of its own spreads its table in here. */
export const AUDIT_OPTIONS = {
  'data-dir': { type: 'string' },
  'covered-by': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  types: { type: 'string', multiple: true },
  subject: { type: 'string' },
  source: { type: 'string', multiple: true },
  priority: { type: 'string', multiple: true },
  'correlation-id': { type: 'string' },
  text: { type: 'string' },
  bom: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  'accept-broken': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...STORE_OPTIONS,
} as const satisfies OptionTable;

type AuditValues = ReturnType<typeof readCommandLine<typeof AUDIT_OPTIONS>>['values'];

export function parseAuditArgs(argv: readonly string[]): AuditCommand {
  const { values, positionals, given } = readCommandLine(argv, AUDIT_OPTIONS, { allowPositionals: true, usage: AUDIT_USAGE });
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...rest] = positionals;
  const allowOnly = (allowed: readonly string[], what: string) => {
    for (const flag of given) if (!allowed.includes(flag)) throw new UsageError(`${flag}: not an option of "${what}"`);
  };
  const dataDir = () => {
    const dir = values['data-dir'];
    if (!dir) throw new UsageError(`${command}: --data-dir DIR is required`);
    return resolve(dir);
  };
  const location = (): StoreLocation => {
    const store = storeUrlFromArgs(values);
    if (store === undefined) return { dataDir: dataDir() };
    if (values['data-dir'] !== undefined) throw new UsageError(`${command}: give --data-dir DIR or --store URL, not both`);
    return { store };
  };

  if (command === 'verify') {
    if (rest.length > 1) throw new UsageError('verify: give one FILE, or --data-dir DIR');
    if (rest.length === 1) {
      if (values['data-dir'] !== undefined) throw new UsageError('verify: give a FILE or --data-dir DIR, not both');
      allowOnly([], 'verify FILE');
      return { command: 'verify-file', file: resolve(rest[0]!) };
    }
    allowOnly(['--data-dir', '--store'], 'verify --data-dir');
    return { command: 'verify-store', ...location() };
  }
  if (command === 'import') {
    if (rest.length !== 1) throw new UsageError('import: give exactly one FILE');
    allowOnly(['--data-dir', '--accept-broken'], 'import');
    return { command: 'import', dataDir: dataDir(), file: resolve(rest[0]!), acceptBroken: values['accept-broken'] === true };
  }
  if (command === 'export') {
    if (rest.length > 0) throw new UsageError(`export: unexpected argument "${rest[0]}" (give the target with --out FILE)`);
    const format = values.format;
    if (!EXPORT_FORMATS.includes(format as TextExportFormat | 'pdf')) throw new UsageError(`--format: ${EXPORT_FORMATS.join(', ')}${format ? `, not "${format}"` : ' is required'}`);
    const out = values.out;
    if (!out) throw new UsageError('export: --out FILE is required');
    const bom = values.bom === true;
    if (bom && format !== 'csv') throw new UsageError('--bom: only for --format csv');
    if (values['accept-broken']) throw new UsageError('--accept-broken: not an option of "export"');
    return { command: 'export', ...location(), format: format as TextExportFormat | 'pdf', out: resolve(out), bom, overwrite: values.overwrite === true, filters: parseFilters(values) };
  }
  const durability = parseDurabilityCommand(command ?? '', rest, { values, allowOnly, dataDir });
  if (durability) return durability;
  throw new UsageError(`unknown command "${command}"\n${AUDIT_USAGE}`);
}

/** Repeated values, each of which may also be a comma-separated list. */
const many = (given: readonly string[] | undefined) => (given ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

function parseFilters(values: AuditValues): ExportFilters {
  const filters: { -readonly [K in keyof ExportFilters]: ExportFilters[K] } = {};
  const { from, to } = values;
  if (from !== undefined) filters.from = parseTime(from, '--from');
  if (to !== undefined) filters.to = parseTime(to, '--to');
  if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to) throw new UsageError('--from: must not be after --to');
  const types = many(values.types);
  for (const pattern of types) {
    try {
      compilePattern(pattern);
    } catch (error) {
      throw new UsageError(`--types: "${pattern}" is not a type pattern (${(error as Error).message})`);
    }
  }
  if (types.length) filters.types = types;
  const sources = many(values.source);
  if (sources.length) filters.sources = sources;
  const priorities = many(values.priority).map((p) => p.toUpperCase());
  for (const p of priorities) if (!(PRIORITIES as readonly string[]).includes(p)) throw new UsageError(`--priority: one of ${PRIORITIES.join(', ')}, not "${p}"`);
  if (priorities.length) filters.priorities = priorities;
  if (values.subject !== undefined) filters.subject = values.subject;
  if (values['correlation-id'] !== undefined) filters.correlationId = values['correlation-id'];
  if (values.text !== undefined) filters.text = values.text;
  return filters;
}

interface ArgReaders {
  readonly values: AuditValues;
  allowOnly(allowed: readonly string[], what: string): void;
  dataDir(): string;
}

/** backup, restore and prune-journal (main/audit/journalCommands.ts), or undefined for another command. */
function parseDurabilityCommand(command: string, rest: readonly string[], args: ArgReaders): AuditCommand | undefined {
  if (command === 'backup') {
    if (rest.length > 0) throw new UsageError(`backup: unexpected argument "${rest[0]}" (give the target with --out FILE)`);
    args.allowOnly(['--data-dir', '--out'], 'backup');
    const out = args.values.out;
    if (!out) throw new UsageError('backup: --out FILE is required');
    return { command: 'backup', dataDir: args.dataDir(), out: resolve(out) };
  }
  if (command === 'restore') {
    if (rest.length !== 1) throw new UsageError('restore: give exactly one FILE (a backup)');
    args.allowOnly(['--data-dir'], 'restore');
    return { command: 'restore', dataDir: args.dataDir(), file: resolve(rest[0]!) };
  }
  if (command === 'prune-journal') {
    if (rest.length > 0) throw new UsageError(`prune-journal: unexpected argument "${rest[0]}"`);
    args.allowOnly(['--data-dir', '--covered-by'], 'prune-journal');
    const coveredBy = args.values['covered-by'];
    if (!coveredBy) throw new UsageError('prune-journal: --covered-by EXPORT is required (an unfiltered NDJSON export that holds the segments to remove)');
    return { command: 'prune-journal', dataDir: args.dataDir(), coveredBy: resolve(coveredBy) };
  }
  return undefined;
}
