/**
 * What the store keeps in memory about the events before the index's window (eventColumns.ts),
 * per block of 4,096 seqs rather than per event, so it grows by 16 bytes per 4,096 events
 * (about 30 KB an hour at 2,000 events/s) instead of with every event:
 * - `BlockSpans`: the lowest and highest of a value per block (an event's timestamp, an id's
 *   time), and per group of 256 blocks, so a look-up skips whole groups;
 * - `IdTimes`: the spans of the ids' UUIDv7 times. Ids are UUIDv7s made when their event was
 *   (or its cause), so a new id is later than every id stored before the window and costs no
 *   read; an id within a block's span costs a read of that block's summaries (both hashes of
 *   every event), and the answer stays exact. The spans are written to the `meta` table as
 *   blocks fill (one row per 256 blocks), so opening a store reads them instead of every id.
 */
/** log2 of the seqs a block covers. */
const BLOCK_BITS = 12;
export const BLOCK_SEQS = 1 << BLOCK_BITS;
const GROUP_BLOCKS = 256;
/** Blocks per stored row of id times. */
export const PAGE_BLOCKS = 256;
export const ID_TIMES_KEY = 'idTimes:';

/** The block holding `seq` (from 1). */
export const blockOf = (seq: number): number => (seq - 1) >>> BLOCK_BITS;

/** Each character code's value as a lowercase hex digit (-1 for any other character). */
const HEX_VALUE = Int8Array.from({ length: 128 }, (_, code) => '0123456789abcdef'.indexOf(String.fromCharCode(code)));

/**
 * The number in an id's first twelve hex digits (`xxxxxxxx-xxxx-`): for a UUIDv7 its time in
 * milliseconds; NaN when they are not lowercase hex digits. An id always gets the same number,
 * which is all a look-up needs to stay exact. (Read by hand: a regular expression and two
 * parseInt calls took about four times as long, on every stored event.)
 */
export function idTimeOf(id: string): number {
  let time = 0;
  for (let at = 0; at < 13; at++) {
    if (at === 8) continue;
    const digit = HEX_VALUE[id.charCodeAt(at)] ?? -1;
    if (digit < 0) return Number.NaN;
    time = time * 16 + digit;
  }
  return time;
}

/** The lowest and highest value per block of seqs (empty blocks: +Infinity, -Infinity). */
export class BlockSpans {
  private min = new Float64Array(0);
  private max = new Float64Array(0);
  private groupMin = new Float64Array(0);
  private groupMax = new Float64Array(0);

  /** Makes room for block `block` (arrays grow by doubling: a copy of 16 bytes a block, now and then). */
  private room(block: number): void {
    if (block < this.min.length) return;
    const size = Math.max(1024, 2 * this.min.length, block + 1);
    const groups = Math.ceil(size / GROUP_BLOCKS);
    const grow = (old: Float64Array, length: number, fill: number) => {
      const next = new Float64Array(length).fill(fill);
      next.set(old);
      return next;
    };
    this.min = grow(this.min, size, Number.POSITIVE_INFINITY);
    this.max = grow(this.max, size, Number.NEGATIVE_INFINITY);
    this.groupMin = grow(this.groupMin, groups, Number.POSITIVE_INFINITY);
    this.groupMax = grow(this.groupMax, groups, Number.NEGATIVE_INFINITY);
  }

  /** Counts `value` (NaN is left out) in the block of `seq`. */
  note(seq: number, value: number): void {
    if (Number.isNaN(value)) return;
    const block = blockOf(seq);
    this.room(block);
    if (value < this.min[block]!) this.min[block] = value;
    if (value > this.max[block]!) this.max[block] = value;
    const group = Math.floor(block / GROUP_BLOCKS);
    if (value < this.groupMin[group]!) this.groupMin[group] = value;
    if (value > this.groupMax[group]!) this.groupMax[group] = value;
  }

  /** Counts the values of seqs first, first + 1, … */
  add(first: number, values: ArrayLike<number>): void {
    for (let k = 0; k < values.length; k++) this.note(first + k, values[k]!);
  }

  /** Sets a block's span as stored (see IdTimes.load). */
  setBlock(block: number, min: number, max: number): void {
    if (min > max) return;
    const seq = (block << BLOCK_BITS) + 1;
    this.note(seq, min);
    this.note(seq, max);
  }

  /** A block's span: [min, max], min > max when it holds nothing. */
  span(block: number): [number, number] {
    return block < this.min.length ? [this.min[block]!, this.max[block]!] : [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  }

  /** Whether a block touching seqs lo..hi holds a value in [from, to]. */
  overlaps(lo: number, hi: number, from: number, to: number): boolean {
    for (let block = blockOf(lo); block <= blockOf(hi); block++) {
      const [min, max] = this.span(block);
      if (max >= from && min <= to) return true;
    }
    return false;
  }

  /** The blocks up to `last` whose span holds `value`, ascending. */
  blocksHolding(value: number, last: number): number[] {
    const out: number[] = [];
    const end = Math.min(last, this.min.length - 1);
    for (let group = 0; group * GROUP_BLOCKS <= end; group++) {
      if (this.groupMax[group]! < value || this.groupMin[group]! > value) continue;
      for (let block = group * GROUP_BLOCKS; block < (group + 1) * GROUP_BLOCKS && block <= end; block++) {
        if (this.min[block]! <= value && this.max[block]! >= value) out.push(block);
      }
    }
    return out;
  }
}

/** A stored row of id times: blocks page * PAGE_BLOCKS … of the spans, complete up to seq `upTo`. */
export interface IdTimesRow {
  readonly key: string;
  readonly value: { readonly upTo: number; readonly min: Float64Array; readonly max: Float64Array; readonly odd: Uint8Array };
}

export const idTimesKey = (page: number): string => `${ID_TIMES_KEY}${String(page).padStart(9, '0')}`;

/**
 * The spans of the stored ids' times per block, for every stored event (the window's too,
 * so that they can be stored as blocks fill), and which blocks hold an id that is not a
 * UUIDv7 (from before ids were checked: only an id that is not one either reads those).
 * Such an id keeps its block in `odd` for good; stores written since hold none.
 */
export class IdTimes {
  private readonly spans = new BlockSpans();
  private readonly odd: number[] = [];
  /** The highest id time in the blocks before `belowBlock`, which never change once old. */
  private below = { block: 0, max: Number.NEGATIVE_INFINITY };
  /** Seqs whose spans are stored (a whole number of blocks). */
  stored = 0;

