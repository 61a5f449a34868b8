/**
 * Verifying an NDJSON audit export on disk, streamed: the file is read in 1 MB chunks and
 * split into lines at "\n" bytes (a byte that never occurs inside a multi-byte UTF-8
 * character), and each run of complete lines is decoded strictly, so that bytes that are not
 * UTF-8 are reported at their line. Memory stays bounded by a chunk and the longest line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../../shared/api/errors';
import { CSV_BOM, csvHeader } from '../../shared/audit/csvWriter';
import { ExportVerifier, type ExportVerdict } from '../../shared/audit/exportVerifier';

/** The file is an export of another kind (CSV, PDF): there is no NDJSON chain to check, and it is not broken either. */
export class NotNdjsonExportError extends InputError {
  override name = 'NotNdjsonExportError';
}

const PDF_MAGIC = '%PDF-';
const CSV_START = csvHeader().slice(0, csvHeader().indexOf(','));

/** Refuses a CSV export or a PDF report in one sentence, from the file's first bytes. */
async function refuseOtherFormats(path: string): Promise<void> {
  const handle = await open(path, 'r');
  let head: string;
  try {
    const bytes = Buffer.alloc(64);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    head = bytes.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  if (head.startsWith(PDF_MAGIC)) {
    throw new NotNdjsonExportError('this is a PDF report: it carries no hash chain to verify; only NDJSON exports can be verified (export the same events as NDJSON)');
  }
  const text = head.startsWith(CSV_BOM) ? head.slice(CSV_BOM.length) : head;
  if (text.startsWith(`${CSV_START},`)) {
    throw new NotNdjsonExportError('this is a CSV export: only NDJSON exports, which end with their manifest, can be verified (export the same events as NDJSON)');
  }
}

export interface VerifyFileOptions {
  readonly signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far. */
  readonly onProgress?: (bytesRead: number) => void;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Feeds the complete lines in `bytes` (which ends just after a "\n") to the verifier. */
function feedLines(verifier: ExportVerifier, bytes: Buffer, firstLine: number): number {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    return feedLinesOneByOne(verifier, bytes, firstLine);
  }
  let start = 0;
  let line = firstLine;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    verifier.push(text.slice(start, end));
    if (verifier.failed) break;
    start = end + 1;
    line += 1;
  }
  return line;
}

/** The slow path, when a run holds bytes that are not UTF-8: find the line they are on. */
function feedLinesOneByOne(verifier: ExportVerifier, bytes: Buffer, firstLine: number): number {
  let start = 0;
  let line = firstLine;
  while (start < bytes.length && !verifier.failed) {
    const end = bytes.indexOf(10, start);
    try {
      verifier.push(strict.decode(bytes.subarray(start, end)));
    } catch {
      verifier.fail(line, 'not valid UTF-8 text: the line was changed');
    }
    start = end + 1;
    line += 1;
  }
  return line;
}

/** Verifies an NDJSON export; throws NotNdjsonExportError for a CSV export or a PDF report. */
export async function verifyExportFile(path: string, options: VerifyFileOptions = {}): Promise<ExportVerdict> {
  await refuseOtherFormats(path);
  const verifier = new ExportVerifier();
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    options.signal?.throwIfAborted();
    bytesRead += chunk.length;
    const lastBreak = chunk.lastIndexOf(10);
    if (lastBreak < 0) {
      carry = Buffer.concat([carry, chunk]);
      continue;
    }
    const complete = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, lastBreak + 1)]) : chunk.subarray(0, lastBreak + 1);
    line = feedLines(verifier, complete, line);
    carry = Buffer.from(chunk.subarray(lastBreak + 1));
    options.onProgress?.(bytesRead);
    if (verifier.failed) return verifier.end();
  }
  if (carry.length > 0) {
    // The last line has no "\n": the export always ends one, so the file was cut or edited.
    try {
      verifier.push(strict.decode(carry));
    } catch {
      verifier.fail(line, 'not valid UTF-8 text: the line was changed');
    }
    if (!verifier.failed) verifier.fail(line, 'the last line does not end with a line break: the file was cut short or edited');
  }
  return verifier.end();
}
