/**
 * kill -9 of the browser-mode host's whole process group (what a power button, the OOM
 * killer or `kill -9 -PGID` does), with the simulator publishing, then a new start on the same
 * data folder: it must start (a store host left by the dead run must not hold the profile),
 * and every event the journal acknowledged must be in the store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { processesUsingProfile } from '../../main/platform/dataDirLock';
import { startWebHost, type WebHost } from '../../main/web/server';
import { readJournal } from '../../main/store/journalReader';
import type { StoredEvent } from '../../shared/events/event';

const dataDir = mkdtempSync(join(tmpdir(), 'plant-kill-'));
const hosts: WebHost[] = [];
afterAll(async () => {
  for (const host of hosts) await host.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `npm run web` in a process group of its own; resolves with its pid once it serves. */
function startHostProcess(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/cli.ts', '--data-dir', dataDir, '--simulator-rate', '500'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let said = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (said.includes('(browser mode) at http')) resolve(child.pid as number);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
    child.on('exit', (code) => reject(new Error(`the host exited (${code}) before it served:\n${said}`)));
  });
}

it('a start after kill -9 of the host process group succeeds and keeps every journaled event', async () => {
  const cycles = 2;
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const pid = await startHostProcess();
    // Let the simulator publish for a while.
    await expect.poll(async () => (await readJournal(dataDir)).ok && ((await readJournal(dataDir)) as { events: number }).events, { timeout: 30_000 }).toBeGreaterThan(cycle * 300);
    process.kill(-pid, 'SIGKILL');
    const journaled: StoredEvent[] = [];
    const verdict = await readJournal(dataDir, { onEvents: async (events) => void journaled.push(...events) });
    expect(verdict.ok).toBe(true);
    // The store host dies with its host (its watchdog sees the host's pipe close).
    await expect.poll(() => processesUsingProfile(join(dataDir, 'chromium-profile')).length, { timeout: 10_000 }).toBe(0);

    const host = await startWebHost({ dataDir, core: { healthEverySeconds: 0 } });
    hosts.push(host);
    let lost = 0;
    for (const event of journaled) if ((await host.core.store.getBySeq(event.seq))?.hash !== event.hash) lost++;
    console.log(`kill -9 cycle ${cycle}: tried ${journaled.length}, survived ${journaled.length - lost}, lost ${lost}${host.recovery ? `; recovered: ${host.recovery.sentence}` : ''}`);
    expect(lost).toBe(0);
    await host.close();
    hosts.pop();
  }
});
