/**
 * SHA-256 through Node's own crypto, for everything that hashes in a Node process. It gives
 * the same digests as the portable shared/audit/sha256.ts (a unit test holds them equal), in
 * about a third of the time.
 */
import * as crypto from 'node:crypto';
import { useSha256HexOfText } from '../../shared/audit/sha256';

type OneShotHash = (algorithm: string, data: string | Uint8Array, outputEncoding: 'hex') => string;
/** `crypto.hash` (Node 20.12 and later) skips the Hash object; older Nodes fall back to createHash. */
const oneShot = (crypto as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export const nodeSha256HexOfText: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** SHA-256 of `bytes`, as 64 lowercase hex digits: for text already encoded, so that it is not encoded again. */
export const nodeSha256HexOfBytes: (bytes: Uint8Array) => string = oneShot
  ? (bytes) => oneShot('sha256', bytes, 'hex')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Makes node:crypto the SHA-256 of the audit chain in this process (each Node entry point calls it first). */
export function useNodeSha256(): void {
  useSha256HexOfText(nodeSha256HexOfText);
}
