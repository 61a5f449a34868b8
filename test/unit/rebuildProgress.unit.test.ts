/**
 * What the operator reads while the store is rebuilt from the journal: how far it is, roughly
 * how long is left, at most one sentence a second, the first and the last always.
 */
import { describe, expect, it } from 'vitest';
import { describeRebuild, rebuildReporter, type RebuildReport } from '../../main/store/rebuildProgress';

describe('rebuild progress sentences', () => {
  it('says how many of how many, the share, and the time left once there is a rate', () => {
    expect(describeRebuild(0, 1_000_000, 0)).toEqual({ sentence: 'Rebuilding the event store from the journal: 0 of 1,000,000 events (0%)…', fraction: 0 });
    expect(describeRebuild(250_000, 1_000_000, 10_000).sentence).toBe('Rebuilding the event store from the journal: 250,000 of 1,000,000 events (25%), about 30 s left…');
    expect(describeRebuild(100_000, 1_000_000, 10_000).sentence).toBe('Rebuilding the event store from the journal: 100,000 of 1,000,000 events (10%), about 1 min 30 s left…');
    expect(describeRebuild(1_000_000, 1_000_000, 40_000)).toEqual({ sentence: 'Rebuilding the event store from the journal: 1,000,000 of 1,000,000 events (100%), done.', fraction: 1 });
  });

  it('does not guess the time left in the first second', () => {
    expect(describeRebuild(10, 100, 500).sentence).toBe('Rebuilding the event store from the journal: 10 of 100 events (10%)…');
  });

  it('rounds the share down, so 100% is said only when it is done', () => {
    expect(describeRebuild(999, 1000, 5_000).sentence).toContain('(99%)');
  });
});

describe('the reporter', () => {
  it('reports the start, then at most once a second, and always the end', () => {
    let now = 0;
    const reports: RebuildReport[] = [];
    const report = rebuildReporter((r) => reports.push(r), { now: () => now });
    report({ events: 0, total: 5000 });
    for (let events = 1000; events <= 5000; events += 1000) {
      now += 400;
      report({ events, total: 5000 });
    }
    // 0 at 0 ms, 3000 at 1200 ms (the first past a second after the start), 5000 at 2000 ms (the end).
    expect(reports.map((r) => r.fraction)).toEqual([0, 0.6, 1]);
    expect(reports.at(-1)?.sentence).toMatch(/5,000 of 5,000 events \(100%\), done\.$/);
  });

  it('reports an empty journal as done at once', () => {
    const reports: RebuildReport[] = [];
    rebuildReporter((r) => reports.push(r))({ events: 0, total: 0 });
    expect(reports).toEqual([{ sentence: 'Rebuilding the event store from the journal: 0 of 0 events (100%), done.', fraction: 1 }]);
  });
});
