/**
 * Reading a CloudEvents file for the audit import: NDJSON of CloudEvents (one per line) or a
 * JSON batch (one array). Each CloudEvent is turned back into the NDJSON export line it
 * stands for (shared/audit/cloudEvents.ts) and written to a private temporary file, which the
 * audit import then verifies and imports like any NDJSON export. A CloudEvent that is not well
 * formed refuses the whole file with one sentence naming its line (or its place in the batch);
 * nothing is stored then.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/api/errors';
import { canonicalJson } from '../../shared/audit/canonical';
import { CloudEventError, exportLineOfCloudEvent } from '../../shared/audit/cloudEvents';
import { LineSplitter } from '../../shared/ingest/lineSplitter';
import { MAX_IMPORT_LINE_CHARS } from '../../shared/ingest/importRecords';

/** A batch is parsed whole, so its size is bounded. */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** What the file's first characters say: a CloudEvents batch, CloudEvents NDJSON, or neither. */
export async function cloudEventsKind(path: string): Promise<'batch' | 'ndjson' | null> {
  const handle = await open(path, 'r');
  let head: string;
  try {
    const bytes = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    head = bytes.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, '').trimStart();
  } finally {
    await handle.close();
  }
  if (head.startsWith('[')) return 'batch';
  // An NDJSON export's lines are canonical JSON (sorted keys), so a payload that mentions specversion does not count: only a top-level attribute does.
  if (/^\{\s*"specversion"\s*:/.test(head)) return 'ndjson';
  const newline = head.indexOf('\n');
  if (newline < 0) return null;
  try {
    const first: unknown = JSON.parse(head.slice(0, newline));
    return typeof first === 'object' && first !== null && 'specversion' in first ? 'ndjson' : null;
  } catch {
    return null;
  }
}

function lineText(candidate: unknown, where: string): string {
  try {
    return canonicalJson(exportLineOfCloudEvent(candidate));
  } catch (error) {
    if (error instanceof CloudEventError) throw new InputError(`${where}: ${error.message}`);
    throw new InputError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parsed(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${where}: not valid JSON`);
  }
}

async function* ndjsonLines(path: string): AsyncGenerator<string> {
  const splitter = new LineSplitter(MAX_IMPORT_LINE_CHARS);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const take = function* (lines: ReturnType<LineSplitter['push']>) {
    for (const line of lines) {
      const where = `line ${line.number}`;
      if ('tooLong' in line) throw new InputError(`${where}: longer than ${MAX_IMPORT_LINE_CHARS} characters`);
      if (line.text.trim() !== '') yield lineText(parsed(line.text, where), where);
    }
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) yield* take(splitter.push(decoder.decode(chunk, { stream: true })));
    yield* take(splitter.push(decoder.decode()));
  } catch (error) {
    if (error instanceof TypeError) throw new InputError('the file is not valid UTF-8 text');
    throw error;
  }
  yield* take(splitter.end());
}

async function* batchLines(path: string): AsyncGenerator<string> {
  const { size } = await stat(path);
  if (size > MAX_BATCH_BYTES) throw new InputError(`a CloudEvents batch is read whole and may be at most ${MAX_BATCH_BYTES / 1024 / 1024} MB; this one has ${Math.ceil(size / 1024 / 1024)} MB (export it as cloudevents NDJSON instead)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch {
    throw new InputError('the file is not valid UTF-8 text');
  }
  const batch = parsed(text.replace(/^\ufeff/, ''), 'the batch');
  if (!Array.isArray(batch)) throw new InputError('the batch: must be a JSON array of CloudEvents');
  for (let i = 0; i < batch.length; i++) yield lineText(batch[i], `event ${i + 1} of the batch`);
}

/**
 * The CloudEvents file as an NDJSON export in a private temporary folder; `cleanup` removes
 * it. Throws InputError naming the first CloudEvent that is not well formed.
 */
export async function cloudEventsAsExport(path: string, kind: 'batch' | 'ndjson'): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'plant-cloudevents-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'export.ndjson');
  try {
    const lines: string[] = [];
    let written = false;
    const flush = async () => {
      await writeFile(file, lines.join(''), { flag: written ? 'a' : 'wx', mode: 0o600 });
      written = true;
      lines.length = 0;
    };
    for await (const line of kind === 'batch' ? batchLines(path) : ndjsonLines(path)) {
      lines.push(`${line}\n`);
      if (lines.length >= 1_000) await flush();
    }
    await flush();
    return { file, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
