/**
 * Event id → seq for the in-memory store: an open-addressed table of seqs in one typed array,
 * keyed by a hash of the id, with each seq's hash kept in a column so that growing the table
 * and passing over other ids touch no event. A hit is confirmed on the stored event's id. A
 * Map from id strings did the same job at several times the cost per append, most of it the
 * garbage collector's bookkeeping for a large table pointing at new strings; typed arrays
 * hold no pointers.
 */
import { grown } from './grown';
import { hash32 } from './hash32';

const ID_SEED = 0x2545f491;

export class IdIndex {
  private table = new Int32Array(2048);
  /** The hash of the id stored at each seq, by seq - 1. */
  private hashes = new Int32Array(1024);
  private count = 0;

  /** `idAt(seq)` is the id of the event stored at seq (undefined where there is none). */
  constructor(private readonly idAt: (seq: number) => string | undefined) {}

  /** Records that `id` is stored at `seq`; the caller has checked that the id is new. */
  add(id: string, seq: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    this.hashes = grown(this.hashes, seq);
    const hash = hash32(id, ID_SEED);
    this.hashes[seq - 1] = hash;
    this.place(hash, seq);
    this.count += 1;
  }

  /** The seq of the event stored with `id`, or undefined. */
  seqOf(id: string): number | undefined {
    if (typeof id !== 'string') return undefined;
    const hash = hash32(id, ID_SEED);
    const { table, hashes } = this;
    const mask = table.length - 1;
    for (let slot = hash & mask; table[slot] !== 0; slot = (slot + 1) & mask) {
      const seq = table[slot] as number;
      if (hashes[seq - 1] === hash && this.idAt(seq) === id) return seq;
    }
    return undefined;
  }

  private place(hash: number, seq: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let slot = hash & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = seq;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (const seq of old) if (seq !== 0) this.place(this.hashes[seq - 1] as number, seq);
  }
}
