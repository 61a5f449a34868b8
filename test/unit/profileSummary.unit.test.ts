/**
 * The e2e profiler's summary (build/bench/profileSummary.ts) on a loaded machine: a sample
 * that carries a gap of seconds (the sampler was not scheduled) must not make its function
 * lead the list with time nobody spent there.
 */
import { describe, expect, it } from 'vitest';
import type { CpuProfile } from '../../build/bench/profileDevTools';
import { SAMPLE_GAP_CAP, sampleTimes, summarise } from '../../build/bench/profileSummary';

const frame = (functionName: string) => ({ functionName, url: 'file:///app/main/store/journal.ts', lineNumber: 0 });

/** 1,000 samples every 200 µs: 900 in `hot`, 100 in `cold`, one of which is followed by a 5 s gap. */
function loadedProfile(): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (let i = 0; i < 1_000; i++) {
    samples.push(i % 10 === 0 ? 2 : 1);
    timeDeltas.push(i === 501 ? 5_000_000 : 200);
  }
  return { nodes: [{ id: 1, callFrame: frame('hot') }, { id: 2, callFrame: frame('cold') }], samples, timeDeltas };
}

describe('profile summary', () => {
  it('names the function that ran, not the one on the stack across a gap of seconds', () => {
    const lines = summarise(loadedProfile(), 1_000_000);
    const byFunction = lines.slice(lines.indexOf('- by function:') + 1);
    expect(byFunction[0]).toMatch(/ hot /);
    // 900 samples of 200 µs (the last has no gap after it), per 1,000 of a million events.
    expect(byFunction[0]).toMatch(/^ {2}- 0\.18 hot/);
    expect(byFunction[1]).toMatch(/^ {2}- 0\.03 cold/);
    expect(lines[0]).toMatch(/1 sample gaps over 8000 µs cut to it, leaving out 5\.0/);
  });

  it('caps a gap at a few median intervals and counts what it left out', () => {
    const times = sampleTimes(loadedProfile());
    expect(times.capUs).toBe(200 * SAMPLE_GAP_CAP);
    expect(times.capped).toBe(1);
    expect(times.droppedUs).toBe(5_000_000 - 200 * SAMPLE_GAP_CAP);
    expect(Math.max(...times.us)).toBe(200 * SAMPLE_GAP_CAP);
  });

  it('leaves an even profile as it is', () => {
    const profile: CpuProfile = { nodes: [{ id: 1, callFrame: frame('hot') }], samples: [1, 1, 1], timeDeltas: [200, 200, 200] };
    expect(sampleTimes(profile)).toEqual({ us: [200, 200, 0], capUs: 200 * SAMPLE_GAP_CAP, droppedUs: 0, capped: 0 });
    expect(summarise(profile, 1_000)[0]).toBe('total sampled 0.4 ms per 1,000 events (idle included as "(idle)")');
  });
});
