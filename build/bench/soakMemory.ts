/**
 * The soak's memory figures: resident memory of every process of the benchmark sampled over
 * the run, each process named by what it serves (the benchmark itself; the host, a child
 * process of its own; the store host's Chromium; the timeline's and the equipment board's
 * windows) and its Chromium role, and the JavaScript
 * heap of the host and of each console window, which grows with what the code keeps (an RSS
 * trail also moves with the allocator's rhythm and with buffers outside the heap).
 */
import { readFileSync } from 'node:fs';
import { slopePerSecond } from './e2e';
import type { HostMemory } from './soakControl';
import type { PlainPage } from './plainPage';

/** A page whose heap the trails read: a console window, or the store host's page (its Chromium's pid). */
export type WatchedPage = Pick<PlainPage, 'pid' | 'protocol'>;
import { commandLine, roleOf } from './profileSummary';
import { descendantsOf, kbField, readProcesses, type ProcInfo } from './rss';

/** A process's resident memory in kB, or undefined once it is gone. */
export function residentKb(pid: number): number | undefined {
  try {
    return kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return undefined;
  }
}

/** `store_host_renderer`, `timeline_gpu_process`, `equipment_utility_networkservice`…: a key's suffix. */
function keyPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export interface Growth {
  readonly pid: number;
  /** What the process serves and its role, as a key suffix (`host`, `bench`, `timeline_renderer`…). */
  readonly name: string;
  readonly mbPerHour: number;
  /** Resident memory at the last sample. */
  readonly mbEnd: number;
}

/** Resident memory samples per process of the benchmark (this process and its descendants). */
export class MemoryTrail {
  private readonly samples = new Map<number, { name: string; kb: number[]; at: number[] }>();

  /**
   * `windows`: the browser process of each console window, by the name its processes go by;
   * `named`: other processes of the benchmark by name (the host, the publisher). This
   * process, the benchmark's own, is `bench`.
   */
  constructor(
    private readonly windows: ReadonlyMap<number, string>,
    private readonly named: ReadonlyMap<number, string> = new Map(),
  ) {}

  private nameOf(pid: number, processes: Map<number, ProcInfo>): string {
    const named = this.named.get(pid);
    if (named !== undefined) return named;
    if (pid === process.pid) return 'bench';
    const command = processes.get(pid)?.command ?? '?';
    const args = commandLine(pid);
    if (!/chrom/i.test(command) && !/chrom/i.test(args[0] ?? '')) return keyPart(command);
    let window: string | undefined;
    for (let at: number | undefined = pid; at !== undefined && at > 1 && window === undefined; at = processes.get(at)?.parent) window = this.windows.get(at);
    return keyPart(`${window ?? 'store host'} ${roleOf(args)}`);
  }

  sample(): void {
    const processes = readProcesses();
    for (const pid of [process.pid, ...descendantsOf(process.pid, processes)]) {
      const kb = residentKb(pid);
      if (kb === undefined) continue;
      const trail = this.samples.get(pid) ?? { name: this.nameOf(pid, processes), kb: [], at: [] };
      trail.kb.push(kb);
      trail.at.push(performance.now());
      this.samples.set(pid, trail);
    }
  }

  /** MB per hour from the second half of each process's samples; processes seen in fewer than 4 samples are left out. */
  growth(): Growth[] {
    const out: Growth[] = [];
    for (const [pid, trail] of this.samples) {
      if (trail.kb.length < 4) continue;
      const from = Math.floor(trail.kb.length / 2);
      const half = trail.kb.slice(from);
      const at = trail.at.slice(from);
      const spacingS = ((at[at.length - 1] as number) - (at[0] as number)) / 1000 / (at.length - 1);
      out.push({ pid, name: trail.name, mbPerHour: (slopePerSecond(half) / spacingS / 1024) * 3600, mbEnd: (half[half.length - 1] as number) / 1024 });
    }
    return out;
  }
}

/** The figures of the trail: the largest growth of each name (several processes may share one). */
export function growthFigures(growth: readonly Growth[]): Record<string, number> {
  const worst = new Map<string, number>();
  for (const g of growth) worst.set(g.name, Math.max(worst.get(g.name) ?? Number.NEGATIVE_INFINITY, g.mbPerHour));
  return Object.fromEntries([...worst].sort(([a], [b]) => a.localeCompare(b)).map(([name, mb]) => [`soak_rss_growth_mb_per_hour_${name}`, Math.round(mb * 10) / 10]));
}

/**
 * JavaScript heap in use, sampled like the resident memory (no forced collection, which
 * would itself bend the trail): the host's, each console window's and the store host page's.
 */
export class HeapTrail {
  private readonly samples = new Map<string, { mb: number[]; at: number[] }>();

  /** The heap after a forced collection, at each `collected()`. */
  private readonly live = new Map<string, { mb: number; at: number }[]>();

  /** `host`: the host process's heap after a forced full collection, in bytes. */
  constructor(
    private readonly pages: ReadonlyMap<string, WatchedPage>,
    private readonly host?: { collected(): Promise<number> },
  ) {}

