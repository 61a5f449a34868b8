/**
 * Import records from the streamed text of a file: NDJSON split into lines here, CSV split
 * into records by csv-parse; both then checked line by line by shared/ingest/importRecords.ts.
 */
import { createCsvRecordReader, createImportParser, MAX_IMPORT_LINE_CHARS, type ImportFormat, type ImportRecord } from '../../shared/ingest/importRecords';
import { readCsvRecords } from './csvRecords';

/** Records in file order, in batches, until the text ends (or, for CSV, the first fatal problem). */
export async function* readImportRecords(format: ImportFormat, texts: AsyncIterable<string>, maxRecordSize = MAX_IMPORT_LINE_CHARS): AsyncGenerator<ImportRecord[]> {
  if (format === 'ndjson') {
    const parser = createImportParser(maxRecordSize);
    for await (const text of texts) yield parser.push(text);
    yield parser.end();
    return;
  }
  const toImport = createCsvRecordReader();
  for await (const record of readCsvRecords(texts, maxRecordSize)) {
    const read = toImport(record);
    if (read) yield [read];
  }
}
