/**
 * The ids of the events outside the index's window (eventColumns.ts), four bytes an event:
 * enough to say where an id may be stored without keeping a seq or both hashes per event.
 *
 * Each entry is the low 16 bits of the id's first hash and the block of 4,096 seqs its event
 * is in (modulo 65,536), filed in one of 65,536 buckets by the hash's high 16 bits. An id
 * whose first hash is in no entry is not stored outside the window; one that is gives the
 * blocks to read (their summaries hold both hashes of every event), so a look-up stays exact.
 * Unrelated ids share a first hash about once in 4 billion pairs: a new id costs a read that
 * rarely, 0.2% of ids once 7 million events are stored.
 */

/**
 * The earliest and latest timestamp of each segment before the window, by its index in the
 * store's list of segments (16 bytes a segment): a time-range query skips the segments
 * outside its range without reading their summaries.
 */
export class SegmentTimes {
  private spans = new Float64Array(0);
  private count = 0;

  /** Adds the next segment's timestamps. */
  add(ts: ArrayLike<number>): void {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < ts.length; k++) {
      min = Math.min(min, ts[k]!);
      max = Math.max(max, ts[k]!);
    }
    if (this.spans.length < 2 * (this.count + 1)) {
      const grown = new Float64Array(Math.max(1024, 2 * this.spans.length));
      grown.set(this.spans);
      this.spans = grown;
    }
    this.spans[2 * this.count] = min;
    this.spans[2 * this.count + 1] = max;
    this.count += 1;
  }

  /** Whether segment `index` may hold a timestamp in [from, to] (yes for a segment not added). */
  overlaps(index: number, from: number, to: number): boolean {
    return index >= this.count || (this.spans[2 * index + 1]! >= from && this.spans[2 * index]! <= to);
  }
}

/** log2 of the seqs a block covers. */
const BLOCK_BITS = 12;
const BUCKETS = 65_536;

export class OldIds {
  /** Entries of bucket b are entries[start[b]..start[b + 1]): (low 16 bits of the hash) << 16 | block. */
  private start = new Uint32Array(BUCKETS + 1);
  private entries = new Uint32Array(0);

  get size(): number {
    return this.entries.length;
  }

  /** Files the events at seqs `first`, `first + 1`, … whose first id hashes are `idh1`. */
  add(first: number, idh1: Int32Array): void {
    if (idh1.length === 0) return;
    const counts = new Uint32Array(BUCKETS);
    for (const h of idh1) counts[h >>> 16]! += 1;
    const start = new Uint32Array(BUCKETS + 1);
    for (let b = 0; b < BUCKETS; b++) start[b + 1] = start[b]! + (this.start[b + 1]! - this.start[b]!) + counts[b]!;
    const entries = new Uint32Array(this.entries.length + idh1.length);
    const fill = new Uint32Array(BUCKETS);
    for (let b = 0; b < BUCKETS; b++) {
      const from = this.start[b]!;
      const to = this.start[b + 1]!;
      entries.set(this.entries.subarray(from, to), start[b]!);
      fill[b] = start[b]! + (to - from);
    }
    idh1.forEach((h, k) => {
      const bucket = h >>> 16;
      entries[fill[bucket]!++] = (((h & 0xffff) << 16) | (((first + k - 1) >>> BLOCK_BITS) & 0xffff)) >>> 0;
    });
    this.start = start;
    this.entries = entries;
  }

  /**
   * The seq ranges [lo, hi] (within 1..base) that may hold an event whose first id hash is
   * `h1`: one per matching entry's block and each block with the same number modulo 65,536.
   */
  rangesOf(h1: number, base: number): [number, number][] {
    const bucket = h1 >>> 16;
    const low = h1 & 0xffff;
    const blocks = new Set<number>();
    for (let at = this.start[bucket]!; at < this.start[bucket + 1]!; at++) {
      const entry = this.entries[at]!;
      if (entry >>> 16 === low) blocks.add(entry & 0xffff);
    }
    const ranges: [number, number][] = [];
    const wrap = 1 << (16 + BLOCK_BITS);
    for (const block of blocks) {
      for (let lo = (block << BLOCK_BITS) + 1; lo <= base; lo += wrap) ranges.push([lo, Math.min(base, lo + (1 << BLOCK_BITS) - 1)]);
    }
    return ranges.sort((a, b) => a[0] - b[0]);
  }
}
