/**
 * Who holds a data folder. The browser-mode host records itself in `<data folder>/host.lock`
 * (its pid and that process's start time, so a pid reused by another program after a crash
 * is not taken for the host). Before a start, and before the audit command line opens the
 * store, `claimDataDir` refuses a folder whose host is alive with one sentence, and stops
 * Chromium processes left by a crashed host: only those whose command line names this
 * folder's profile (Linux /proc; elsewhere there is nothing to scan and Chromium's own lock
 * speaks).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOST_LOCK_FILE = 'host.lock';

interface HostLock {
  readonly pid: number;
  readonly started: string;
}

/** A process's state letter and start time (clock ticks since boot), from /proc; null when there is no such entry. */
function processStat(pid: number): { state: string; started: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', started: fields[19] ?? '' };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live host holding `dataDir` (this process's own, while a host here has it open), or null. */
export function runningHost(dataDir: string): number | null {
  let lock: HostLock;
  try {
    lock = JSON.parse(readFileSync(join(dataDir, HOST_LOCK_FILE), 'utf8')) as HostLock;
  } catch {
    return null;
  }
  if (typeof lock.pid !== 'number' || !alive(lock.pid)) return null;
  const stat = processStat(lock.pid);
  // No /proc (not Linux): a live pid is taken at its word. A zombie (killed, not yet reaped) is gone.
  if (stat === null) return lock.pid;
  return stat.started === lock.started && stat.state !== 'Z' && stat.state !== 'X' ? lock.pid : null;
}

export function writeHostLock(dataDir: string): void {
  writeFileSync(join(dataDir, HOST_LOCK_FILE), `${JSON.stringify({ pid: process.pid, started: processStat(process.pid)?.started ?? '' })}\n`, { mode: 0o600 });
}

export function releaseHostLock(dataDir: string): void {
  try {
    const lock = JSON.parse(readFileSync(join(dataDir, HOST_LOCK_FILE), 'utf8')) as HostLock;
    if (lock.pid === process.pid) rmSync(join(dataDir, HOST_LOCK_FILE), { force: true });
  } catch {
    // No lock, or not ours.
  }
}

/** Processes whose command line holds `--user-data-dir=<profileDir>`. */
export function processesUsingProfile(profileDir: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const flag = `--user-data-dir=${profileDir}`;
  return pids.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(flag);
    } catch {
      return false;
    }
  });
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Refuses `dataDir` when a live host has it (one sentence, naming the pid), and kills what a
 * crashed host left running on its profile. Resolves once those processes are gone.
 */
export async function claimDataDir(dataDir: string, profileDir: string, log: (line: string) => void = () => undefined): Promise<void> {
  const host = runningHost(dataDir);
  if (host !== null) throw new DataDirInUseError(`the Plant Event Console is running on ${dataDir} (pid ${host}); stop it first, or use "npm run audit -- backup", which works while it runs`);
  const leftovers = processesUsingProfile(profileDir);
  if (leftovers.length > 0) await stopLeftovers(profileDir, leftovers, log);
  // Nothing uses the profile now. Chromium's own lock left by a killed run (or inside a copy
  // of the profile put back) would make it refuse to start ("in use by another process").
  for (const name of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) rmSync(join(profileDir, name), { force: true });
}

async function stopLeftovers(profileDir: string, leftovers: readonly number[], log: (line: string) => void): Promise<void> {
  log(`store host: stopping ${leftovers.length} Chromium process(es) left on ${profileDir} by a run that ended without stopping them (pids ${leftovers.join(', ')})`);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  const deadline = Date.now() + 5_000;
  while (processesUsingProfile(profileDir).length > 0) {
    if (Date.now() > deadline) throw new DataDirInUseError(`Chromium processes ${processesUsingProfile(profileDir).join(', ')} hold ${profileDir} and did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
