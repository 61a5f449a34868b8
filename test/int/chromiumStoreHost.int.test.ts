/**
 * The Chromium platform of the store-host supervisor with stand-in executables (real
 * processes, no Chromium): a browser that cannot be started, one that dies at once saying
 * why, and one that never connects. Each start fails with one sentence, and nothing it
 * spawned is left running.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { supervisedChromiumStoreHost } from '../../main/platform/chromiumStoreHost';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A shell script standing in for Chromium; it writes its pid to `pid` in its folder first. */
function fakeBrowser(body: string): { path: string; pidFile: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'plant-fake-chromium-'));
  dirs.push(dir);
  const path = join(dir, 'chromium');
  const pidFile = join(dir, 'pid');
  writeFileSync(path, `#!/bin/sh\necho $$ > "${pidFile}"\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, pidFile, dir };
}

function host(chromiumPath: string, dir: string, readyTimeoutMs = 30_000) {
  return supervisedChromiumStoreHost(
    { chromiumPath, pageFile: join(dir, 'index.html'), profileDir: join(dir, 'profile'), memory: true, socketUrl: 'ws://127.0.0.1:9/store' },
    { readyTimeoutMs, log: () => undefined },
  );
}

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the Chromium store host platform', () => {
  it('says which executable could not be started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plant-no-chromium-'));
    dirs.push(dir);
    const missing = join(dir, 'no-such-chromium');
    const subject = host(missing, dir);
    await expect(subject.supervisor.connect()).rejects.toThrow(`cannot start Chromium (${missing}): spawn ${missing} ENOENT`);
    await subject.supervisor.stop();
  });

  it('reports a browser that exits before its page connects, with what it said on stderr', async () => {
    const fake = fakeBrowser('echo "profile is locked by another process" >&2\nexit 21');
    const subject = host(fake.path, fake.dir);
    const failure = subject.supervisor.connect();
    await expect(failure).rejects.toThrow(/Chromium exited before the store host page connected \(Chromium \(pid \d+\) exited \(code 21\)\)/);
    await expect(failure).rejects.toThrow(/Chromium said:\n {2}profile is locked by another process/);
    expect(subject.supervisor.health()).toMatchObject({ state: 'lost', failures: 1 });
    await subject.supervisor.stop();
  });

  it('stops a browser whose page never connects (and all of its process group) when the start times out', async () => {
    const fake = fakeBrowser('sleep 600 &\nwait');
    const subject = host(fake.path, fake.dir, 1_500);
    await expect(subject.supervisor.connect()).rejects.toThrow('the store host page did not become ready within 1500 ms');
    const pid = Number(readFileSync(fake.pidFile, 'utf8'));
    expect(running(pid)).toBe(false);
    // Its child (the sleep) was in the same group: gone too.
    expect(() => process.kill(-pid, 0)).toThrow();
    await subject.supervisor.stop();
  });

  it('asks only the browser process to end, so that it closes its helpers (the storage process among them) itself', async () => {
    // The stand-in's helper notes who ended it: the browser (USR1, its orderly shutdown) or a
    // SIGTERM from outside, which would stop a real storage process in the middle of a write.
    const fake = fakeBrowser(
      [
        `( trap 'echo "a SIGTERM from outside" >> "$(dirname "$0")/helper"' TERM`,
        `  trap 'echo "closed by the browser" >> "$(dirname "$0")/helper"; exit 0' USR1`,
        '  while :; do sleep 0.05; done ) &',
        'HELPER=$!',
        "trap 'kill -USR1 $HELPER; wait $HELPER; exit 0' TERM",
        'while :; do sleep 0.05; done',
      ].join('\n'),
    );
    const subject = host(fake.path, fake.dir, 1_500);
    await expect(subject.supervisor.connect()).rejects.toThrow('the store host page did not become ready within 1500 ms');
    expect(readFileSync(join(fake.dir, 'helper'), 'utf8')).toBe('closed by the browser\n');
    const pid = Number(readFileSync(fake.pidFile, 'utf8'));
    expect(() => process.kill(-pid, 0)).toThrow();
    await subject.supervisor.stop();
  });

  it('lets in only the page it started: a socket with another token is refused', async () => {
    const fake = fakeBrowser('sleep 600 &\nwait');
    const subject = host(fake.path, fake.dir);
    const connecting = subject.supervisor.connect();
    await expect.poll(() => {
      try {
        return readFileSync(fake.pidFile, 'utf8').length > 0;
      } catch {
        return false;
      }
    }).toBe(true);
    expect(subject.expects('guessed-token')).toBe(false);
    expect(subject.expects(null)).toBe(false);
    const closed: unknown[] = [];
    subject.acceptSocket({ close: (...args: unknown[]) => closed.push(args) } as never, 'guessed-token');
    expect(closed).toEqual([[1008, 'not the store host this host started']]);
    await subject.supervisor.stop();
    await expect(connecting).rejects.toThrow(/stopping/);
    expect(running(Number(readFileSync(fake.pidFile, 'utf8')))).toBe(false);
  });
});
