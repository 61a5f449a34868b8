/**
 * The keys of the PostgreSQL store's free-text index (pgTextBlocks.ts). A free-text query
 * asks for the events whose lowercased payload JSON holds the query as a substring. Instead
 * of indexing every event's trigrams (pg_trgm's GIN index cost PostgreSQL 48 µs of CPU per
 * appended event, 26 µs of it for the index), each block of consecutive events gets one
 * index row: the set of keys of its events' words. A query derives the keys any event
 * containing it must have, finds the blocks holding them all, and checks only those blocks'
 * events with LIKE. The keys only narrow the search, so a false candidate costs time, never
 * a wrong answer; a key the query needs and a matching event lacks would lose an answer, so
 * the rules below only ask for what a containing text is sure to have.
 *
 * A word is a run of ASCII letters and digits and non-ASCII characters. The keys of a word
 * are the word itself and its trigrams padded like pg_trgm's (two marks before, one after),
 * so that `ear` `arin` both narrow, but `12500` as a whole word tells it apart from the many
 * numbers that share its digits. Keys are 32-bit FNV-1a hashes: a GIN index over integers is
 * smaller and compares faster than one over text, and a collision only adds a candidate.
 *
 * In a query, a word with a separator on both sides must be a whole word of the event; the
 * first word (text before it unknown) is a word's end, the last a word's beginning, and a
 * query without a separator may sit anywhere inside one word: for those only the trigrams
 * they surely contain are asked for.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Marks that cannot be a word's characters: the padding before and after a word, and what sets a word key apart from a trigram key. */
const START = 1;
const END = 2;
const WHOLE = 3;

/** Whether the UTF-16 unit belongs to a word: ASCII letters and digits, and anything not ASCII. */
function isWordUnit(unit: number): boolean {
  return (unit >= 97 && unit <= 122) || (unit >= 48 && unit <= 57) || (unit >= 65 && unit <= 90) || unit >= 128;
}

const step = (hash: number, unit: number): number => Math.imul(hash ^ unit, FNV_PRIME);

function trigramKey(a: number, b: number, c: number): number {
  return step(step(step(FNV_OFFSET, a), b), c) | 0;
}

function wordKey(word: string): number {
  let hash = step(FNV_OFFSET, WHOLE);
  for (let i = 0; i < word.length; i++) hash = step(hash, word.charCodeAt(i));
  return hash | 0;
}

/** The trigrams of `word` between the given marks, into `keys`: a window rolled along the word, no array of its units (a word's array was a third of the keys' garbage). */
function addTrigrams(keys: Set<number>, word: string, before: boolean, after: boolean): void {
  let a = before ? START : word.charCodeAt(0);
  let b = before ? START : word.charCodeAt(1);
  for (let i = before ? 0 : 2; i < word.length; i++) {
    const c = word.charCodeAt(i);
    keys.add(trigramKey(a, b, c));
    a = b;
    b = c;
  }
  if (after && (before || word.length >= 2)) keys.add(trigramKey(a, b, END));
}

/** The words of `text`, with whether each ran to the text's start and end. */
function wordsOf(text: string, visit: (word: string, atStart: boolean, atEnd: boolean) => void): void {
  let from = -1;
  for (let i = 0; i <= text.length; i++) {
    const inWord = i < text.length && isWordUnit(text.charCodeAt(i));
    if (inWord && from < 0) from = i;
    else if (!inWord && from >= 0) {
      visit(text.slice(from, i), from === 0, i === text.length);
      from = -1;
    }
  }
}

/**
 * The distinct words of a block's texts (lowercased payload JSON), gathered one text at a
 * time so that a block's keys are made once per distinct word.
 */
export class BlockWords {
  private readonly words = new Set<string>();

  add(text: string): void {
    wordsOf(text, (word) => this.words.add(word));
  }

  /** The block's keys: every word whole, and its padded trigrams. */
  keys(): number[] {
    const keys = new Set<number>();
    for (const word of this.words) {
      keys.add(wordKey(word));
      addTrigrams(keys, word, true, true);
    }
    return [...keys];
  }
}

/** The keys of a block of texts (one call; BlockWords gathers them across calls). */
export function blockKeys(texts: Iterable<string>): number[] {
  const words = new BlockWords();
  for (const text of texts) words.add(text);
  return words.keys();
}

/**
 * The keys every text holding `query` (lowercased) as a substring has; empty when the query
 * is too short to tell any (it then reads every event, as a LIKE without an index does).
 */
export function queryKeys(query: string): number[] {
  // A lone surrogate reaches PostgreSQL as U+FFFD, which the keys here would not see: no narrowing then.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(query)) return [];
  const keys = new Set<number>();
  wordsOf(query, (word, atStart, atEnd) => {
    if (!atStart && !atEnd) keys.add(wordKey(word));
    else addTrigrams(keys, word, !atStart, !atEnd);
  });
  return [...keys];
}
