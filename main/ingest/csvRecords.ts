/**
 * The records of a CSV import file, read with csv-parse as the file streams in (RFC 4180:
 * quoted fields with doubled quotes and line breaks; records end with CRLF, LF or CR, mixed
 * in one file too; a UTF-8 BOM is skipped; blank lines are no record). Each record comes
 * with the line it starts on.
 *
 * csv-parse lives here rather than in shared/: its Node entry builds on `stream`, and its
 * browser build carries a Buffer and stream polyfill; the file is only ever read by the host.
 *
 * Where csv-parse goes its own way, this file decides:
 * - A quote inside an unquoted field: that record is reported and reading goes on.
 * - Text after a closing quote: csv-parse stays inside the quoted field, so nothing after it
 *   can be split reliably; it is fatal (the old reader skipped to the end of the line).
 * - An unclosed quote at the end of the file, or a record over the limit: fatal, named at
 *   the line after the last record read (the old reader named the record's first line).
 * - csv-parse counts a CRLF inside a quoted field as two lines; the count is corrected here.
 * - The limit is in bytes of UTF-8 (csv-parse's measure), not in characters.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { CsvRecord } from '../../shared/ingest/importRecords';

interface Problem {
  /** csv-parse's line count where it found the problem. */
  readonly parserLine: number;
  readonly code: string;
}

const FATAL = new Set(['CSV_INVALID_CLOSING_QUOTE', 'CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

function reasonFor(code: string, maxRecordBytes: number): string {
  if (code === 'INVALID_OPENING_QUOTE') return 'a quote inside an unquoted field (quote the whole field and double its quotes)';
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'text after the closing quote of a field; the rest of the file was not read';
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is not closed before the end of the file';
  if (code === 'CSV_MAX_RECORD_SIZE') return `record is longer than ${maxRecordBytes} bytes (an unterminated quote?); the rest of the file was not read`;
  // Not csv-parse's message: it quotes the file's content.
  return `the record is not valid CSV (${code})`;
}

const breaks = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** Records of the streamed text, in file order, until the end or the first fatal problem. */
export async function* readCsvRecords(texts: AsyncIterable<string>, maxRecordBytes: number): AsyncGenerator<CsvRecord> {
  const problems: Problem[] = [];
  const parser = parse({
    bom: true,
    max_record_size: maxRecordBytes,
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (error: CsvError | undefined) => {
      // csv-parse's errors carry the parse context, `lines` among it.
      if (error) problems.push({ parserLine: Number(error.lines), code: error.code });
      return undefined;
    },
  });
  const input = Readable.from(texts);
  input.once('error', (error) => parser.destroy(error));
  input.pipe(parser);
  // A CRLF inside a quoted field counts as two of csv-parse's lines: the excess so far.
  let excess = 0;
  let lastLine = 0;
  const problem = (next: Problem): CsvRecord => {
    const fatal = FATAL.has(next.code);
    const line = fatal ? lastLine + 1 : next.parserLine - excess;
    lastLine = Math.max(lastLine, line);
    return { line, error: reasonFor(next.code, maxRecordBytes), ...(fatal ? { fatal: true as const } : {}) };
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const joined = record.join('');
      const parserStart = info.lines - breaks(joined, /[\r\n]/g);
      // Problems found before this record started come first (csv-parse reports them at once, records later).
      while (problems.length > 0 && problems[0]!.parserLine < parserStart) {
        const next = problem(problems.shift()!);
        yield next;
        if ('fatal' in next) return;
      }
      lastLine = Math.max(lastLine, info.lines - excess - breaks(joined, /\r\n/g));
      yield { line: parserStart - excess, fields: record };
      excess += breaks(joined, /\r\n/g);
    }
    for (const next of problems.splice(0)) {
      const read = problem(next);
      yield read;
      if ('fatal' in read) return;
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
}
