/**
 * Verifies an NDJSON audit export (shared/audit/exportFormat.ts), line by line, with memory
 * bounded by one line. It stops at the first bad line and says why:
 * - not JSON, not an object, not in canonical form (any byte changed without changing the
 *   data, e.g. spacing or key order), or a blank line;
 * - `prevHash` not the previous line's hash: a line was removed, inserted or moved before it;
 * - `hash` not matching the line's content: the line was changed;
 * - the manifest changed (its hash), not matching the lines (count, head hash, first and last
 *   seq and timestamp: lines removed or added at the end), not last, or missing.
 */
import { canonicalMembers, CanonicalJsonError, joinMembers } from './canonical';
import { chainHash, GENESIS_HASH, HASH_PATTERN } from './chain';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, manifestHashOf } from './exportFormat';
import type { ExportManifest } from './exportFormat';
import { jsonSyntaxProblem } from '../events/jsonProblem';

export type ExportVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string; readonly manifest: ExportManifest }
  | {
      readonly ok: false;
      /** The first bad line (1-based). */
      readonly line: number;
      readonly reason: string;
      /** Event lines read and found intact before it. */
      readonly events: number;
    };

const HASH_FIELDS: ReadonlySet<string> = new Set(['prevHash', 'hash']);

export class ExportVerifier {
  /** `startHash`: the hash the first line chains on (a journal segment after pruned ones starts mid-chain). */
  constructor(private prev: string = GENESIS_HASH) {}
  private events = 0;
  private lines = 0;
  private firstSeq: number | null = null;
  private lastSeq: number | null = null;
  private firstTimestamp: number | null = null;
  private lastTimestamp: number | null = null;
  private manifest: ExportManifest | null = null;
  private failure: { line: number; reason: string } | null = null;

  /** True once a bad line was found (later lines are not looked at). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Marks line `number` bad for a reason found outside (e.g. invalid UTF-8). */
  fail(number: number, reason: string): void {
    this.failure ??= { line: number, reason };
  }

  /** The next line's text, without its line break. */
  push(text: string): void {
    if (this.failure) return;
    this.lines += 1;
    const reason = this.check(text);
    if (reason !== null) this.failure = { line: this.lines, reason };
  }

  /** The verdict, after the last line. */
  end(): ExportVerdict {
    if (!this.failure && !this.manifest) {
      this.failure = { line: this.lines + 1, reason: 'the manifest line is missing: the file ends without one (it was cut short or the manifest removed)' };
    }
    if (this.failure) return { ok: false, ...this.failure, events: this.events };
    return { ok: true, events: this.events, headHash: this.prev, manifest: this.manifest! };
  }

  private check(text: string): string | null {
    if (this.manifest) return `comes after the manifest, which must be the last line`;
    if (text.trim() === '') return 'a blank line: every line must be an event or the manifest';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return jsonSyntaxProblem(error);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
    const record = value as Record<string, unknown>;
    let members: [string, string][];
    try {
      members = canonicalMembers(record);
    } catch (error) {
      if (error instanceof CanonicalJsonError) return `not canonical JSON (${error.message})`;
      throw error;
    }
    if (joinMembers(members) !== text) return 'not in canonical form: the line was changed (spacing, key order or escapes differ from what the export wrote)';
    return Object.hasOwn(record, 'manifest') ? this.checkManifest(record) : this.checkEvent(record, members);
  }

  private checkEvent(record: Record<string, unknown>, members: readonly [string, string][]): string | null {
    const { prevHash, hash, seq, timestamp } = record;
    if (typeof prevHash !== 'string' || !HASH_PATTERN.test(prevHash)) return 'prevHash: missing or not 64 hex digits';
    if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) return 'hash: missing or not 64 hex digits';
    if (prevHash !== this.prev) {
      return this.lines === 1
        ? 'prevHash is not the genesis hash: this is not the first line of the export (lines before it were removed, or lines were moved)'
        : `prevHash does not match the hash of line ${this.lines - 1}: a line was removed, inserted or moved here`;
    }
    const computed = chainHash(prevHash, joinMembers(members, HASH_FIELDS));
    if (computed !== hash) return `the content does not match its hash: the line was changed (computed ${computed})`;
    if (typeof seq !== 'number' || typeof timestamp !== 'number') return 'an event line must have a numeric seq and timestamp';
    this.prev = hash;
    this.events += 1;
    if (this.firstSeq === null) {
      this.firstSeq = seq;
      this.firstTimestamp = timestamp;
    }
    this.lastSeq = seq;
    this.lastTimestamp = timestamp;
    return null;
  }

  private checkManifest(record: Record<string, unknown>): string | null {
    const manifest = record.manifest as Record<string, unknown> | null;
    if (Object.keys(record).length !== 1 || manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
      return 'a manifest line must be {"manifest": {...}} and nothing else';
    }
    if (manifest.format !== EXPORT_FORMAT) return `manifest: format is not "${EXPORT_FORMAT}"`;
    if (manifest.formatVersion !== EXPORT_FORMAT_VERSION) return `manifest: format version ${String(manifest.formatVersion)} is not supported (expected ${EXPORT_FORMAT_VERSION})`;
    if (typeof manifest.hash !== 'string' || manifest.hash !== manifestHashOf(manifest)) {
      return 'the manifest was changed: its content does not match its hash';
    }
    const expected: [string, unknown][] = [
      ['headHash', this.prev],
      ['count', this.events],
      ['firstSeq', this.firstSeq],
      ['lastSeq', this.lastSeq],
      ['firstTimestamp', this.firstTimestamp],
      ['lastTimestamp', this.lastTimestamp],
    ];
    for (const [key, want] of expected) {
      if (manifest[key] !== want) {
        return `the manifest's ${key} is ${JSON.stringify(manifest[key])} but the lines give ${JSON.stringify(want)}: event lines were removed or added before the manifest`;
      }
    }
    this.manifest = manifest as unknown as ExportManifest;
    return null;
  }
}

/** Verifies a whole export held as text (tests, small files). */
export function verifyExportText(text: string): ExportVerdict {
  const verifier = new ExportVerifier();
  const lines = text.split('\n');
  // The file ends with "\n": the piece after it is empty and is no line.
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    verifier.push(line);
    if (verifier.failed) break;
  }
  if (!verifier.failed && text.length > 0 && !text.endsWith('\n')) {
    verifier.fail(lines.length, 'the last line does not end with a line break: the file was cut short or edited');
  }
  return verifier.end();
}
