/**
 * The store page harness keeps IndexedDB on disk: a value written survives closing the
 * browser and relaunching it on the same profile, and is absent from a fresh profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { openStorePage } from '../support/browserPage';

const made: string[] = [];
function freshProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plant-profile-'));
  made.push(dir);
  return dir;
}
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Raw IndexedDB in the page: put or get one value in database `smoke`, store `kv`. */
function kv(page: Page, op: 'put' | 'get', value?: string): Promise<string | null> {
  return page.evaluate(
    ([op, value]) =>
      new Promise<string | null>((resolve, reject) => {
        const request = indexedDB.open('smoke', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('kv');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction('kv', op === 'put' ? 'readwrite' : 'readonly');
          const store = tx.objectStore('kv');
          const read = op === 'put' ? store.put(value, 'key') : store.get('key');
          tx.oncomplete = () => {
            db.close();
            resolve(op === 'put' ? null : ((read.result as string | undefined) ?? null));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [op, value] as const,
  );
}

describe('openStorePage', () => {
  it('keeps IndexedDB across a browser restart on the same profile, not on a fresh one', async () => {
    const profileDir = freshProfile();
    const written = `written-${Date.now()}`;

    const first = await openStorePage({ profileDir });
    expect(first.page.url()).toMatch(/^file:\/\//);
    expect(await first.page.evaluate(() => typeof window.__store?.open)).toBe('function');
    expect(first.browserPid).toBeGreaterThan(0);
    const firstUrl = first.page.url();
    await kv(first.page, 'put', written);
    expect(await kv(first.page, 'get')).toBe(written);
    await first.close();

    const again = await openStorePage({ profileDir });
    expect(again.page.url()).toBe(firstUrl);
    expect(await kv(again.page, 'get')).toBe(written);
    await again.close();

    const other = await openStorePage({ profileDir: freshProfile() });
    expect(await kv(other.page, 'get')).toBeNull();
    await other.close();
  }, 90_000);
});
