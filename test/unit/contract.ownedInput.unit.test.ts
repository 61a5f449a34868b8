// The contract's check of a publish the browser-mode socket has just parsed (owned: checked and
// frozen in place) against the check of any other caller's input (copied): fed the same valid
// and hostile requests, both give the same verdict, the same error text and the same inputs.
import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/api/contract';
import { asJsonTexts, generateInvalidPublishInputs } from '../support/invalidEvents';

const GOOD = { type: 'equipment.telemetry.recorded', payload: { equipmentId: 'press-1', value: 1.5, readings: [1, 2, { at: 3 }] }, metadata: { shift: 'B' } };

/** The verdict on a batch of one good input and `text`'s event, parsed afresh: the inputs, or the error's text. */
function verdict(text: string, owned: boolean): { inputs: unknown } | { error: string } {
  const batch = [GOOD, JSON.parse(text) as unknown];
  try {
    return { inputs: contract['events.publishBatch'].parse([batch], owned)[0] };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

function deepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

/** `obj` as JSON with the string value `"@@"` replaced by raw text JSON.stringify cannot make. */
const withRaw = (obj: unknown, raw: string) => JSON.stringify(obj).replace('"@@"', raw);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { n: nested(depth - 1) });

describe("the contract's check of an owned publishBatch", () => {
  it('gives the same verdicts and error texts as the copying check, for hostile inputs and for JSON only a parser makes', () => {
    const texts = asJsonTexts(generateInvalidPublishInputs(1200, 17));
    texts.push(
      withRaw({ ...GOOD, payload: { v: '@@' } }, '1e999'),
      withRaw({ ...GOOD, payload: { v: ['@@'] } }, '-0'),
      withRaw({ ...GOOD, payload: '@@' }, '-0'),
      withRaw({ ...GOOD, metadata: { m: '@@' } }, '-1e999'),
      withRaw({ ...GOOD, payload: { a: '@@' } }, '{"__proto__": {"x": 1}}'),
      withRaw({ ...GOOD, payload: { a: '@@' } }, '{"constructor": 1}'),
      withRaw({ ...GOOD, metadata: '@@' }, '[1]'),
      JSON.stringify({ ...GOOD, payload: nested(31) }),
      JSON.stringify({ ...GOOD, payload: nested(32) }),
      JSON.stringify({ ...GOOD, payload: { text: 'x'.repeat(256 * 1024) } }),
      JSON.stringify({ ...GOOD, payload: { text: 'é'.repeat(128 * 1024) } }),
      JSON.stringify({ ...GOOD, payload: { text: '\u0001'.repeat(50_000) } }),
    );
    let refused = 0;
    for (const text of texts) {
      const owned = verdict(text, true);
      expect(owned, text.slice(0, 200)).toEqual(verdict(text, false));
      if ('error' in owned) {
        refused++;
        expect(owned.error, text.slice(0, 200)).toMatch(/events\[1\]\./);
      }
    }
    // Most stay bad once written as JSON (some, such as undefined or a Date, do not).
    expect(refused).toBeGreaterThan(800);
  });

  it('takes an owned batch without copying it: the payloads and metadata it was given, frozen, with -0 as 0', () => {
    const batch = JSON.parse(`[${JSON.stringify(GOOD)}, ${withRaw({ ...GOOD, payload: { v: ['@@'] } }, '-0')}]`) as { payload: { v: number[] }; metadata: object }[];
    const [inputs] = contract['events.publishBatch'].parse([batch], true);
    expect(inputs[0]?.payload).toBe(batch[0]?.payload);
    expect(inputs[0]?.metadata).toBe(batch[0]?.metadata);
    expect(inputs.every(deepFrozen)).toBe(true);
    expect(Object.is(batch[1]?.payload.v[0], 0)).toBe(true);
    // Not owned (Electron's IPC, a caller in this process): copied, and the caller's objects left alone.
    const theirs = JSON.parse(JSON.stringify([GOOD])) as { payload: object }[];
    const [copied] = contract['events.publishBatch'].parse([theirs], false);
    expect(copied[0]?.payload).not.toBe(theirs[0]?.payload);
    expect(copied[0]?.payload).toEqual(theirs[0]?.payload);
    expect(Object.isFrozen(theirs[0]?.payload)).toBe(false);
  });
});