  /** `hostHeapUsed`: the host's heap in use (bytes), sampled with its other memory figures. */
  async sample(hostHeapUsed?: number): Promise<void> {
    const add = (name: string, mb: number) => {
      const trail = this.samples.get(name) ?? { mb: [], at: [] };
      trail.mb.push(mb);
      trail.at.push(performance.now());
      this.samples.set(name, trail);
    };
    if (hostHeapUsed !== undefined) add('host', hostHeapUsed / (1024 * 1024));
    for (const [name, page] of this.pages) {
      const { usedSize } = (await page.protocol('Runtime.getHeapUsage')) as { usedSize: number };
      add(name, usedSize / (1024 * 1024));
    }
  }

  /**
   * The heap left after a full collection, now (the host's through its control channel,
   * soakControl.ts). Two of these say whether the code keeps what it
   * allocates: the samples above also climb while the collector merely waits for its next
   * major collection (heap snapshots of a soak showed the host's, the timeline's and the
   * equipment board's live heaps flat while their sampled heaps grew).
   */
  async collected(): Promise<void> {
    const at = performance.now();
    if (this.host) {
      const bytes = await this.host.collected();
      this.live.set('host', [...(this.live.get('host') ?? []), { mb: bytes / (1024 * 1024), at }]);
    }
    for (const [name, page] of this.pages) {
      await page.protocol('HeapProfiler.collectGarbage');
      const { usedSize } = (await page.protocol('Runtime.getHeapUsage')) as { usedSize: number };
      this.live.set(name, [...(this.live.get(name) ?? []), { mb: usedSize / (1024 * 1024), at }]);
    }
  }

  /** `soak_js_heap_growth_mb_per_hour_<name>`, from the second half of the samples. */
  figures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, trail] of this.samples) {
      if (trail.mb.length < 4) continue;
      const from = Math.floor(trail.mb.length / 2);
      const at = trail.at.slice(from);
      const spacingS = ((at[at.length - 1] as number) - (at[0] as number)) / 1000 / (at.length - 1);
      out[`soak_js_heap_growth_mb_per_hour_${name}`] = Math.round((slopePerSecond(trail.mb.slice(from)) / spacingS) * 3600 * 10) / 10;
    }
    // From the first collection to the last: what stayed reachable, per hour.
    for (const [name, points] of this.live) {
      const first = points[0];
      const last = points[points.length - 1];
      if (!first || !last || last.at <= first.at) continue;
      out[`soak_js_live_heap_growth_mb_per_hour_${name}`] = Math.round(((last.mb - first.mb) / (last.at - first.at)) * 3_600_000 * 10) / 10;
    }
    return out;
  }
}

/**
 * Where the host's resident memory goes: `process.memoryUsage()` (resident, V8 heap reserved
 * and used, memory outside the heap held by JavaScript objects, and its array buffers) and
 * V8's heap spaces (reserved and used size of new, old, large-object and code space), sampled like the
 * resident memory. Resident memory that grows while none of these does is outside V8's
 * accounting (the allocator, socket buffers of native modules): `native`, resident memory
 * less V8's heap (reserved) and the memory its objects hold outside it.
 */
export class HostMemoryTrail {
  private readonly samples = new Map<string, number[]>();
  private readonly at: number[] = [];

  /** One sample of the host process's figures (its control channel's `memory`). */
  sample(usage: HostMemory): void {
    const mb = (bytes: number) => bytes / (1024 * 1024);
    const add = (name: string, value: number) => this.samples.set(name, [...(this.samples.get(name) ?? []), value]);
    add('rss', mb(usage.rss));
    add('heap_total', mb(usage.heapTotal));
    add('heap_used', mb(usage.heapUsed));
    add('external', mb(usage.external));
    add('array_buffers', mb(usage.arrayBuffers));
    add('native', mb(usage.rss - usage.heapTotal - usage.external));
    for (const space of usage.spaces) {
      if (!/^(new|old|large_object|code)_space$/.test(space.name)) continue;
      // Reserved and in use apart: a space that V8 keeps large while little of it is used is the collector's sizing, not the code's.
      add(`${space.name}_size`, mb(space.size));
      add(`${space.name}_used`, mb(space.used));
    }
    this.at.push(performance.now());
  }

  /**
   * `soak_host_<what>_growth_mb_per_hour` over the second half of the samples, and
   * `soak_host_<what>_mb_end`, the last sample.
   */
  figures(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.at.length < 4) return out;
    const from = Math.floor(this.at.length / 2);
    const at = this.at.slice(from);
    const spacingS = ((at[at.length - 1] as number) - (at[0] as number)) / 1000 / (at.length - 1);
    for (const [name, mb] of this.samples) {
      out[`soak_host_${name}_growth_mb_per_hour`] = Math.round((slopePerSecond(mb.slice(from)) / spacingS) * 3600 * 10) / 10;
      out[`soak_host_${name}_mb_end`] = Math.round((mb[mb.length - 1] as number) * 10) / 10;
    }
    return out;
  }
}