  /**
   * Counts the ids of events about to be stored at seqs first, first + 1, … and returns the
   * rows to store with them (see `filled`). Should their write fail, the spans stay wider than
   * needed, which costs at most a read.
   */
  appending(first: number, events: readonly { readonly id: string }[]): IdTimesRow[] {
    events.forEach((event, k) => this.noteTime(first + k, idTimeOf(event.id)));
    return this.filled(first + events.length - 1);
  }

  /** Counts the time of one id (NaN: an id that does not start with hex digits). */
  noteTime(seq: number, time: number): void {
    if (!Number.isNaN(time)) this.spans.note(seq, time);
    else if (this.odd[this.odd.length - 1] !== blockOf(seq)) this.odd.push(blockOf(seq));
  }

  /**
   * The seq ranges [lo, hi] (within 1..base) that may hold an event with this id: the blocks
   * whose span holds its time. None, without looking at any block, for an id later than every
   * id before the window (a new one).
   */
  rangesOf(id: string, base: number): [number, number][] {
    if (base === 0) return [];
    const last = blockOf(base);
    const time = idTimeOf(id);
    let blocks: number[];
    if (Number.isNaN(time)) {
      blocks = this.odd.filter((block) => block <= last);
    } else {
      while (this.below.block < last) this.below = { block: this.below.block + 1, max: Math.max(this.below.max, this.spans.span(this.below.block)[1]) };
      if (time > this.below.max && time > this.spans.span(last)[1]) return [];
      blocks = this.spans.blocksHolding(time, last);
    }
    return blocks.map((block) => [(block << BLOCK_BITS) + 1, Math.min(base, (block + 1) << BLOCK_BITS)]);
  }

  /** The rows to store once seqs up to `head` are: those of the pages whose blocks filled since the last. */
  filled(head: number): IdTimesRow[] {
    const upTo = Math.floor(head / BLOCK_SEQS) * BLOCK_SEQS;
    if (upTo <= this.stored) return [];
    const rows: IdTimesRow[] = [];
    for (let page = Math.floor(this.stored / BLOCK_SEQS / PAGE_BLOCKS); page * PAGE_BLOCKS * BLOCK_SEQS < upTo; page++) {
      const min = new Float64Array(PAGE_BLOCKS);
      const max = new Float64Array(PAGE_BLOCKS);
      const odd = new Uint8Array(PAGE_BLOCKS);
      for (let k = 0; k < PAGE_BLOCKS; k++) [min[k], max[k]] = this.spans.span(page * PAGE_BLOCKS + k);
      for (const block of this.odd) if (Math.floor(block / PAGE_BLOCKS) === page) odd[block % PAGE_BLOCKS] = 1;
      rows.push({ key: idTimesKey(page), value: { upTo: Math.min(upTo, (page + 1) * PAGE_BLOCKS * BLOCK_SEQS), min, max, odd } });
    }
    this.stored = upTo;
    return rows;
  }

  /**
   * Takes the stored rows (ascending keys) of a store whose head is `head`; returns the seq up
   * to which they hold every id (the rest is read from the segments). A row that is missing,
   * damaged or beyond the head ends what is taken.
   */
  load(rows: readonly { key: string; value: unknown }[], head: number): number {
    let upTo = 0;
    for (const [page, row] of rows.entries()) {
      const value = row.value as Partial<IdTimesRow['value']> | undefined;
      const pageStart = page * PAGE_BLOCKS * BLOCK_SEQS;
      const ok =
        row.key === idTimesKey(page) && upTo === pageStart && value !== undefined && Number.isInteger(value.upTo) &&
        value.upTo! > pageStart && value.upTo! <= Math.min(head, pageStart + PAGE_BLOCKS * BLOCK_SEQS) && value.upTo! % BLOCK_SEQS === 0 &&
        value.min instanceof Float64Array && value.max instanceof Float64Array && value.odd instanceof Uint8Array &&
        [value.min, value.max, value.odd].every((column) => column.length === PAGE_BLOCKS);
      if (!ok) break;
      const blocks = (value.upTo! - pageStart) / BLOCK_SEQS;
      for (let k = 0; k < blocks; k++) {
        this.spans.setBlock(page * PAGE_BLOCKS + k, value.min![k]!, value.max![k]!);
        if (value.odd![k] === 1) this.odd.push(page * PAGE_BLOCKS + k);
      }
      upTo = value.upTo!;
    }
    this.stored = upTo;
    return upTo;
  }
}
