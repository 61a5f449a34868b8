/**
 * The audit command line's arguments:
 *   verify FILE
 *   verify --data-dir DIR
 *   export --data-dir DIR --format ndjson|csv|pdf --out FILE [--bom] [filters]
 *   import FILE --data-dir DIR [--accept-broken]
 * Filters: --from T --to T (ISO 8601 or ms since the epoch), --types a.*,b.c (repeatable),
 * --subject S, --source S (repeatable), --priority P (repeatable), --correlation-id C, --text T.
 */
import { resolve } from 'node:path';
import { PRIORITIES } from '../../shared/events/event';
import type { ExportFilters } from '../../shared/audit/exportFormat';
import { compilePattern } from '../../shared/events/patterns';

export class AuditCliError extends Error {
  override readonly name = 'AuditCliError';
}

export type AuditCommand =
  | { readonly command: 'help' }
  | { readonly command: 'verify-file'; readonly file: string }
  | { readonly command: 'verify-store'; readonly dataDir: string }
  | { readonly command: 'export'; readonly dataDir: string; readonly format: 'ndjson' | 'csv' | 'pdf'; readonly out: string; readonly bom: boolean; readonly overwrite: boolean; readonly filters: ExportFilters }
  | { readonly command: 'import'; readonly dataDir: string; readonly file: string; readonly acceptBroken: boolean }
  | { readonly command: 'backup'; readonly dataDir: string; readonly out: string }
  | { readonly command: 'restore'; readonly dataDir: string; readonly file: string }
  | { readonly command: 'prune-journal'; readonly dataDir: string; readonly coveredBy: string };

