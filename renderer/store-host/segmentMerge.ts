/**
 * Merging small segments. An append writes only its own events, as new segment rows
 * starting at its first seq (segmentFormat.ts), so its cost does not grow with what the last
 * segment already holds. At thousands of events a second that leaves many small segments;
 * the writer merges consecutive ones into one row of at most SEGMENT_MAX_EVENTS events and
 * SEGMENT_MAX_CHARS characters.
 *
 * The writer keeps the trailing segments that may still merge ("parts") with their texts,
 * so a merge reads nothing. A run of parts is merged once the part after it does not fit
 * (the run is closed) or the run is full: every event is written twice at most, once by its
 * append and once by its merge, where rewriting an open tail wrote it again on every append
 * until the segment was full. A run that reaches the last part waits, since the next append
 * may still join it.
 *
 * The merges an append makes due are written in that append's own transaction (the merged
 * row and summary put at the run's first seq, the other rows of the run deleted): a
 * transaction costs the store host far more than its rows (about 3 ms of CPU at 40 events an
 * append, with strict durability), and a merge of its own was one more transaction for every
 * three or four appends. A transaction either commits or leaves the parts as they were.
 */
import { SEGMENT_MAX_CHARS, SEGMENT_MAX_EVENTS, TEXT_FILTER_BYTES } from './segmentFormat';
import type { OpenSegment } from './segmentFormat';

/** What to do with the leading parts: merge the first `count` (2 or more), or let the first one go unmerged. */
export type MergeStep = { readonly merge: number } | { readonly keep: true };

/** The next step for the pending parts (in seq order), or undefined while their leading run may still grow. */
export function nextMergeStep(parts: readonly OpenSegment[]): MergeStep | undefined {
  let events = 0;
  let chars = 0;
  let count = 0;
  for (const part of parts) {
    if (count > 0 && (events + part.events.length > SEGMENT_MAX_EVENTS || chars + part.chars > SEGMENT_MAX_CHARS)) break;
    events += part.events.length;
    chars += part.chars;
    count += 1;
  }
  const full = events >= SEGMENT_MAX_EVENTS || chars >= SEGMENT_MAX_CHARS;
  if (count === parts.length && !full) return undefined;
  return count >= 2 ? { merge: count } : { keep: true };
}

/** A run of parts to merge: their first seqs, the merged segment and its text filter. */
export interface PlannedMerge {
  readonly firsts: readonly number[];
  readonly segment: OpenSegment;
  readonly filter: Uint8Array | undefined;
}

/**
 * Every step that is due for `parts` (in seq order), as the writer takes them one after the
 * other: the runs to merge, and the parts left once they are done (which may still merge).
 * `filterOf` gives a part's text filter.
 */
export function planMerges(parts: readonly OpenSegment[], filterOf: (first: number) => Uint8Array | undefined): { merges: PlannedMerge[]; left: OpenSegment[] } {
  const left = [...parts];
  const merges: PlannedMerge[] = [];
  for (let step = nextMergeStep(left); step; step = nextMergeStep(left)) {
    if ('keep' in step) {
      left.shift();
      continue;
    }
    const run = left.slice(0, step.merge);
    const segment = mergedSegment(run);
    merges.push({ firsts: run.map((part) => part.first), segment, filter: mergedTextFilter(run.map((part) => filterOf(part.first))) });
    left.splice(0, step.merge, segment);
  }
  return { merges, left };
}

/** The parts as one segment: their events in order and their characters. */
export function mergedSegment(parts: readonly OpenSegment[]): OpenSegment {
  const first = parts[0];
  if (!first) throw new Error('segment merge: no parts to merge');
  let next = first.first;
  for (const part of parts) {
    if (part.first !== next) throw new Error(`segment merge: the part at seq ${part.first} does not follow seq ${next - 1}`);
    next += part.events.length;
  }
  return { first: first.first, events: parts.flatMap((part) => part.events), chars: parts.reduce((sum, part) => sum + part.chars, 0) };
}

/**
 * The text filter of merged parts: a filter has a bit per trigram of its events' texts, so
 * the merged one is the union of theirs. A part without a filter (rows written before
 * filters existed) leaves the merged segment without one: nothing is ruled out.
 */
export function mergedTextFilter(filters: readonly (Uint8Array | undefined)[]): Uint8Array | undefined {
  const merged = new Uint8Array(TEXT_FILTER_BYTES);
  for (const filter of filters) {
    if (!filter) return undefined;
    for (let i = 0; i < TEXT_FILTER_BYTES; i++) merged[i]! |= filter[i]!;
  }
  return merged;
}

/** Characters of a segment's stored texts (a removed event counts none). */
export const charsOf = (events: readonly (string | null)[]): number => events.reduce((sum, text) => sum + (text?.length ?? 0), 0);
