/**
 * Process groups of the Chromium store host (Linux and macOS). Chromium runs in a group of
 * its own so that stopping it stops its helpers too, and a small watchdog stops that group
 * if this process dies without doing so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

export function killGroup(group: number | undefined, signal: NodeJS.Signals): void {
  if (group === undefined) return;
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to one process (not its group), if it is still there. */
export function terminate(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** Waits (up to `boundMs`) until no process of `group` runs; kills nothing. */
export async function groupGone(group: number | undefined, boundMs: number): Promise<void> {
  if (group === undefined) return;
  const deadline = Date.now() + boundMs;
  while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Kills whatever is left of `group` and waits (up to 5 s) until none of it runs. */
export async function stopGroup(group: number | undefined): Promise<void> {
  if (group === undefined) return;
  killGroup(group, 'SIGKILL');
  await groupGone(group, 5_000);
}

/**
 * Chromium's own group also means that a kill -9 of the host's group leaves it running,
 * holding the profile. This small shell, in yet another group, waits on a pipe from this
 * process: when this process dies, for whatever reason, the pipe closes and the shell kills
 * Chromium's group. (Chromium itself cannot watch a pipe; Node cannot ask Linux for a
 * parent-death signal.)
 */
export function startWatchdog(group: number | undefined): ChildProcess | undefined {
  if (group === undefined || process.platform === 'win32') return undefined;
  const watchdog = spawn('/bin/sh', ['-c', 'read _ || true; kill -s KILL -- -"$1" 2>/dev/null', 'store-host-watchdog', String(group)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined);
  // Neither the shell nor its pipe keeps this process's event loop alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}
