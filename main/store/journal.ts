/**
 * The journal: every committed event, also written to files in the data folder, so that
 * nothing acknowledged depends on Chromium's IndexedDB alone. The files are the verified
 * NDJSON export format (shared/audit/exportFormat.ts) without a manifest: one hash-chained
 * line per event, the chain running on from one segment to the next. Segments are named by
 * the seq of their first event (`journal/000000000001.ndjson`) and a new one starts when the
 * current one passes `segmentBytes`.
 *
 * `append` resolves only after the lines are on disk (fdatasync): the caller resolves a
 * publish after that, so an acknowledged event is always in the journal. A crash in the middle
 * of a write leaves a torn last line; opening the journal cuts it off (that batch was never
 * acknowledged).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH } from '../../shared/audit/chain';
import { hashedLineOf, lineTextOf } from '../../shared/audit/exportFormat';
import type { StoredEvent } from '../../shared/events/event';
import { nodeSha256HexOfBytes } from './nodeHash';

export const JOURNAL_FOLDER = 'journal';
const SEGMENT_NAME = /^(\d{12})\.ndjson$/;
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** Where the journal ends: the last event's seq and store hash, and the journal line's own hash. */
export interface JournalHead {
  readonly seq: number;
  readonly storeHash: string;
  readonly lineHash: string;
}

export const EMPTY_JOURNAL: JournalHead = Object.freeze({ seq: 0, storeHash: GENESIS_HASH, lineHash: GENESIS_HASH });

