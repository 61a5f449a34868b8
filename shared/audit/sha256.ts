/**
 * SHA-256 (FIPS 180-4) in plain TypeScript, so that the audit chain is computed the same
 * way in every process (Node main, the Chromium store host, the renderer) without any
 * platform crypto API. Written for V8's speed: the eight working words stay in local
 * variables, the message schedule is one reused Int32Array, and text is UTF-8 encoded into a
 * reused buffer instead of a fresh array per call.
 *
 * `Sha256` hashes a stream (`update` as often as needed, then `digestHex` once);
 * `sha256Hex` and `sha256HexOfText` hash one message.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19] as const;

/** The message schedule, shared by every hash: the compression below never yields. */
const W = new Int32Array(64);

/** Compresses the 64-byte blocks of `data` from `offset` while a whole block remains; returns the new offset. */
function compress(state: Int32Array, data: Uint8Array, offset: number, end: number): number {
  let h0 = state[0]!, h1 = state[1]!, h2 = state[2]!, h3 = state[3]!, h4 = state[4]!, h5 = state[5]!, h6 = state[6]!, h7 = state[7]!;
  const w = W;
  while (end - offset >= 64) {
    for (let i = 0; i < 16; i++, offset += 4) {
      w[i] = (data[offset]! << 24) | (data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3; state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7;
  return offset;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexOf(state: Int32Array): string {
  let out = '';
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out += HEX[(word >>> 24) & 0xff]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!;
  }
  return out;
}

const encoder = new TextEncoder();
/** Reused UTF-8 buffer for text messages; grows when a longer text arrives. */
let textBuffer = new Uint8Array(4096);

/** The UTF-8 bytes of `text`, in the shared buffer (valid until the next call). */
function utf8(text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > textBuffer.length) textBuffer = new Uint8Array(Math.max(text.length * 3, textBuffer.length * 2));
  const { written } = encoder.encodeInto(text, textBuffer);
  return textBuffer.subarray(0, written);
}

/** A streaming SHA-256. */
export class Sha256 {
  private readonly state = Int32Array.from(INITIAL);
  private readonly pending = new Uint8Array(64);
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
      compress(this.state, this.pending, 0, 64);
      this.pendingLength = 0;
    }
    offset = compress(this.state, data, offset, data.length);
    if (offset < data.length) {
      this.pending.set(data.subarray(offset), 0);
      this.pendingLength = data.length - offset;
    }
    return this;
  }

  /** Adds the UTF-8 bytes of `text`. */
  updateText(text: string): this {
    return this.update(utf8(text));
  }

  /** The digest as 64 lowercase hex digits; the hash takes no more input afterwards. */
  digestHex(): string {
    if (this.finished) throw new Error('Sha256: digest taken already');
    this.finished = true;
    const bits = this.totalBytes * 8;
    const tail = new Uint8Array(this.pendingLength < 56 ? 64 : 128);
    tail.set(this.pending.subarray(0, this.pendingLength));
    tail[this.pendingLength] = 0x80;
    // The message length in bits, big-endian, in the last 8 bytes (high word first).
    const high = Math.floor(bits / 0x100000000);
    const at = tail.length - 8;
    tail[at] = high >>> 24; tail[at + 1] = high >>> 16; tail[at + 2] = high >>> 8; tail[at + 3] = high;
    tail[at + 4] = bits >>> 24; tail[at + 5] = bits >>> 16; tail[at + 6] = bits >>> 8; tail[at + 7] = bits;
    compress(this.state, tail, 0, tail.length);
    return hexOf(this.state);
  }
}

/** Scratch state for the one-shot functions. */
const oneShot = new Int32Array(8);
const oneShotTail = new Uint8Array(128);

/** SHA-256 of `data` as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array): string {
  oneShot.set(INITIAL);
  const offset = compress(oneShot, data, 0, data.length);
  const rest = data.length - offset;
  const tailLength = rest < 56 ? 64 : 128;
  oneShotTail.fill(0, 0, tailLength);
  oneShotTail.set(data.subarray(offset), 0);
  oneShotTail[rest] = 0x80;
  const bits = data.length * 8;
  const high = Math.floor(bits / 0x100000000);
  const at = tailLength - 8;
  oneShotTail[at] = high >>> 24; oneShotTail[at + 1] = high >>> 16; oneShotTail[at + 2] = high >>> 8; oneShotTail[at + 3] = high;
  oneShotTail[at + 4] = bits >>> 24; oneShotTail[at + 5] = bits >>> 16; oneShotTail[at + 6] = bits >>> 8; oneShotTail[at + 7] = bits;
  compress(oneShot, oneShotTail, 0, tailLength);
  return hexOf(oneShot);
}

/** SHA-256 of the UTF-8 bytes of `text`. */
export function sha256HexOfText(text: string): string {
  return sha256Hex(utf8(text));
}
