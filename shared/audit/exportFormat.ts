/**
 * The NDJSON audit export, line by line. Each event line is one JSON object in canonical form
 * (RFC 8785 JCS, shared/audit/canonical.ts: any JCS library and SHA-256 verify an export)
 * holding the event as stored (`seq`, `subject` and `status` included), its store hash as
 * `storeHash`, and the export's own chain:
 *
 *   hash_k = SHA-256( UTF-8( prevHash_k + JCS(line_k without prevHash and hash) ) )
 *
 * where prevHash_1 is GENESIS_HASH and prevHash_k is hash_(k-1). The last line is the
 * manifest, `{"manifest":{...}}`, whose own `hash` chains it after the last event line, so
 * that an edit of the manifest shows as well. Lines end with "\n"; the file is UTF-8 with no
 * byte-order mark.
 */
import type { JsonObject, JsonValue, StoredEvent } from '../events/event';
import { canonicalJson, jsonString } from './canonical';
import { chainHash, GENESIS_HASH } from './chain';

export const EXPORT_FORMAT = 'plant-event-console/audit-log';
export const EXPORT_FORMAT_VERSION = 1;

/** The filters an export was made with, as the manifest records them. */
export interface ExportFilters {
  readonly from?: number;
  readonly to?: number;
  readonly types?: readonly string[];
  readonly subject?: string;
  readonly sources?: readonly string[];
  readonly priorities?: readonly string[];
  readonly correlationId?: string;
  readonly text?: string;
}

export interface ExportManifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly appVersion: string;
  readonly filters: JsonObject;
  readonly count: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly firstTimestamp: number | null;
  readonly lastTimestamp: number | null;
  /** The hash of the last event line (GENESIS_HASH when there is none). */
  readonly headHash: string;
  /** ISO 8601 time of the export. */
  readonly exportedAt: string;
  /** The OS user who exported. */
  readonly exportedBy: string;
  /** The workstation's host name. */
  readonly workstation: string;
  /** SHA-256 over headHash and this manifest without `hash`. */
  readonly hash: string;
}

/** What the writer needs besides the events. */
export interface ManifestInput {
  readonly appVersion: string;
  readonly filters: ExportFilters;
  readonly exportedAt: string;
  readonly exportedBy: string;
  readonly workstation: string;
}

export interface ExportLine {
  /** The line's text, without its "\n". */
  readonly text: string;
  readonly hash: string;
}

/** A string member's value: most need no escape, and then skip the call into JSON.stringify. */
const text = jsonString;

/**
 * What an export line's hash covers: `prevHash` and the line without "hash" and "prevHash",
 * as one flat text, and where its parts start. The line is this text with the two hashes put
 * back in: "hash" between the members before it (from `headAt`) and the middle (from
 * `middleAt`), "prevHash" between the middle and the tail (from `tailAt`, up to the last "}").
 */
export interface HashedLine {
  readonly text: string;
  readonly headAt: number;
  readonly middleAt: number;
  readonly tailAt: number;
}

/**
 * The hashed text of `event`'s line after `prevHash`. Built member by member in sorted key
 * order (the same text `canonicalJson` gives; the tests check it): the members before
 * "hash", those between "hash" and "prevHash", and those after.
 */
export function hashedLineOf(event: StoredEvent, prevHash: string): HashedLine {
  let head = '';
  if (event.causationId !== undefined) head += `"causationId":${text(event.causationId)},`;
  if (event.correlationId !== undefined) head += `"correlationId":${text(event.correlationId)},`;
  const middle = `"id":${text(event.id)},"metadata":${canonicalJson(event.metadata)},"payload":${canonicalJson(event.payload)}`;
  let tail = `"priority":${text(event.priority)},"seq":${event.seq},"source":${text(event.source)},"status":${text(event.status)}`;
  if (event.hash !== undefined) tail += `,"storeHash":${text(event.hash)}`;
  if (event.subject !== undefined) tail += `,"subject":${text(event.subject)}`;
  tail += `,"timestamp":${canonicalJson(event.timestamp)},"type":${text(event.type)}`;
  const headAt = prevHash.length + 1;
  const middleAt = headAt + head.length;
  return { text: `${prevHash}{${head}${middle},${tail}}`, headAt, middleAt, tailAt: middleAt + middle.length + 1 };
}

/**
 * The export line of `event`, chained after `prevHash` (main's journal builds the same lines
 * as bytes: main/store/journal.ts).
 *
 * The pieces are joined once, into the text that is hashed; hashing makes that one flat
 * string, and the line takes its parts as slices of it. Joining the pieces a second time for
 * the line would have them walked and copied again when the line is written out.
 */
export function exportLineOf(event: StoredEvent, prevHash: string): ExportLine {
  const hashed = hashedLineOf(event, prevHash);
  const hash = chainHash('', hashed.text);
  return { text: lineTextOf(hashed, prevHash, hash), hash };
}

/** The line's text (without "\n"): `hashed` with its `hash` and `prevHash` put in. */
export function lineTextOf({ text, headAt, middleAt, tailAt }: HashedLine, prevHash: string, hash: string): string {
  return `{${text.slice(headAt, middleAt)}"hash":"${hash}",${text.slice(middleAt, tailAt - 1)},"prevHash":"${prevHash}",${text.slice(tailAt, -1)}}`;
}

/** The filters as plain JSON, unset ones left out. */
export function filtersJson(filters: ExportFilters): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = Array.isArray(value) ? [...(value as string[])] : (value as JsonValue);
  }
  return out;
}

/** Keeps what the manifest needs while event lines are written. */
export class ExportChain {
  headHash = GENESIS_HASH;
  count = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  firstTimestamp: number | null = null;
  lastTimestamp: number | null = null;

  /** The next line's text (without "\n"). */
  line(event: StoredEvent): string {
    const { text, hash } = exportLineOf(event, this.headHash);
    this.headHash = hash;
    this.count += 1;
    if (this.firstSeq === null) {
      this.firstSeq = event.seq;
      this.firstTimestamp = event.timestamp;
    }
    this.lastSeq = event.seq;
    this.lastTimestamp = event.timestamp;
    return text;
  }

  manifest(input: ManifestInput): ExportManifest {
    const unsigned = {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      appVersion: input.appVersion,
      filters: filtersJson(input.filters),
      count: this.count,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      firstTimestamp: this.firstTimestamp,
      lastTimestamp: this.lastTimestamp,
      headHash: this.headHash,
      exportedAt: input.exportedAt,
      exportedBy: input.exportedBy,
      workstation: input.workstation,
    };
    return { ...unsigned, hash: manifestHashOf(unsigned) };
  }
}

/** The manifest's hash: chained after its own head hash. */
export function manifestHashOf(manifest: Omit<ExportManifest, 'hash'> | Record<string, unknown>): string {
  const { hash: _hash, ...unsigned } = manifest as Record<string, unknown>;
  return chainHash(String(unsigned.headHash), canonicalJson(unsigned));
}

/** The manifest line's text (without "\n"). */
export function manifestLineOf(manifest: ExportManifest): string {
  return canonicalJson({ manifest });
}