export interface JournalSegment {
  readonly firstSeq: number;
  readonly path: string;
}

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(12, '0')}.ndjson`;
}

/** The segments of the journal in `dataDir`, oldest first (none when there is no journal). */
export function listSegments(dataDir: string): JournalSegment[] {
  const folder = join(dataDir, JOURNAL_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .map((name) => SEGMENT_NAME.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ firstSeq: Number(match[1]), path: join(folder, match[0]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

interface JournalLine {
  readonly seq: number;
  readonly hash: string;
  readonly storeHash: string;
}

function parseLineHead(text: string): JournalLine | null {
  try {
    const line = JSON.parse(text) as Partial<JournalLine>;
    if (typeof line.seq !== 'number' || typeof line.hash !== 'string' || typeof line.storeHash !== 'string') return null;
    return line as JournalLine;
  } catch {
    return null;
  }
}

/**
 * The head of one segment: its last complete line. A torn tail (a line without its line
 * break, or one that is not JSON) is cut off the file, and so are the lines after it.
 */
async function segmentHead(path: string): Promise<JournalHead | null> {
  const bytes = await readFile(path);
  let head: JournalHead | null = null;
  let goodEnd = 0;
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    if (end < 0) break;
    const line = parseLineHead(bytes.subarray(start, end).toString('utf8'));
    if (line === null) break;
    head = { seq: line.seq, storeHash: line.storeHash, lineHash: line.hash };
    goodEnd = end + 1;
    start = end + 1;
  }
  if (goodEnd < bytes.length) await truncate(path, goodEnd);
  return head;
}

export interface JournalOptions {
  readonly segmentBytes?: number;
}

interface Pending {
  readonly firstSeq: number;
  readonly bytes: Buffer;
  /** The head once these lines are on disk. */
  readonly head: JournalHead;
  resolve(): void;
  reject(error: unknown): void;
}

/** The bytes of a line around its two hashes (exportFormat.ts lineTextOf). */
const HASH_OPEN = Buffer.from('"hash":"', 'latin1');
const PREV_OPEN = Buffer.from(',"prevHash":"', 'latin1');
const QUOTE_COMMA = Buffer.from('",', 'latin1');
/** How much longer a line is than its hashed text, "\n" left out: `{`, both hashes' members and the hashes less prevHash and `,` (1 + 8 + 64 + 2 + 13 + 2 - 1 - 1). */
const LINE_LONGER_BY = 88;
/** A buffer kept this size or smaller between batches; a larger batch's is let go after it. */
const KEPT_BUFFER_BYTES = 1024 * 1024;

/**
 * A batch's lines as UTF-8, in one buffer kept from batch to batch. A line is its hashed text
 * with the two hashes put in: the hashed text is written where the line's tail belongs and,
 * when it is all ASCII (as it nearly always is), its head and middle are moved down into
 * place around the hashes. So no second string is built for a line, and each is encoded once.
 */
class LineBuffer {
  private bytes = Buffer.allocUnsafe(KEPT_BUFFER_BYTES);
  private length = 0;

  /** Adds `event`'s line after `prevHash`; returns its hash. */
  add(event: StoredEvent, prevHash: string): string {
    const hashed = hashedLineOf(event, prevHash);
    const { text, headAt, middleAt, tailAt } = hashed;
    // At most 3 bytes for each UTF-16 unit, "\n" included.
    this.reserve(3 * (text.length + LINE_LONGER_BY + 1));
    const bytes = this.bytes;
    const start = this.length;
    const from = start + LINE_LONGER_BY;
    const written = bytes.write(text, from, 'utf8');
    const hash = nodeSha256HexOfBytes(bytes.subarray(from, from + written));
    if (written === text.length) {
      // One byte per character: the hashed text's offsets are byte offsets.
      const middle = start + 1 + (middleAt - headAt) + HASH_OPEN.length + hash.length + QUOTE_COMMA.length;
      const prev = middle + (tailAt - 1 - middleAt) + PREV_OPEN.length;
      bytes[start] = 0x7b; // {
      bytes.copyWithin(start + 1, from + headAt, from + middleAt);
      bytes.copyWithin(middle, from + middleAt, from + tailAt - 1);
      bytes.set(HASH_OPEN, middle - QUOTE_COMMA.length - hash.length - HASH_OPEN.length);
      bytes.write(hash, middle - QUOTE_COMMA.length - hash.length, 'latin1');
      bytes.set(QUOTE_COMMA, middle - QUOTE_COMMA.length);
      bytes.set(PREV_OPEN, prev - PREV_OPEN.length);
      bytes.write(prevHash, prev, 'latin1');
      bytes.set(QUOTE_COMMA, prev + prevHash.length);
      this.length = from + text.length;
    } else {
      this.length = start + bytes.write(lineTextOf(hashed, prevHash, hash), start, 'utf8');
    }
    bytes[this.length++] = 0x0a;
    return hash;
  }

  /** The lines added since the last call, as a buffer of their own. */
  take(): Buffer {
    const taken = Buffer.from(this.bytes.subarray(0, this.length));
    this.length = 0;
    if (this.bytes.length > KEPT_BUFFER_BYTES) this.bytes = Buffer.allocUnsafe(KEPT_BUFFER_BYTES);
    return taken;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    const larger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + bytes));
    this.bytes.copy(larger, 0, 0, this.length);
    this.bytes = larger;
  }
}

export class Journal {
  private handle: FileHandle | null = null;
  private segmentSize = 0;
  /** Lines built and waiting for the next write, in seq order. */
  private queue: Pending[] = [];
  /** Where the lines built so far end: ahead of `current` by what is queued or being written. */
  private built: JournalHead;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly lines = new LineBuffer();

  private constructor(
    private readonly folder: string,
    private current: JournalHead,
    private readonly segmentBytes: number,
  ) {
    this.built = current;
  }

  /** Opens (or creates) the journal of `dataDir` and finds its head. */
  static async open(dataDir: string, options: JournalOptions = {}): Promise<Journal> {
    const folder = join(dataDir, JOURNAL_FOLDER);
    mkdirSync(folder, { recursive: true });
    let head: JournalHead = EMPTY_JOURNAL;
    for (const segment of listSegments(dataDir).reverse()) {
      const found = await segmentHead(segment.path);
      if (found) {
        head = found;
        break;
      }
    }
    return new Journal(folder, head, options.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
  }

  /** What is on disk. */
  get head(): JournalHead {
    return this.current;
  }

  /**
   * Writes `events` (the next seqs after the head, in order) and waits until they are on
   * disk. The lines are built (canonical text, chain hash) at once, while an earlier write is
   * still on its way to disk, so that this work overlaps the fdatasync instead of following
   * it; calls that arrive meanwhile go together in the next write (group commit: one
   * fdatasync for all of them).
   */
  append(events: readonly StoredEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the journal is closed: the application is shutting down'));
    if (events.length === 0) return Promise.resolve();
    const first = events[0] as StoredEvent;
    if (first.seq !== this.built.seq + 1) {
      return Promise.reject(new Error(`journal: expected seq ${this.built.seq + 1} next, got ${first.seq}`));
    }
    let prev = this.built.lineHash;
    for (const event of events) prev = this.lines.add(event, prev);
    const last = events[events.length - 1] as StoredEvent;
    this.built = { seq: last.seq, storeHash: last.hash ?? '', lineHash: prev };
    const bytes = this.lines.take();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ firstSeq: first.seq, bytes, head: this.built, resolve, reject });
      this.flushing ??= this.flushQueue();
    });
  }

  private async flushQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const taken = this.queue;
      this.queue = [];
      try {
        await this.write(taken);
        for (const call of taken) call.resolve();
      } catch (error) {
        // What was queued behind the failed lines chains on them: it fails too, and the next
        // append must follow what is on disk (the journaled store then reports the gap).
        const dropped = this.queue;
        this.queue = [];
        this.built = this.current;
        for (const call of [...taken, ...dropped]) call.reject(error);
      }
    }
    this.flushing = null;
  }

  private async write(taken: readonly Pending[]): Promise<void> {
    if (this.closed) throw new Error('the journal is closed: the application is shutting down');
    const bytes = taken.length === 1 ? (taken[0] as Pending).bytes : Buffer.concat(taken.map((call) => call.bytes));
    const handle = await this.segmentFor((taken[0] as Pending).firstSeq);
    try {
      await handle.write(bytes, 0, bytes.length);
      await handle.datasync();
    } catch (error) {
      // A write cut short (a full disk) must not leave half a line for the next one to follow.
      await handle.truncate(this.segmentSize).catch(() => undefined);
      throw error;
    }
    this.segmentSize += bytes.length;
    this.current = (taken[taken.length - 1] as Pending).head;
  }

  private async segmentFor(firstSeq: number): Promise<FileHandle> {
    if (this.handle && this.segmentSize < this.segmentBytes) return this.handle;
    if (this.handle) {
      await this.handle.close();
      this.handle = null;
    } else {
      // The first write since the journal was opened goes on in the newest segment if it has room.
      const last = listSegments(join(this.folder, '..')).pop();
      if (last) {
        const handle = await open(last.path, 'a');
        const { size } = await handle.stat();
        if (size < this.segmentBytes) {
          this.handle = handle;
          this.segmentSize = size;
          return handle;
        }
        await handle.close();
      }
    }
    this.handle = await open(join(this.folder, segmentName(firstSeq)), 'a');
    this.segmentSize = 0;
    // The new file's name must survive a power cut as well as its lines.
    const folder = await open(this.folder, 'r');
    await folder.sync().finally(() => folder.close());
    return this.handle;
  }

  /** Waits for the writes in progress, then closes the current segment. */
  async close(): Promise<void> {
    await this.flushing;
    this.closed = true;
    await this.handle?.close();
    this.handle = null;
  }
}
