/**
 * The CSV audit export (RFC 4180): a header row, then one row per event, with CRLF line
 * breaks. Columns: the importer's (shared/ingest/importRecords.ts) — id, seq, type, source,
 * timestamp, priority, status, correlationId, causationId, subject, payload, metadata — and
 * storeHash, prevHash, hash: the same export chain as the NDJSON export (the hashes of a CSV
 * and an NDJSON export of the same events are equal). payload and metadata are canonical JSON.
 *
 * Cells: quoted with `"` (and inner quotes doubled) when they hold a comma, a quote, CR or LF.
 * Against formula injection in spreadsheet programs, a cell that begins with `=`, `+`, `-`,
 * `@` (or their full-width forms `＝＋－＠`, which some spreadsheets read the same), a tab or
 * CR, or with blanks (space, tab, CR, LF, no-break space, byte-order mark) before a formula
 * character, gets a leading apostrophe `'` (spreadsheets skip such blanks); so that this
 * stays reversible, a cell that begins with an apostrophe gets one more. `csvCellValue` undoes it (strip one leading `'`).
 * The text is UTF-8; `CSV_BOM` may be written first for spreadsheet programs.
 */
import type { StoredEvent } from '../events/event';
import { CSV_COLUMNS } from '../ingest/importRecords';
import { canonicalJson } from './canonical';

export const CSV_EXPORT_COLUMNS: readonly string[] = [...CSV_COLUMNS, 'storeHash', 'prevHash', 'hash'];
export const CSV_BOM = '\ufeff';
const FORMULA_START = /^(?:[=+\-@\t\r'\uff1d\uff0b\uff0d\uff20]|[ \t\r\n\u00a0\ufeff]+[=+\-@\uff1d\uff0b\uff0d\uff20])/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell's text as written: neutralised against formulas, quoted when needed. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The value a neutralised cell (as a CSV parser returns it) stands for. */
export function csvCellValue(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvRow(CSV_EXPORT_COLUMNS);
}

/** The cell values of one event's row (before neutralising and quoting), in column order. */
export function csvValuesOf(event: StoredEvent, prevHash: string, hash: string): string[] {
  return [
    event.id,
    String(event.seq),
    event.type,
    event.source,
    String(event.timestamp),
    event.priority,
    event.status,
    event.correlationId ?? '',
    event.causationId ?? '',
    event.subject ?? '',
    canonicalJson(event.payload),
    canonicalJson(event.metadata),
    event.hash ?? '',
    prevHash,
    hash,
  ];
}

/** One event's CSV row, with the export chain's hashes of its line. */
export function csvRowOf(event: StoredEvent, prevHash: string, hash: string): string {
  return csvRow(csvValuesOf(event, prevHash, hash));
}
