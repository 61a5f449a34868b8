/**
 * A 32-bit string hash (FNV-1a with a murmur finaliser) for the Dexie store's in-memory
 * index (renderer/store-host/eventColumns.ts). Not cryptographic: every hit is confirmed on
 * the string itself. `seed` gives independent hashes of the same text.
 */
export function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
