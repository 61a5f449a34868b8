/**
 * Which old segments (before the index's window) hold each rare type, so that a query for
 * rare types (alarms among a plant's telemetry) reads the summaries of those segments only,
 * not every summary of its range: its cost follows the matches, not the event rate. A type
 * found in more than RARE_SEGMENTS old segments is common: its list is dropped, and a query
 * that lets it through reads every summary of its range, as it would find most of them
 * anyway. Memory is at most RARE_SEGMENTS numbers per type name.
 *
 * Old segments never change layout nor types (a status move changes only a status), so the
 * lists change only as the window moves on; they are built again at open (storeState.ts).
 */
/** Old segments listed per type at most (32 KB of numbers). */
export const RARE_SEGMENTS = 4096;

export class OldTypes {
  /** By type code: the first seqs of the old segments holding it, ascending; null once it is common. */
  private readonly lists: (number[] | null | undefined)[] = [];

  /** Notes an old segment starting at `first` (after those noted before) that holds the types `codes`. */
  note(first: number, codes: Iterable<number>): void {
    for (const code of codes) {
      let list = this.lists[code];
      if (list === null) continue;
      if (list === undefined) this.lists[code] = list = [];
      if (list[list.length - 1] === first) continue;
      if (list.length >= RARE_SEGMENTS) this.lists[code] = null;
      else list.push(first);
    }
  }

  /**
   * The lists (first seqs, ascending) of the old segments holding each type `typeOk` passes
   * (none for a type no old event has); undefined when one of those types is common.
   */
  listsOf(typeOk: Uint8Array): (readonly number[])[] | undefined {
    const lists: number[][] = [];
    for (let code = 0; code < typeOk.length; code++) {
      if (typeOk[code] !== 1) continue;
      const list = this.lists[code];
      if (list === null) return undefined;
      if (list) lists.push(list);
    }
    return lists;
  }
}