/**
 * What a console window's renderer holds, sampled like the resident memory, to tell which part
 * grows: V8's heap (used and reserved), Blink's garbage-collected heap (Oilpan) and array
 * buffers' backing stores, the document's DOM nodes and listeners, Blink's layout counters,
 * and the renderer's resident memory split into anonymous and file-backed pages.
 */
export class RendererTrail {
  private readonly samples = new Map<string, { values: number[]; at: number[] }>();
  private readonly renderers = new Map<string, number>();
  private readonly collected = new Map<string, { rssMb: number; oilpanMb: number; at: number }[]>();

  constructor(private readonly pages: ReadonlyMap<string, WatchedPage>) {}

  /** Finds each page's renderer: the largest of its browser's renderer processes (the others are spares). */
  start(): void {
    const processes = readProcesses();
    for (const [name, page] of this.pages) {
      const renderers = descendantsOf(page.pid ?? -1, processes).filter((pid) => roleOf(commandLine(pid)) === 'renderer');
      const largest = renderers.reduce<number | undefined>((best, pid) => ((residentKb(pid) ?? 0) > (best === undefined ? -1 : (residentKb(best) ?? 0)) ? pid : best), undefined);
      if (largest !== undefined) this.renderers.set(name, largest);
    }
  }

  /**
   * The renderer's resident memory and Blink's heap right after a forced full collection
   * (HeapTrail.collected): growth from one of these to the next is kept, not the collector's rhythm.
   */
  async afterCollection(): Promise<void> {
    for (const [name, page] of this.pages) {
      const heap = (await page.protocol('Runtime.getHeapUsage')) as Record<string, number>;
      const pid = this.renderers.get(name);
      const kb = pid === undefined ? undefined : residentKb(pid);
      this.collected.set(name, [...(this.collected.get(name) ?? []), { rssMb: (kb ?? Number.NaN) / 1024, oilpanMb: (heap.embedderHeapUsedSize ?? Number.NaN) / (1024 * 1024), at: performance.now() }]);
    }
  }

  /** `soak_renderer_rss_after_gc_growth_mb_per_hour_<name>` and the Oilpan heap's, from the first collection to the last. */
  collectedFigures(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, points] of this.collected) {
      const first = points[0];
      const last = points[points.length - 1];
      if (!first || !last || last.at <= first.at) continue;
      const perHour = (from: number, to: number) => Math.round(((to - from) / (last.at - first.at)) * 3_600_000 * 10) / 10;
      out[`soak_renderer_rss_after_gc_growth_mb_per_hour_${name}`] = perHour(first.rssMb, last.rssMb);
      out[`soak_oilpan_after_gc_growth_mb_per_hour_${name}`] = perHour(first.oilpanMb, last.oilpanMb);
      out[`soak_renderer_rss_after_gc_mb_end_${name}`] = Math.round(last.rssMb * 10) / 10;
    }
    return out;
  }

  private add(key: string, value: number): void {
    const trail = this.samples.get(key) ?? { values: [], at: [] };
    trail.values.push(value);
    trail.at.push(performance.now());
    this.samples.set(key, trail);
  }

  async sample(): Promise<void> {
    const mb = (bytes: number) => bytes / (1024 * 1024);
    for (const [name, page] of this.pages) {
      const heap = (await page.protocol('Runtime.getHeapUsage')) as Record<string, number>;
      for (const field of ['usedSize', 'totalSize', 'embedderHeapUsedSize', 'backingStorageSize']) if (typeof heap[field] === 'number') this.add(`${name}_${field}_mb`, mb(heap[field]));
      const dom = (await page.protocol('Memory.getDOMCounters')) as Record<string, number>;
      for (const field of ['documents', 'nodes', 'jsEventListeners']) this.add(`${name}_${field}`, dom[field] ?? Number.NaN);
      const pid = this.renderers.get(name);
      if (pid === undefined) continue;
      try {
        const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
        for (const field of ['Rss', 'Anonymous', 'Private_Dirty', 'Shared_Clean', 'Private_Clean']) this.add(`${name}_renderer_${field}_mb`, kbField(rollup, field) / 1024);
      } catch {
        // Gone.
      }
    }
  }

  /** Growth per hour of each figure over the second half, and its last value. */
  figures(): Record<string, { perHour: number; end: number }> {
    const out: Record<string, { perHour: number; end: number }> = {};
    for (const [key, trail] of this.samples) {
      if (trail.values.length < 4) continue;
      const from = Math.floor(trail.values.length / 2);
      const at = trail.at.slice(from);
      const spacingS = ((at[at.length - 1] as number) - (at[0] as number)) / 1000 / (at.length - 1);
      out[key] = { perHour: Math.round((slopePerSecond(trail.values.slice(from)) / spacingS) * 3600 * 10) / 10, end: Math.round((trail.values[trail.values.length - 1] as number) * 10) / 10 };
    }
    return out;
  }
}
