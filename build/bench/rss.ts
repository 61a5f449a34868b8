/**
 * Peak resident memory of the benchmark: this Node process and every process it started
 * (Chromium's browser, GPU, utility and renderer processes are all its descendants).
 * Each sample walks /proc, finds the descendants and reads their VmHWM, the kernel's own
 * high-water mark of resident memory, so a peak between two samples is not missed for a
 * process still alive at the next sample. Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface RssPeaks {
  /** The largest peak of any single process, MiB. */
  readonly maxProcessMb: number;
  readonly nodeMb: number;
  /** The largest peak of any Chromium process. */
  readonly chromiumMb: number;
  /** The largest sum over all our processes, at one sample, of their proportional resident memory (Pss). */
  readonly totalMb: number;
}

export interface ProcInfo {
  readonly parent: number;
  readonly command: string;
}

export function readProcesses(): Map<number, ProcInfo> {
  const processes = new Map<number, ProcInfo>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return processes;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const parent = Number(stat.slice(close + 2).split(' ')[1]);
      processes.set(Number(name), { parent, command });
    } catch {
      // Gone while we looked.
    }
  }
  return processes;
}

export function descendantsOf(root: number, processes: Map<number, ProcInfo>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, info] of processes) {
    const list = children.get(info.parent);
    if (list) list.push(pid);
    else children.set(info.parent, [pid]);
  }
  const found: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

export const kbField = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);

/**
 * VmHWM of a process and its proportional share of resident memory (Pss: pages shared with
 * other processes counted in part), in KiB; undefined when the process is gone.
 */
function memoryOf(pid: number): { peakKb: number; shareKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let shareKb = kbField(status, 'VmRSS');
    try {
      shareKb = kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // Older kernels: fall back to the plain resident size.
    }
    return { peakKb: kbField(status, 'VmHWM'), shareKb };
  } catch {
    return undefined;
  }
}

export class RssSampler {
  private readonly peakKb = new Map<number, { kb: number; command: string }>();
  private totalKb = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 200): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const processes = readProcesses();
    const pids = [process.pid, ...descendantsOf(process.pid, processes)];
    let total = 0;
    for (const pid of pids) {
      const memory = memoryOf(pid);
      if (!memory) continue;
      total += memory.shareKb;
      const command = processes.get(pid)?.command ?? '';
      const known = this.peakKb.get(pid);
      if (!known || memory.peakKb > known.kb) this.peakKb.set(pid, { kb: memory.peakKb, command });
    }
    this.totalKb = Math.max(this.totalKb, total);
  }

  stop(): RssPeaks {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    let max = 0;
    let chromium = 0;
    for (const [pid, { kb, command }] of this.peakKb) {
      max = Math.max(max, kb);
      if (pid !== process.pid && /chrom/i.test(command)) chromium = Math.max(chromium, kb);
    }
    const mb = (kb: number) => kb / 1024;
    return { maxProcessMb: mb(max), nodeMb: mb(this.peakKb.get(process.pid)?.kb ?? 0), chromiumMb: mb(chromium), totalMb: mb(this.totalKb) };
  }
}
