/**
 * Peak resident memory of the benchmark: this Node process and every process it started
 * (Chromium's browser, GPU, utility and renderer processes are all its descendants).
 * Each sample walks /proc, finds the descendants and reads their VmHWM, the kernel's own
 * high-water mark of resident memory, so a peak between two samples is not missed for a
 * process still alive at the next sample. Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

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
function memoryOf(pid: number, withPss: boolean): { peakKb: number; shareKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let shareKb = kbField(status, 'VmRSS');
    if (!withPss) return { peakKb: kbField(status, 'VmHWM'), shareKb };
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

/**
 * The peaks seen so far. VmHWM is the kernel's own high-water mark, so it is read at every
 * sample; Pss (smaps_rollup) makes the kernel walk every mapping of a process, about 15 ms
 * per Chromium process here, so it is read at every `pssEvery`-th sample only.
 */
export class PeakTracker {
  private readonly peakKb = new Map<number, { kb: number; command: string }>();
  private totalKb = 0;
  private samples = 0;

  constructor(private readonly pssEvery = 1) {}

  sample(): void {
    const processes = readProcesses();
    const pids = [process.pid, ...descendantsOf(process.pid, processes)];
    const withPss = this.samples++ % this.pssEvery === 0;
    let total = 0;
    for (const pid of pids) {
      const memory = memoryOf(pid, withPss);
      if (!memory) continue;
      total += memory.shareKb;
      const command = processes.get(pid)?.command ?? '';
      const known = this.peakKb.get(pid);
      if (!known || memory.peakKb > known.kb) this.peakKb.set(pid, { kb: memory.peakKb, command });
    }
    if (withPss) this.totalKb = Math.max(this.totalKb, total);
  }

  /** The peaks in KiB: largest process, this process, largest Chromium process, largest total. */
  peaksKb(): [number, number, number, number] {
    let max = 0;
    let chromium = 0;
    for (const [pid, { kb, command }] of this.peakKb) {
      max = Math.max(max, kb);
      if (pid !== process.pid && /chrom/i.test(command)) chromium = Math.max(chromium, kb);
    }
    return [max, this.peakKb.get(process.pid)?.kb ?? 0, chromium, this.totalKb];
  }
}

/**
 * Samples in a worker thread (rssWorker.ts). Reading /proc on the main thread took half of
 * the host's event loop in the e2e section (smaps_rollup of every Chromium process every
 * 200 ms), and the host runs in this process: the figures measured the sampler.
 */
export class RssSampler {
  private readonly shared = new Float64Array(new SharedArrayBuffer(4 * Float64Array.BYTES_PER_ELEMENT));
  private worker: Worker | undefined;

  start(intervalMs = 200): this {
    const entry = new URL('./rssWorker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    this.worker = new Worker(boot, { eval: true, workerData: { intervalMs, shared: this.shared } });
    this.worker.unref();
    return this;
  }

  /** The peaks: the worker's, and one last sample taken here. */
  stop(): RssPeaks {
    void this.worker?.terminate();
    this.worker = undefined;
    const last = new PeakTracker();
    last.sample();
    const [max, node, chromium, total] = last.peaksKb().map((kb, i) => Math.max(kb, this.shared[i] ?? 0)) as [number, number, number, number];
    const mb = (kb: number) => kb / 1024;
    return { maxProcessMb: mb(max), nodeMb: mb(node), chromiumMb: mb(chromium), totalMb: mb(total) };
  }
}
