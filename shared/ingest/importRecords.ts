/**
 * Events from the lines of an import file. Two formats, both this application's exports:
 *
 * - NDJSON: one event per line in its canonical JSON form. Export-only fields (`seq`,
 *   `subject`, and the audit chain's `prevHash`, `hash`, `storeHash`) are accepted and left
 *   out: the store numbers events itself. A line `{"manifest": {...}}` is the export's
 *   manifest: it must be the last line and is returned as such, never as an event.
 * - CSV (RFC 4180, split into records by csv-parse in main/ingest/csvRecords.ts) with a header row naming the columns id, seq, type, source, timestamp,
 *   priority, status, correlationId, causationId, subject, payload, metadata (payload and
 *   metadata as JSON text; timestamp as milliseconds or ISO 8601). id, type, source,
 *   timestamp and payload are required; priority defaults to NORMAL, status to PUBLISHED,
 *   metadata to {}; empty correlationId or causationId cells mean none.
 *
 * Every line is validated with the event model's own `validatePlantEvent`; a bad line yields
 * `{ kind: 'error', line, reason }` and reading goes on.
 */
import type { JsonObject, PlantEvent } from '../events/event';
import { EventValidationError, validatePlantEvent } from '../events/validate';
import { LineSplitter } from './lineSplitter';
import { jsonSyntaxProblem } from '../events/jsonProblem';

export type ImportFormat = 'ndjson' | 'csv';

export type ImportRecord =
  | { readonly kind: 'event'; readonly line: number; readonly event: PlantEvent }
  | { readonly kind: 'manifest'; readonly line: number; readonly manifest: JsonObject }
  | { readonly kind: 'error'; readonly line: number; readonly reason: string; readonly fatal?: true };

/** A CSV record with the line it starts on, or why the text there is no record. */
export type CsvRecord =
  | { readonly line: number; readonly fields: string[] }
  | { readonly line: number; readonly error: string; readonly fatal?: true };

/** The longest line (or CSV record) read: two full-size JSON documents and room for the rest. */
export const MAX_IMPORT_LINE_CHARS = 2 * 1024 * 1024;
export const EXPORT_ONLY_FIELDS: readonly string[] = ['seq', 'subject', 'prevHash', 'hash', 'storeHash'];
export const CSV_COLUMNS = ['id', 'seq', 'type', 'source', 'timestamp', 'priority', 'status', 'correlationId', 'causationId', 'subject', 'payload', 'metadata'] as const;
const CSV_REQUIRED = ['id', 'type', 'source', 'timestamp', 'payload'];
const CSV_KNOWN: ReadonlySet<string> = new Set([...CSV_COLUMNS, 'prevHash', 'hash', 'storeHash']);

export interface ImportParser {
  push(chunk: string): ImportRecord[];
  end(): ImportRecord[];
}

/**
 * A parser for streamed NDJSON text; feed it chunks, then call `end`. (CSV text is split into
 * records by csv-parse where the file is read, main/ingest/csvRecords.ts, and each record
 * becomes an import record with `createCsvRecordReader`.)
 */
export function createImportParser(maxLineChars = MAX_IMPORT_LINE_CHARS): ImportParser {
  const inner = ndjsonParser(maxLineChars);
  let manifestLine = 0;
  // Nothing may follow the manifest: an event after it means the file was edited or joined.
  const order = (records: ImportRecord[]): ImportRecord[] =>
    records.map((record) => {
      if (manifestLine > 0 && record.kind !== 'error') {
        return { kind: 'error', line: record.line, reason: `comes after the manifest on line ${manifestLine}, which must be the last line` };
      }
      if (record.kind === 'manifest') manifestLine = record.line;
      return record;
    });
  return { push: (chunk) => order(inner.push(chunk)), end: () => order(inner.end()) };
}

/** One NDJSON line: an event, the manifest, an error, or null for a blank line. */
export function parseNdjsonLine(text: string, line: number): ImportRecord | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'error', line, reason: jsonSyntaxProblem(error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'error', line, reason: 'must be a JSON object (one event per line)' };
  }
  const fields = value as Record<string, unknown>;
  if (Object.hasOwn(fields, 'manifest')) {
    const manifest = fields.manifest;
    if (Object.keys(fields).length !== 1 || typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      return { kind: 'error', line, reason: 'a manifest line must be {"manifest": {...}} and nothing else' };
    }
    return { kind: 'manifest', line, manifest: manifest as JsonObject };
  }
  const candidate: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (!EXPORT_ONLY_FIELDS.includes(key)) candidate[key] = fields[key];
  return eventRecord(candidate, line);
}

