/**
 * The profiler tool's arithmetic (e2eProfile.ts): CPU time per process from /proc, and a
 * V8 CPU profile's self time per function and per file, both per 1,000 events.
 */
import { readFileSync } from 'node:fs';
import { descendantsOf, readProcesses } from './rss';
import type { CpuProfile } from './profileDevTools';

const TICKS_PER_S = 100;

/** utime + stime of a /proc stat file, in ms (0 when the process is gone). */
export function cpuMsOf(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

export function commandLine(pid: number): string[] {
  try {
    // Chromium rewrites its helpers' command lines as one text with spaces.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  } catch {
    return [];
  }
}

/** A Chromium process's role: browser, renderer, gpu-process, utility (with its service), zygote. */
export function roleOf(args: readonly string[]): string {
  const type = args.find((arg) => arg.startsWith('--type='))?.slice(7);
  if (!type) return 'browser';
  const service = args.find((arg) => arg.startsWith('--utility-sub-type='))?.slice(19);
  return service ? `utility ${service.split('.').pop()}` : type;
}

/**
 * CPU ms so far of each process under `root`, by name: the host's main thread and its other
 * threads apart, Mosquitto, and each Chromium by what it serves (the store host, whose
 * profile is `storeProfile`, or the page) and its role. Processes of one name are summed.
 */
export function cpuByProcess(root: number, storeProfile: string): Map<string, number> {
  const processes = readProcesses();
  const totals = new Map<string, number>();
  const add = (name: string, ms: number) => totals.set(name, (totals.get(name) ?? 0) + ms);
  const main = cpuMsOf(`/proc/${root}/task/${root}/stat`);
  add('host main thread', main);
  add('host other threads (GC, libuv)', cpuMsOf(`/proc/${root}/stat`) - main);
  const groupOf = new Map<number, string>();
  for (const pid of descendantsOf(root, processes)) {
    const args = commandLine(pid);
    const command = processes.get(pid)?.command ?? '';
    if (/mosquitto/.test(command)) {
      add('mosquitto', cpuMsOf(`/proc/${pid}/stat`));
      continue;
    }
    // The benchmark's MQTT publisher (mqttSource.ts), a process of its own: its CPU is not the host's.
    if (args.some((arg) => arg.endsWith('e2ePublisher.ts'))) {
      add('bench publisher', cpuMsOf(`/proc/${pid}/stat`));
      continue;
    }
    if (!/chrom/i.test(command) && !/chrom/i.test(args[0] ?? '')) continue;
    const role = roleOf(args);
    let group = groupOf.get(processes.get(pid)?.parent ?? -1);
    if (role === 'browser') group = args.some((arg) => arg === `--user-data-dir=${storeProfile}`) ? 'store host' : 'page';
    group ??= 'chromium';
    groupOf.set(pid, group);
    add(`${group} chromium ${role}`, cpuMsOf(`/proc/${pid}/stat`));
  }
  return totals;
}

/**
 * A sample stands for at most this many sampling intervals (the median gap between samples):
 * about 10 ms at the usual 250 µs. On a loaded machine the sampler thread is sometimes not
 * scheduled for seconds; the next sample then carries that whole gap, and whatever happened to
 * be on the stack would lead the "by function" list with time nobody spent there. Gaps of a
 * few ms (a time slice lost to another process) are common under load and are kept: a cap of
 * 5 intervals left out 38 of 98 ms per 1,000 events of the host's profile at load 5-8.
 */
export const SAMPLE_GAP_CAP = 40;

/**
 * The time each sample stands for, in µs: the gap to the next sample (V8's timeDeltas[i + 1]),
 * capped at SAMPLE_GAP_CAP times the median gap. `droppedUs` is what the cap left out.
 */
export function sampleTimes(profile: CpuProfile): { readonly us: number[]; readonly capUs: number; readonly droppedUs: number; readonly capped: number } {
  const gaps = profile.samples.map((_, i) => Math.max(0, profile.timeDeltas[i + 1] ?? 0));
  const sorted = gaps.filter((gap) => gap > 0).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const capUs = median * SAMPLE_GAP_CAP;
  let droppedUs = 0;
  let capped = 0;
  const us = gaps.map((gap) => {
    if (gap <= capUs) return gap;
    droppedUs += gap - capUs;
    capped += 1;
    return capUs;
  });
  return { us, capUs, droppedUs, capped };
}

/**
 * Self time of a profile by function and by file, the largest first, in ms per 1,000 events
 * (sample gaps capped: see sampleTimes).
 */
export function summarise(profile: CpuProfile, events: number, top = 25): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const times = sampleTimes(profile);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (times.us[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^.*\/(node_modules\/[^/]+|[^/]+\/[^/]+)$/, '$1') || `(${frame.functionName || 'native'})`;
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    total += us;
  }
  const perThousand = (us: number) => ((us / 1000) * 1000) / events;
  const rows = (map: Map<string, number>) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => `  - ${perThousand(us).toFixed(2)} ${name}`);
  const gapNote = times.capped > 0 ? `; ${times.capped} sample gaps over ${Math.round(times.capUs)} µs cut to it, leaving out ${perThousand(times.droppedUs).toFixed(1)}` : '';
  return [`total sampled ${perThousand(total).toFixed(1)} ms per 1,000 events (idle included as "(idle)")${gapNote}`, '- by file:', ...rows(byFile), '- by function:', ...rows(byFunction)];
}
