// The free-text index's keys (PostgreSQL store): a block holding a text must hold every key
// the text's query asks for, whatever the text and wherever the query cuts it, or a query
// would miss events; and whole words must narrow, or a query would read every block.
import { describe, expect, it } from 'vitest';
import { blockKeys, queryKeys } from '../../main/store/postgres/textKeys';
import { blockColumns, joinRanges, prepareBlocks } from '../../main/store/postgres/pgTextBlocks';
import { seededRandom } from '../support/random';

const holdsAll = (block: readonly number[], wanted: readonly number[]): boolean => {
  const keys = new Set(block);
  return wanted.every((key) => keys.has(key));
};

describe('free-text keys', () => {
  it('asks only for keys the block of any text holding the query has, for every cut of generated texts', () => {
    const random = seededRandom(15);
    const pieces = ['press-007', '"value":73.125', 'order-12500', ' ', '-', '"', ':', '{', 'Ünïcode', '温度', '😀', 'a', 'b1', '_', '\\"', 'x'];
    for (let round = 0; round < 300; round++) {
      const text = JSON.stringify({ note: random.some(pieces, 12).join(''), n: random.below(100_000) }).toLowerCase();
      const block = blockKeys([text, '{"other":"event"}']);
      for (let cut = 0; cut < 20; cut++) {
        const from = random.below(text.length);
        const query = text.slice(from, from + random.between(1, 24));
        // A cut through a surrogate pair is a lone surrogate, which asks for nothing.
        expect(holdsAll(block, queryKeys(query)), `${JSON.stringify(query)} in ${JSON.stringify(text)}`).toBe(true);
      }
    }
  });

  it('tells a whole word from the longer words and numbers that share its letters', () => {
    const query = queryKeys('"order-12500"');
    expect(holdsAll(blockKeys(['{"orderid":"order-12500","step":3}']), query)).toBe(true);
    expect(holdsAll(blockKeys(['{"orderid":"order-125001"}', '{"orderid":"order-112500"}', '{"sample":125000}']), query)).toBe(false);
    // A block holding both words in different events is a candidate that LIKE then sets aside.
    expect(holdsAll(blockKeys(['{"orderid":"order-7"}', '{"sample":12500}']), query)).toBe(true);
    // Without the quotes the number may continue: a longer one is then a candidate.
    expect(holdsAll(blockKeys(['{"orderid":"order-125001"}']), queryKeys('order-12500'))).toBe(true);
  });

  it('leaves out blocks that lack a word of the query, and asks nothing of a query too short to narrow', () => {
    expect(holdsAll(blockKeys(['{"reason":"material shortage"}']), queryKeys('bearing noise'))).toBe(false);
    expect(holdsAll(blockKeys(['{"note":"operator reports bearing noise"}']), queryKeys('bearing noise'))).toBe(true);
    expect(queryKeys('ab')).toEqual([]);
    expect(queryKeys('"a')).not.toEqual([]);
    expect(queryKeys('lone \ud800 high')).toEqual([]);
  });

  it('shares a block between appends committed together up to 1,000 events, each block holding its events\' keys', () => {
    const texts = (n: number, word: string) => Array.from({ length: n }, (_, i) => `{"note":"${word} ${i}"}`);
    const appends = [prepareBlocks(texts(250, 'alpha')), prepareBlocks(texts(700, 'beta')), prepareBlocks(texts(1_200, 'gamma')), prepareBlocks(texts(40, 'delta'))];
    const [firsts, lasts, keys] = blockColumns(appends, 101);
    expect(firsts.map((f, i) => [f, lasts[i]])).toEqual([[101, 1050], [1051, 2050], [2051, 2290]]);
    const asNumbers = keys.map((literal) => literal.slice(1, -1).split(',').map(Number));
    expect(holdsAll(asNumbers[0]!, queryKeys(' alpha ')) && holdsAll(asNumbers[0]!, queryKeys(' beta '))).toBe(true);
    expect(holdsAll(asNumbers[0]!, queryKeys(' gamma '))).toBe(false);
    expect(holdsAll(asNumbers[1]!, queryKeys(' gamma ')) && !holdsAll(asNumbers[1]!, queryKeys(' delta '))).toBe(true);
    expect(holdsAll(asNumbers[2]!, queryKeys(' gamma ')) && holdsAll(asNumbers[2]!, queryKeys(' delta '))).toBe(true);
  });

  it('joins the ranges of adjacent blocks', () => {
    expect(joinRanges([{ first_seq: '1', last_seq: '10' }, { first_seq: '11', last_seq: '20' }, { first_seq: 31, last_seq: 40 }])).toEqual([[1, 20], [31, 40]]);
  });
});