function ndjsonParser(maxLineChars: number): ImportParser {
  const splitter = new LineSplitter(maxLineChars);
  const parse = (lines: ReturnType<LineSplitter['push']>): ImportRecord[] => {
    const out: ImportRecord[] = [];
    for (const entry of lines) {
      if ('tooLong' in entry) out.push({ kind: 'error', line: entry.number, reason: `line is longer than ${maxLineChars} characters` });
      else {
        const record = parseNdjsonLine(entry.text, entry.number);
        if (record) out.push(record);
      }
    }
    return out;
  };
  return { push: (chunk) => parse(splitter.push(chunk)), end: () => parse(splitter.end()) };
}

/** A CSV split into records, as import records: the first record is the header, and a bad header stops the file. */
export function createCsvRecordReader(): (record: CsvRecord) => ImportRecord | null {
  let columns: string[] | null = null;
  let headerError: string | null = null;
  return (record) => {
    if ('error' in record) return { kind: 'error', line: record.line, reason: record.error, ...(record.fatal ? { fatal: true as const } : {}) };
    if (columns !== null) return csvRecordToEvent(columns, record.fields, record.line);
    if (headerError !== null) return null;
    headerError = checkHeader(record.fields);
    if (headerError !== null) return { kind: 'error', line: record.line, reason: headerError, fatal: true };
    columns = record.fields;
    return null;
  };
}

/** Null when the header row is usable, else why not. */
export function checkHeader(names: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const [index, name] of names.entries()) {
    // Not quoted: the file may be anything, and its first line must not come back in a message.
    if (!CSV_KNOWN.has(name)) return `header: column ${index + 1} is not a known column (expected ${CSV_COLUMNS.join(', ')})`;
    if (seen.has(name)) return `header: column "${name}" appears twice`;
    seen.add(name);
  }
  const missing = CSV_REQUIRED.filter((name) => !seen.has(name));
  return missing.length === 0 ? null : `header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
}

/** One CSV data record (after the header) as an event or an error. */
export function csvRecordToEvent(columns: readonly string[], cells: readonly string[], line: number): ImportRecord {
  if (cells.length !== columns.length) {
    return { kind: 'error', line, reason: `has ${cells.length} fields; the header has ${columns.length}` };
  }
  const cell = new Map(columns.map((name, i) => [name, cells[i] as string]));
  const candidate: Record<string, unknown> = {
    id: cell.get('id'),
    type: cell.get('type'),
    source: cell.get('source'),
    priority: cell.get('priority') || 'NORMAL',
    status: cell.get('status') || 'PUBLISHED',
  };
  const timestamp = parseTimestamp(cell.get('timestamp') ?? '');
  if (timestamp === null) return { kind: 'error', line, reason: 'timestamp: must be milliseconds since the epoch or an ISO 8601 date-time' };
  candidate.timestamp = timestamp;
  for (const name of ['payload', 'metadata'] as const) {
    const raw = cell.get(name);
    if (raw === undefined || (name === 'metadata' && raw === '')) continue;
    try {
      candidate[name] = JSON.parse(raw);
    } catch (error) {
      return { kind: 'error', line, reason: `${name}: ${jsonSyntaxProblem(error)}` };
    }
  }
  for (const name of ['correlationId', 'causationId'] as const) {
    const raw = cell.get(name);
    if (raw !== undefined && raw !== '') candidate[name] = raw;
  }
  return eventRecord(candidate, line);
}

function parseTimestamp(raw: string): number | null {
  if (/^\d{1,16}$/.test(raw)) return Number(raw);
  if (/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
    const ms = Date.parse(raw);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

function eventRecord(candidate: Record<string, unknown>, line: number): ImportRecord {
  try {
    return { kind: 'event', line, event: validatePlantEvent(candidate) };
  } catch (error) {
    if (error instanceof EventValidationError) return { kind: 'error', line, reason: error.message };
    throw error;
  }
}
