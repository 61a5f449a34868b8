/**
 * SHA-256 (FIPS 180-4) in plain TypeScript, for the audit chain in Chromium (the store host,
 * the renderer), where the only platform hash (WebCrypto) is asynchronous. Node processes
 * hash with node:crypto instead (main/store/nodeHash.ts, chosen with `useSha256HexOfText`).
 *
 * Kept instead of @noble/hashes because it is clearly faster where it counts: on the Dexie
 * store's append path in Chromium (bench key `sha256_own_vs_noble`, quick run, 20,000 events,
 * 3 runs, December 2026) the store appended 13,502 events/s with this hash and 5,239 with
 * noble's sha256 (1.8.0), a median ratio of 2.72. Written for V8's speed:
 * - the compression function (sha256Compress.ts) is unrolled: the eight working words and the sixteen words of
 *   the message schedule live in local variables (the schedule is computed in place, a
 *   rolling window of 16 words), the round constants are literals, and instead of shifting
 *   a..h along after each round the roles of the variables rotate (round i+1's `b` is round
 *   i's `a`, and so on; after 8 rounds they are back in place);
 * - text is UTF-8 encoded into a reused buffer, padded in place there and hashed in one pass;
 * - the digest is written as hex in one `String.fromCharCode` call (a flat string, no rope).
 *
 * `Sha256` hashes a stream (`update` as often as needed, then `digestHex` once);
 * `sha256Hex` and `sha256HexOfText` hash one message.
 */

import { compress, INITIAL } from './sha256Compress';

const INITIAL_STATE = Int32Array.from(INITIAL);

/**
 * Pads the message that fills `buffer` up to `length` (the last bytes of a message of `total`
 * bytes; `length` < 64 unless the whole message is there): 0x80, zeros, then the message length
 * in bits as a 64-bit big-endian number, ending on a block boundary. Returns that end; the
 * buffer needs room for `length + 72` bytes.
 */
function pad(buffer: Uint8Array, length: number, total: number): number {
  const rest = length % 64;
  const end = length - rest + (rest < 56 ? 64 : 128);
  buffer[length] = 0x80;
  buffer.fill(0, length + 1, end - 8);
  const high = Math.floor(total / 0x20000000); // (total * 8) / 2^32
  const low = (total * 8) >>> 0;
  buffer[end - 8] = high >>> 24; buffer[end - 7] = high >>> 16; buffer[end - 6] = high >>> 8; buffer[end - 5] = high;
  buffer[end - 4] = low >>> 24; buffer[end - 3] = low >>> 16; buffer[end - 2] = low >>> 8; buffer[end - 1] = low;
  return end;
}

/** Char codes of the hex digits 0-9a-f. */
const DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** The state as 64 lowercase hex digits, built as one flat string. */
function hexOf(state: Int32Array): string {
  const x = DIGITS;
  const a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  return String.fromCharCode(
    x[a >>> 28]!, x[(a >>> 24) & 15]!, x[(a >>> 20) & 15]!, x[(a >>> 16) & 15]!, x[(a >>> 12) & 15]!, x[(a >>> 8) & 15]!, x[(a >>> 4) & 15]!, x[a & 15]!,
    x[b >>> 28]!, x[(b >>> 24) & 15]!, x[(b >>> 20) & 15]!, x[(b >>> 16) & 15]!, x[(b >>> 12) & 15]!, x[(b >>> 8) & 15]!, x[(b >>> 4) & 15]!, x[b & 15]!,
    x[c >>> 28]!, x[(c >>> 24) & 15]!, x[(c >>> 20) & 15]!, x[(c >>> 16) & 15]!, x[(c >>> 12) & 15]!, x[(c >>> 8) & 15]!, x[(c >>> 4) & 15]!, x[c & 15]!,
    x[d >>> 28]!, x[(d >>> 24) & 15]!, x[(d >>> 20) & 15]!, x[(d >>> 16) & 15]!, x[(d >>> 12) & 15]!, x[(d >>> 8) & 15]!, x[(d >>> 4) & 15]!, x[d & 15]!,
    x[e >>> 28]!, x[(e >>> 24) & 15]!, x[(e >>> 20) & 15]!, x[(e >>> 16) & 15]!, x[(e >>> 12) & 15]!, x[(e >>> 8) & 15]!, x[(e >>> 4) & 15]!, x[e & 15]!,
    x[f >>> 28]!, x[(f >>> 24) & 15]!, x[(f >>> 20) & 15]!, x[(f >>> 16) & 15]!, x[(f >>> 12) & 15]!, x[(f >>> 8) & 15]!, x[(f >>> 4) & 15]!, x[f & 15]!,
    x[g >>> 28]!, x[(g >>> 24) & 15]!, x[(g >>> 20) & 15]!, x[(g >>> 16) & 15]!, x[(g >>> 12) & 15]!, x[(g >>> 8) & 15]!, x[(g >>> 4) & 15]!, x[g & 15]!,
    x[h >>> 28]!, x[(h >>> 24) & 15]!, x[(h >>> 20) & 15]!, x[(h >>> 16) & 15]!, x[(h >>> 12) & 15]!, x[(h >>> 8) & 15]!, x[(h >>> 4) & 15]!, x[h & 15]!,
  );
}

