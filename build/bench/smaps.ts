/**
 * Where a process's resident memory lies, by the kind of mapping that holds it
 * (/proc/<pid>/smaps): glibc's main heap (`[heap]`, grown with brk), glibc's other malloc
 * arenas (anonymous reservations of 64 MiB at 64 MiB boundaries, which threads other than
 * the main one allocate from), other anonymous mappings (V8's heap pages and code space,
 * malloc's large blocks of their own, thread stacks), files (the node binary, libraries,
 * ICU data) and the rest (`[stack]`, `[vdso]`…). A process whose resident memory grows while
 * V8's heap does not shows here which allocator keeps it.
 */
import { readFileSync } from 'node:fs';
import { slopePerSecond } from './e2e';

/** glibc's arena heaps: HEAP_MAX_SIZE on 64-bit machines, each reserved at a multiple of it. */
const ARENA_BYTES = 64 * 1024 * 1024;

export const MAPPING_KINDS = ['brk_heap', 'malloc_arenas', 'anonymous', 'files', 'other'] as const;
export type MappingKind = (typeof MAPPING_KINDS)[number];

interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  rssKb: number;
}

function mappingsOf(smaps: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of smaps.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S{4} \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      out.push({ start: parseInt(header[1] as string, 16), end: parseInt(header[2] as string, 16), name: (header[3] as string).trim(), rssKb: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = out[out.length - 1];
    if (rss && last) last.rssKb = Number(rss[1]);
  }
  return out;
}

/** Resident kB per kind of mapping in the text of /proc/<pid>/smaps. */
export function residentByKind(smaps: string): Record<MappingKind, number> {
  const kb: Record<MappingKind, number> = { brk_heap: 0, malloc_arenas: 0, anonymous: 0, files: 0, other: 0 };
  const mappings = mappingsOf(smaps);
  // An arena: anonymous mappings (its used part, then the reserved rest) that together cover
  // exactly 64 MiB from a 64 MiB boundary.
  const inArena = new Set<Mapping>();
  for (let i = 0; i < mappings.length; i++) {
    const first = mappings[i] as Mapping;
    if (first.name !== '' || first.start % ARENA_BYTES !== 0) continue;
    const run: Mapping[] = [];
    for (let j = i, at = first.start; j < mappings.length && (mappings[j] as Mapping).name === '' && (mappings[j] as Mapping).start === at && at < first.start + ARENA_BYTES; j++) {
      run.push(mappings[j] as Mapping);
      at = (mappings[j] as Mapping).end;
    }
    if (run.length > 0 && (run[run.length - 1] as Mapping).end === first.start + ARENA_BYTES) run.forEach((m) => inArena.add(m));
  }
  for (const m of mappings) {
    const kind: MappingKind = m.name === '[heap]' ? 'brk_heap' : inArena.has(m) ? 'malloc_arenas' : m.name === '' ? 'anonymous' : m.name.startsWith('/') ? 'files' : 'other';
    kb[kind] += m.rssKb;
  }
  return kb;
}

/** The kinds' resident memory of one process sampled over a run (a missing or unreadable sample is skipped). */
export class SmapsTrail {
  private readonly samples: { at: number; kb: Record<MappingKind, number> }[] = [];

  constructor(private readonly pid: () => number | undefined) {}

  sample(): void {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      this.samples.push({ at: performance.now(), kb: residentByKind(readFileSync(`/proc/${pid}/smaps`, 'utf8')) });
    } catch {
      // Gone.
    }
  }

  /** `<prefix>_<kind>_mb_end` and `<prefix>_<kind>_growth_mb_per_hour` (the second half's slope). */
  figures(prefix: string): Record<string, number> {
    const out: Record<string, number> = {};
    const last = this.samples[this.samples.length - 1];
    if (this.samples.length < 4 || !last) return out;
    const half = this.samples.slice(Math.floor(this.samples.length / 2));
    const spacingS = ((half[half.length - 1] as { at: number }).at - (half[0] as { at: number }).at) / 1000 / (half.length - 1);
    for (const kind of MAPPING_KINDS) {
      out[`${prefix}_${kind}_mb_end`] = Math.round((last.kb[kind] / 1024) * 10) / 10;
      out[`${prefix}_${kind}_growth_mb_per_hour`] = Math.round(((slopePerSecond(half.map((s) => s.kb[kind])) / spacingS / 1024) * 3600) * 10) / 10;
    }
    return out;
  }
}
