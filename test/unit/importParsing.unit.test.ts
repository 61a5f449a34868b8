import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../main/ingest/csvRecords';
import { readImportRecords } from '../../main/ingest/importReading';
import type { CsvRecord, ImportFormat, ImportRecord } from '../../shared/ingest/importRecords';
import { LineSplitter, type SplitLine } from '../../shared/ingest/lineSplitter';

const ID = '018f3a5c-1b2d-7abc-8def-0123456789ab';
const ID2 = '018f3a5c-1b2d-7abc-8def-0123456789ac';

async function* chunks(text: string, chunkSize: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += Math.max(1, chunkSize)) yield text.slice(i, i + chunkSize);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function readCsv(text: string, chunkSize = text.length, max = 10_000): Promise<CsvRecord[]> {
  return collect(readCsvRecords(chunks(text, chunkSize), max));
}

function split(text: string, chunkSize: number, max = 100): SplitLine[] {
  const splitter = new LineSplitter(max);
  const out: SplitLine[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...splitter.push(text.slice(i, i + chunkSize)));
  return [...out, ...splitter.end()];
}

async function parse(format: ImportFormat, text: string, chunkSize = text.length): Promise<ImportRecord[]> {
  return (await collect(readImportRecords(format, chunks(text, chunkSize)))).flat();
}

describe('line splitter', () => {
  it('given LF and CRLF lines in chunks of any size, then the same numbered lines come out', async () => {
    const text = '\uFEFFfirst\r\nsecond\n\nfourth';
    const expected = [
      { number: 1, text: 'first' },
      { number: 2, text: 'second' },
      { number: 3, text: '' },
      { number: 4, text: 'fourth' },
    ];
    for (let size = 1; size <= text.length; size++) expect(split(text, size)).toEqual(expected);
  });

  it('given a line over the limit, then it is reported with its length and not kept, and the next line is read', async () => {
    const text = `ok\n${'x'.repeat(250)}\nafter\n`;
    expect(split(text, 7)).toEqual([{ number: 1, text: 'ok' }, { number: 2, tooLong: 250 }, { number: 3, text: 'after' }]);
  });
});

describe('RFC 4180 reader', () => {
  const text = 'a,b,c\r\n"quoted, with comma","with ""quotes""","two\r\nlines"\r\nx,,\n\nlast,"",end';
  const expected = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['quoted, with comma', 'with "quotes"', 'two\r\nlines'] },
    { line: 4, fields: ['x', '', ''] },
    { line: 6, fields: ['last', '', 'end'] },
  ];

  it('given quoted fields, doubled quotes, line breaks in quotes and blank lines, then records and their lines are right in chunks of any size', async () => {
    for (let size = 1; size <= text.length; size++) expect(await readCsv(text, size)).toEqual(expected);
  });

  it('given a quote inside an unquoted field, then that record is reported and the next is read', async () => {
    for (let size = 1; size <= 20; size++) {
      expect(await readCsv('a,b"c,d\nok,1\r\ne,"f""g"\n', size)).toEqual([
        { line: 1, error: 'a quote inside an unquoted field (quote the whole field and double its quotes)' },
        { line: 2, fields: ['ok', '1'] },
        { line: 3, fields: ['e', 'f"g'] },
      ]);
    }
  });

  // csv-parse stays inside the quoted field after text that follows a closing quote, so
  // what comes next cannot be split reliably: reading stops there (the hand-written reader
  // skipped to the end of the line and went on).
  it('given text after a closing quote, then reading stops there with a fatal error', async () => {
    expect(await readCsv('a,b"c,d\n"x"y,z\nok,1\n')).toEqual([
      { line: 1, error: 'a quote inside an unquoted field (quote the whole field and double its quotes)' },
      { line: 2, error: 'text after the closing quote of a field; the rest of the file was not read', fatal: true },
    ]);
  });

  it('given LF, CRLF and CR mixed in one file, a BOM, and CRLFs inside quoted fields, then every record starts on its own line', async () => {
    const mixed = '\uFEFFh1,h2\r\n"a\r\nb",c\n\r\n"d\r\ne\r\nf",g\rlast,1';
    const records = [
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['a\r\nb', 'c'] },
      { line: 5, fields: ['d\r\ne\r\nf', 'g'] },
      { line: 8, fields: ['last', '1'] },
    ];
    for (let size = 1; size <= mixed.length; size++) expect(await readCsv(mixed, size)).toEqual(records);
  });

  it('given an unterminated quote, then reading stops with a fatal error naming where the record started', async () => {
    expect(await readCsv('ok,1\n"never closed,2\n3,4\n')).toEqual([
      { line: 1, fields: ['ok', '1'] },
      { line: 2, error: 'a quoted field is not closed before the end of the file', fatal: true },
    ]);
    const long = await readCsv(`ok\n"${'y'.repeat(500)}`, 64, 100);
    // csv-parse measures a record in bytes of UTF-8, so the limit is said in bytes.
    expect(long[1]).toMatchObject({ line: 2, fatal: true, error: expect.stringContaining('longer than 100 bytes (an unterminated quote?)') });
    expect(long).toHaveLength(2);
  });
});

