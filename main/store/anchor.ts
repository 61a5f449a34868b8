/**
 * The anchor: a small record in the data folder, outside IndexedDB, of what the store had
 * committed: the database's identity (the id of its first event), the head seq and the head
 * hash. Main rewrites it at most once a second while appends happen, and at shutdown. A
 * store found behind it, with another first event, or with another hash at its seq, lost
 * or rewrote history that was acknowledged.
 *
 * Written atomically: a temporary file, flushed to disk, renamed over the old one, and the
 * folder flushed, so a crash leaves either the old anchor or the new one, never half of one.
 */
import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HASH_PATTERN } from '../../shared/audit/chain';

export const ANCHOR_FILE = 'store-anchor.json';

export interface Anchor {
  /** The id of the event at seq 1, or null while the store is empty. */
  readonly databaseId: string | null;
  readonly seq: number;
  /** The store hash of the event at `seq`. */
  readonly hash: string;
  /** ISO time of the write. */
  readonly writtenAt: string;
}

export type AnchorRead = { readonly ok: true; readonly anchor: Anchor | null } | { readonly ok: false; readonly reason: string };

/** The anchor of `dataDir`: null when there is none yet; a reason when the file is not an anchor. */
export function readAnchor(dataDir: string): AnchorRead {
  let text: string;
  try {
    text = readFileSync(join(dataDir, ANCHOR_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, anchor: null };
    return { ok: false, reason: `${ANCHOR_FILE} cannot be read (${(error as Error).message})` };
  }
  try {
    const value = JSON.parse(text) as Partial<Anchor>;
    const { databaseId, seq, hash, writtenAt } = value;
    if ((databaseId !== null && typeof databaseId !== 'string') || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0
      || typeof hash !== 'string' || !HASH_PATTERN.test(hash) || typeof writtenAt !== 'string') {
      return { ok: false, reason: `${ANCHOR_FILE} is not a store anchor (a field is missing or of the wrong kind)` };
    }
    return { ok: true, anchor: { databaseId, seq, hash, writtenAt } };
  } catch {
    return { ok: false, reason: `${ANCHOR_FILE} is not JSON: it was damaged or edited` };
  }
}

/** Replaces the anchor of `dataDir` atomically. */
export async function writeAnchor(dataDir: string, anchor: Omit<Anchor, 'writtenAt'>, now = Date.now()): Promise<void> {
  const path = join(dataDir, ANCHOR_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  const text = `${JSON.stringify({ ...anchor, writtenAt: new Date(now).toISOString() })}\n`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const folder = await open(dataDir, 'r');
  await folder.sync().finally(() => folder.close());
}