const encoder = new TextEncoder();
/** Reused UTF-8 buffer for text messages (and a view of it); grows when a longer text arrives. */
let textBuffer = new Uint8Array(4096);
let textView = new DataView(textBuffer.buffer);

/** Encodes `text` as UTF-8 into the shared buffer (valid until the next call), leaving room to pad; returns the byte count. */
function encodeText(text: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit; padding adds at most 72.
  const room = text.length * 3 + 72;
  if (room > textBuffer.length) {
    textBuffer = new Uint8Array(Math.max(room, textBuffer.length * 2));
    textView = new DataView(textBuffer.buffer);
  }
  return encoder.encodeInto(text, textBuffer).written;
}

/** A big-endian view of `data`'s bytes, for `compress`. */
function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** A streaming SHA-256. */
export class Sha256 {
  private readonly state = Int32Array.from(INITIAL);
  /** Input short of a whole block (the first 64 bytes), and room to pad it. */
  private readonly pending = new Uint8Array(128);
  private readonly pendingView = new DataView(this.pending.buffer);
  private pendingLength = 0;
  private totalBytes = 0;
  private finished = false;

  update(data: Uint8Array): this {
    if (this.finished) throw new Error('Sha256: update after digest');
    this.totalBytes += data.length;
    let offset = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(64 - this.pendingLength, data.length);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength < 64) return this;
      compress(this.state, this.pendingView, 0, 64);
      this.pendingLength = 0;
    }
    if (data.length - offset >= 64) offset = compress(this.state, viewOf(data), offset, data.length);
    if (offset < data.length) {
      this.pending.set(data.subarray(offset), 0);
      this.pendingLength = data.length - offset;
    }
    return this;
  }

  /** Adds the UTF-8 bytes of `text`. */
  updateText(text: string): this {
    return this.update(textBuffer.subarray(0, encodeText(text)));
  }

  /** The digest as 64 lowercase hex digits; the hash takes no more input afterwards. */
  digestHex(): string {
    if (this.finished) throw new Error('Sha256: digest taken already');
    this.finished = true;
    compress(this.state, this.pendingView, 0, pad(this.pending, this.pendingLength, this.totalBytes));
    return hexOf(this.state);
  }
}

/** Scratch state for the one-shot functions. */
const oneShot = new Int32Array(8);
const oneShotTail = new Uint8Array(128);
const oneShotTailView = new DataView(oneShotTail.buffer);

/** SHA-256 of `data` as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array): string {
  oneShot.set(INITIAL_STATE);
  const offset = data.length >= 64 ? compress(oneShot, viewOf(data), 0, data.length) : 0;
  const rest = data.length - offset;
  for (let i = 0; i < rest; i++) oneShotTail[i] = data[offset + i]!;
  compress(oneShot, oneShotTailView, 0, pad(oneShotTail, rest, data.length));
  return hexOf(oneShot);
}

/**
 * SHA-256 of the first `length` bytes of `buffer`, padded in place: the buffer needs room for
 * `length + 72` bytes, and `view` is a DataView of its whole ArrayBuffer (buffer at offset 0).
 */
export function sha256HexInPlace(buffer: Uint8Array, view: DataView, length: number): string {
  oneShot.set(INITIAL_STATE);
  compress(oneShot, view, 0, pad(buffer, length, length));
  return hexOf(oneShot);
}

/** SHA-256 of the UTF-8 bytes of `text`, by this file's own code. */
export function ownSha256HexOfText(text: string): string {
  const length = encodeText(text); // first: it may replace the buffer
  return sha256HexInPlace(textBuffer, textView, length);
}

let textHash: (text: string) => string = ownSha256HexOfText;

/**
 * SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits: what the audit chain
 * hashes with. This file's own code, unless the process chose another with `useSha256HexOfText`.
 */
export function sha256HexOfText(text: string): string {
  return textHash(text);
}

/**
 * Makes `hash` the process's text SHA-256 (it must give the same digests). Node processes
 * choose node:crypto at start (main/store/nodeHash.ts); the benchmark switches to
 * @noble/hashes and back to compare the two on the store's append path.
 */
export function useSha256HexOfText(hash: (text: string) => string = ownSha256HexOfText): void {
  textHash = hash;
}
