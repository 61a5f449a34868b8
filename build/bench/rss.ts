/**
 * Peak resident memory of the benchmark: this Node process and every process it started
 * (Chromium's browser, GPU, utility and renderer processes are all its descendants).
 * Each sample walks /proc, finds the descendants and reads their VmHWM, the kernel's own
 * high-water mark of resident memory, so a peak between two samples is not missed for a
 * process still alive at the next sample. Linux only; elsewhere it reports nothing.
 *
 * The sampling runs in a worker thread (rssWorker.ts), never on the main thread: the main
 * thread is the console host under measurement in most sections, and reading
 * `/proc/<pid>/smaps_rollup` makes the kernel walk the whole address space of each process.
 * A profile of `--only journal --quick` found that reading, done every 200 ms on the main
 * thread, took 39 of the run's 90 s of main-thread time (about 90 ms per sample), stalling
 * the host it measured. The proportional share (Pss) is now read once every ten samples;
 * the peaks (VmHWM) at every sample, which costs little.
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
function memoryOf(pid: number, withShare: boolean): { peakKb: number; shareKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let shareKb = kbField(status, 'VmRSS');
    if (withShare) try {
      shareKb = kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {
      // Older kernels: fall back to the plain resident size.
    }
    return { peakKb: kbField(status, 'VmHWM'), shareKb };
  } catch {
    return undefined;
  }
}

/** The sampling itself, synchronous: run by the worker thread. */
export class RssProbe {
  private readonly peakKb = new Map<number, { kb: number; command: string }>();
  private totalKb = 0;
  private samples = 0;

  constructor(private readonly root: number) {}

  sample(): void {
    // Pss (the costly read) on the first sample and every tenth after it.
    const withShare = this.samples++ % 10 === 0;
    const processes = readProcesses();
    const pids = [this.root, ...descendantsOf(this.root, processes)];
    let total = 0;
    for (const pid of pids) {
      const memory = memoryOf(pid, withShare);
      if (!memory) continue;
      total += memory.shareKb;
      const command = processes.get(pid)?.command ?? '';
      const known = this.peakKb.get(pid);
      if (!known || memory.peakKb > known.kb) this.peakKb.set(pid, { kb: memory.peakKb, command });
    }
    if (withShare) this.totalKb = Math.max(this.totalKb, total);
  }

  peaks(): RssPeaks {
    let max = 0;
    let chromium = 0;
    for (const [pid, { kb, command }] of this.peakKb) {
      max = Math.max(max, kb);
      if (pid !== this.root && /chrom/i.test(command)) chromium = Math.max(chromium, kb);
    }
    const mb = (kb: number) => kb / 1024;
    return { maxProcessMb: mb(max), nodeMb: mb(this.peakKb.get(this.root)?.kb ?? 0), chromiumMb: mb(chromium), totalMb: mb(this.totalKb) };
  }
}

/** Samples in a worker thread from `start` until `stop`, which resolves with the peaks. */
export class RssSampler {
  private worker: Worker | undefined;
  private failure: Error | undefined;

  start(intervalMs = 200): this {
    // Node 20 does not carry tsx's loader into workers: the worker loads its TypeScript through tsx's API.
    const entry = new URL('./rssWorker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    this.worker = new Worker(boot, { eval: true, workerData: { root: process.pid, intervalMs } });
    this.worker.once('error', (error) => (this.failure = error));
    this.worker.unref();
    return this;
  }

  async stop(): Promise<RssPeaks> {
    const worker = this.worker;
    if (!worker) throw new Error('the memory sampler was not started');
    this.worker = undefined;
    if (this.failure) throw new Error(`the memory sampler failed: ${this.failure.message}`);
    const peaks = new Promise<RssPeaks>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', (error) => reject(new Error(`the memory sampler failed: ${error.message}`)));
    });
    worker.postMessage('stop');
    try {
      return await peaks;
    } finally {
      await worker.terminate();
    }
  }
}