describe('import records', () => {
  const event = { id: ID, type: 'equipment.status.changed', source: 'sim', timestamp: 1_714_550_400_000, payload: { equipmentId: 'p1', newStatus: 'down' }, priority: 'HIGH', status: 'PROCESSED', metadata: { shift: 'A' } };

  it('given an export line with seq, subject and hash fields, then the event is read without them, and the manifest is recognised', async () => {
    const lines = [
      JSON.stringify({ ...event, seq: 7, subject: 'p1', prevHash: 'aa', hash: 'bb', storeHash: 'cc' }),
      '',
      JSON.stringify({ manifest: { events: 1, exportedAt: 1 } }),
    ].join('\n');
    const records = await parse('ndjson', lines, 13);
    expect(records).toEqual([
      { kind: 'event', line: 1, event },
      { kind: 'manifest', line: 3, manifest: { events: 1, exportedAt: 1 } },
    ]);
  });

  it('given bad NDJSON lines, then each is an error naming its line and reason', async () => {
    const lines = [
      '{not json',
      '[1,2]',
      JSON.stringify({ ...event, id: 'nope' }),
      JSON.stringify({ ...event, id: ID2, priority: 'URGENT' }),
      JSON.stringify({ manifest: { a: 1 }, extra: true }),
      JSON.stringify({ manifest: {} }),
      JSON.stringify({ ...event, id: ID2 }),
    ].join('\n');
    const records = await parse('ndjson', lines);
    expect(records.map((r) => [r.line, r.kind === 'error' ? r.reason : r.kind])).toEqual([
      [1, expect.stringContaining('not valid JSON')],
      [2, 'must be a JSON object (one event per line)'],
      [3, 'id: must be a UUIDv7 in lowercase canonical form'],
      [4, 'priority: must be one of LOW, NORMAL, HIGH, CRITICAL'],
      [5, 'a manifest line must be {"manifest": {...}} and nothing else'],
      [6, 'manifest'],
      [7, 'comes after the manifest on line 6, which must be the last line'],
    ]);
  });

  it('given the export CSV columns, then rows become the same events as the NDJSON form', async () => {
    const header = 'id,seq,type,source,timestamp,priority,status,correlationId,causationId,subject,payload,metadata';
    const row = [ID, '7', event.type, event.source, String(event.timestamp), 'HIGH', 'PROCESSED', '', '', 'p1', `"${JSON.stringify(event.payload).replaceAll('"', '""')}"`, '"{""shift"":""A""}"'].join(',');
    const iso = [ID2, '8', event.type, event.source, '2024-05-01T08:00:00.000Z', '', '', 'order-1', ID, '', '{}', ''].join(',');
    const records = await parse('csv', `${header}\r\n${row}\r\n${iso}\r\n`, 5);
    expect(records).toEqual([
      { kind: 'event', line: 2, event },
      { kind: 'event', line: 3, event: { id: ID2, type: event.type, source: 'sim', timestamp: Date.UTC(2024, 4, 1, 8), payload: {}, priority: 'NORMAL', status: 'PUBLISHED', metadata: {}, correlationId: 'order-1', causationId: ID } },
    ]);
  });

  it('given bad CSV rows, then each is reported with its line; a bad header stops the file', async () => {
    const header = 'id,type,source,timestamp,payload';
    const rows = [`${ID},a.b,s,12,{}`, `${ID2},a.b,s,yesterday,{}`, `${ID2},a.b,s,12,{oops}`, `${ID2},a.b,s,12`, `${ID2},A,s,12,{}`].join('\n');
    expect((await parse('csv', `${header}\n${rows}`)).map((r) => [r.line, r.kind === 'error' ? r.reason : r.kind])).toEqual([
      [2, 'event'],
      [3, 'timestamp: must be milliseconds since the epoch or an ISO 8601 date-time'],
      [4, expect.stringMatching(/^payload: not valid JSON/)],
      [5, 'has 4 fields; the header has 5'],
      [6, 'type: must be two or more lowercase segments of [a-z0-9-] joined by dots'],
    ]);
    expect(await parse('csv', `id,type,source,timestmp,payload\n${ID},a.b,s,1,{}`)).toEqual([
      { kind: 'error', line: 1, reason: expect.stringMatching(/^header: column \d+ is not a known column /), fatal: true },
    ]);
    expect(await parse('csv', 'id,type,source\n')).toEqual([{ kind: 'error', line: 1, reason: 'header: missing columns timestamp, payload', fatal: true }]);
  });
});
