/**
 * A stable fingerprint of plain JSON state: canonical JSON (object keys sorted, so that key
 * order never matters), hashed with 64-bit FNV-1a kept as two 32-bit halves. Pure: two equal
 * states give the same hash in Node and in Chromium. Not a cryptographic hash.
 */

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

const PRIME_LOW = 0x1b3;
const PRIME_HIGH = 0x100;

/** 64-bit FNV-1a over the UTF-16 code units of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  // The offset basis 0xcbf29ce484222325, split into 16-bit limbs (lowest first).
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // Multiply by the FNV prime 2^40 + 0x1b3, limb by limb, keeping 64 bits.
    const t0 = h0 * PRIME_LOW;
    const t1 = h1 * PRIME_LOW;
    const t2 = h2 * PRIME_LOW + h0 * PRIME_HIGH;
    const t3 = h3 * PRIME_LOW + h1 * PRIME_HIGH;
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + Math.floor(c1 / 0x10000);
    const c3 = t3 + Math.floor(c2 / 0x10000);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = c3 & 0xffff;
  }
  const hex = (limb: number) => limb.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}

/** The fingerprint of a JSON state. */
export function stateHash(value: unknown): string {
  return fnv1a64(canonicalJson(value));
}
