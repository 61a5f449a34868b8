/**
 * Which old segments (before the index's window) hold each rare type, so that a query for
 * rare types (alarms among a plant's telemetry) reads the summaries of those segments only,
 * not every summary of its range: its cost follows the matches, not the event rate.
 *
 * A type is common once it is in more than a sixteenth of the old segments (and more than
 * RARE_SEGMENTS): its list is dropped, and a query that lets it through reads every summary
 * of its range, as it would read a good part of them anyway. A fixed cap instead would make
 * the alarms of a console that has run for days common too (100 an hour fill 4,096 segments
 * in under two days). So a list costs at most 1,024 numbers or a sixteenth of what `firsts`
 * costs (8 bytes an old segment), and a rare type's list grows with its events, not with the
 * store. A type given up stays common until the store is opened again (a flood of alarms
 * early in a store's life can do that).
 *
 * Old segments never change layout nor types (a status move changes only a status), so the
 * lists change only as the window moves on; they are built again at open (storeState.ts).
 */
/** Old segments a type may be in and still be rare, however few old segments there are. */
export const RARE_SEGMENTS = 1024;
/** A type in more than this share of the old segments (and more than RARE_SEGMENTS) is common. */
const RARE_SHARE = 1 / 16;

export class OldTypes {
  /** By type code: the first seqs of the old segments holding it, ascending; null once it is common. */
  private readonly lists: (number[] | null | undefined)[] = [];
  /** Old segments noted. */
  private segments = 0;

  /** Notes an old segment starting at `first` (after those noted before) that holds the types `codes`. */
  note(first: number, codes: Iterable<number>): void {
    this.segments += 1;
    const most = Math.max(RARE_SEGMENTS, this.segments * RARE_SHARE);
    for (const code of codes) {
      let list = this.lists[code];
      if (list === null) continue;
      if (list === undefined) this.lists[code] = list = [];
      if (list.length >= most) this.lists[code] = null;
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