export const AUDIT_USAGE = `Usage:
  npm run audit -- verify FILE                 check an NDJSON export (exit 0 intact, 1 broken)
  npm run audit -- verify --data-dir DIR       check the hash chain of a data folder's event store
  npm run audit -- export --data-dir DIR --format ndjson|csv|pdf --out FILE [--bom] [--overwrite] [filters]
  npm run audit -- import FILE --data-dir DIR [--accept-broken]
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
  if (!Number.isFinite(ms)) throw new AuditCliError(`${flag}: an ISO 8601 time (2024-05-01T08:00:00Z) or milliseconds since the epoch, not "${text}"`);
  return ms;
}

const VALUE_FLAGS = new Set(['--data-dir', '--covered-by', '--format', '--out', '--from', '--to', '--types', '--subject', '--source', '--priority', '--correlation-id', '--text']);
const SWITCHES = new Set(['--bom', '--overwrite', '--accept-broken', '--help', '-h']);

export function parseAuditArgs(argv: readonly string[]): AuditCommand {
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (SWITCHES.has(flag) && inline === undefined) switches.add(flag);
    else if (VALUE_FLAGS.has(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new AuditCliError(`${flag}: needs a value`);
      values.set(flag, [...(values.get(flag) ?? []), value]);
    } else throw new AuditCliError(`unknown option "${arg}"\n${AUDIT_USAGE}`);
  }
  if (switches.has('--help') || switches.has('-h') || positional.length === 0) return { command: 'help' };
  const [command, ...rest] = positional;
  const one = (flag: string): string | undefined => {
    const given = values.get(flag);
    if (given && given.length > 1) throw new AuditCliError(`${flag}: given more than once`);
    return given?.[0];
  };
  const many = (flag: string) => (values.get(flag) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const allowOnly = (allowed: readonly string[], what: string) => {
    for (const flag of [...values.keys(), ...switches]) if (!allowed.includes(flag)) throw new AuditCliError(`${flag}: not an option of "${what}"`);
  };
  const dataDir = () => {
    const dir = one('--data-dir');
    if (!dir) throw new AuditCliError(`${command}: --data-dir DIR is required`);
    return resolve(dir);
  };

  if (command === 'verify') {
    if (rest.length > 1) throw new AuditCliError('verify: give one FILE, or --data-dir DIR');
    if (rest.length === 1) {
      if (values.has('--data-dir')) throw new AuditCliError('verify: give a FILE or --data-dir DIR, not both');
      allowOnly([], 'verify FILE');
      return { command: 'verify-file', file: resolve(rest[0]!) };
    }
    allowOnly(['--data-dir'], 'verify --data-dir');
    return { command: 'verify-store', dataDir: dataDir() };
  }
  if (command === 'import') {
    if (rest.length !== 1) throw new AuditCliError('import: give exactly one FILE');
    allowOnly(['--data-dir', '--accept-broken'], 'import');
    return { command: 'import', dataDir: dataDir(), file: resolve(rest[0]!), acceptBroken: switches.has('--accept-broken') };
  }
  if (command === 'export') {
    if (rest.length > 0) throw new AuditCliError(`export: unexpected argument "${rest[0]}" (give the target with --out FILE)`);
    const format = one('--format');
    if (format !== 'ndjson' && format !== 'csv' && format !== 'pdf') throw new AuditCliError(`--format: ndjson, csv or pdf${format ? `, not "${format}"` : ' is required'}`);
    const out = one('--out');
    if (!out) throw new AuditCliError('export: --out FILE is required');
    const bom = switches.has('--bom');
    if (bom && format !== 'csv') throw new AuditCliError('--bom: only for --format csv');
    if (switches.has('--accept-broken')) throw new AuditCliError('--accept-broken: not an option of "export"');
    return { command: 'export', dataDir: dataDir(), format, out: resolve(out), bom, overwrite: switches.has('--overwrite'), filters: parseFilters(one, many) };
  }
  const durability = parseDurabilityCommand(command ?? '', rest, { one, allowOnly, dataDir });
  if (durability) return durability;
  throw new AuditCliError(`unknown command "${command}"\n${AUDIT_USAGE}`);
}

function parseFilters(one: (flag: string) => string | undefined, many: (flag: string) => string[]): ExportFilters {
  const filters: { -readonly [K in keyof ExportFilters]: ExportFilters[K] } = {};
  const from = one('--from');
  const to = one('--to');
  if (from !== undefined) filters.from = parseTime(from, '--from');
  if (to !== undefined) filters.to = parseTime(to, '--to');
  if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to) throw new AuditCliError('--from: must not be after --to');
  const types = many('--types');
  for (const pattern of types) {
    try {
      compilePattern(pattern);
    } catch (error) {
      throw new AuditCliError(`--types: "${pattern}" is not a type pattern (${(error as Error).message})`);
    }
  }
  if (types.length) filters.types = types;
  const sources = many('--source');
  if (sources.length) filters.sources = sources;
  const priorities = many('--priority').map((p) => p.toUpperCase());
  for (const p of priorities) if (!(PRIORITIES as readonly string[]).includes(p)) throw new AuditCliError(`--priority: one of ${PRIORITIES.join(', ')}, not "${p}"`);
  if (priorities.length) filters.priorities = priorities;
  const subject = one('--subject');
  if (subject !== undefined) filters.subject = subject;
  const correlationId = one('--correlation-id');
  if (correlationId !== undefined) filters.correlationId = correlationId;
  const text = one('--text');
  if (text !== undefined) filters.text = text;
  return filters;
}

interface ArgReaders {
  one(flag: string): string | undefined;
  allowOnly(allowed: readonly string[], what: string): void;
  dataDir(): string;
}

/** backup, restore and prune-journal (main/audit/journalCommands.ts), or undefined for another command. */
function parseDurabilityCommand(command: string, rest: readonly string[], args: ArgReaders): AuditCommand | undefined {
  if (command === 'backup') {
    if (rest.length > 0) throw new AuditCliError(`backup: unexpected argument "${rest[0]}" (give the target with --out FILE)`);
    args.allowOnly(['--data-dir', '--out'], 'backup');
    const out = args.one('--out');
    if (!out) throw new AuditCliError('backup: --out FILE is required');
    return { command: 'backup', dataDir: args.dataDir(), out: resolve(out) };
  }
  if (command === 'restore') {
    if (rest.length !== 1) throw new AuditCliError('restore: give exactly one FILE (a backup)');
    args.allowOnly(['--data-dir'], 'restore');
    return { command: 'restore', dataDir: args.dataDir(), file: resolve(rest[0]!) };
  }
  if (command === 'prune-journal') {
    if (rest.length > 0) throw new AuditCliError(`prune-journal: unexpected argument "${rest[0]}"`);
    args.allowOnly(['--data-dir', '--covered-by'], 'prune-journal');
    const coveredBy = args.one('--covered-by');
    if (!coveredBy) throw new AuditCliError('prune-journal: --covered-by EXPORT is required (an unfiltered NDJSON export that holds the segments to remove)');
    return { command: 'prune-journal', dataDir: args.dataDir(), coveredBy: resolve(coveredBy) };
  }
  return undefined;
}
