/**
 * SHA-256 through Node's own crypto, for stores that run in a Node process. It gives the same
 * digests as the portable shared/audit/sha256.ts (a unit test holds them equal), in about a
 * third of the time.
 */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;
/** `crypto.hash` (Node 20.12 and later) skips the Hash object; older Nodes fall back to createHash. */
const oneShot = (crypto as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits. */
export const nodeSha256HexOfText: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
