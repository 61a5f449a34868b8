// The Audit view's pure parts: the timeline's filter as export filters, their summary, the
// path and extension checks, the Audit view's own filter fields, and progress as text.
import { describe, expect, it } from 'vitest';
import { describeFilters, exportFiltersOfTimeline, filtersOfDraft, isAbsolutePath, withFormatExtension } from '../../renderer/features/audit/exportRequest';
import { describeProgress } from '../../renderer/features/audit/progressText';
import { EMPTY_FILTER } from '../../renderer/features/timeline/filterModel';

describe('export filters from the timeline', () => {
  it('maps every filter the export knows, a quick range as an absolute start', () => {
    const now = Date.UTC(2025, 0, 1, 12);
    const { filters, notApplied } = exportFiltersOfTimeline(
      { ...EMPTY_FILTER, types: ['alarm.*'], sources: ['plc-1'], priorities: ['HIGH'], quickRange: '1h', correlationId: ' c-1 ', subject: 'press-1', text: 'jam' },
      now,
    );
    expect(filters).toEqual({ from: now - 3_600_000, types: ['alarm.*'], sources: ['plc-1'], priorities: ['HIGH'], correlationId: 'c-1', subject: 'press-1', text: 'jam' });
    expect(notApplied).toEqual([]);
  });

  it('names the status filter, which an export cannot apply', () => {
    const { filters, notApplied } = exportFiltersOfTimeline({ ...EMPTY_FILTER, statuses: ['FAILED'], from: 5, to: 9 }, 0);
    expect(filters).toEqual({ from: 5, to: 9 });
    expect(notApplied).toHaveLength(1);
    expect(notApplied[0]).toContain('FAILED');
  });

  it('summarises filters one per line, none for an unfiltered export', () => {
    expect(describeFilters({})).toEqual([]);
    expect(describeFilters({ types: ['a.*', 'b.c'], subject: 'press-1' })).toEqual(['Types: a.*, b.c', 'Subject: press-1']);
  });
});

describe('the Audit view filter fields', () => {
  it('turns typed fields into filters', () => {
    expect(filtersOfDraft({ types: ' equipment.* , alarm.raised,', subject: ' press-2 ', from: '', to: '' })).toEqual({
      filters: { types: ['equipment.*', 'alarm.raised'], subject: 'press-2' },
      problem: null,
    });
  });

  it('names a bad pattern and a range that ends before it starts', () => {
    expect(filtersOfDraft({ types: 'Bad Pattern', subject: '', from: '', to: '' }).problem).toMatch(/^Type pattern "Bad Pattern"/);
    expect(filtersOfDraft({ types: '', subject: '', from: '2025-01-02T00:00:00', to: '2025-01-01T00:00:00' }).problem).toBe('The time range ends before it starts');
  });
});

describe('paths', () => {
  it('accepts POSIX and Windows absolute paths only', () => {
    expect(isAbsolutePath('/tmp/a.ndjson')).toBe(true);
    expect(isAbsolutePath('C:\\exports\\a.csv')).toBe(true);
    expect(isAbsolutePath('exports/a.csv')).toBe(false);
    expect(isAbsolutePath('~/a.csv')).toBe(false);
  });

  it('swaps a known extension for the chosen format, leaves others alone', () => {
    expect(withFormatExtension('/x/audit.ndjson', 'csv')).toBe('/x/audit.csv');
    expect(withFormatExtension('/x/audit.CSV', 'pdf')).toBe('/x/audit.pdf');
    expect(withFormatExtension('/x/audit.txt', 'pdf')).toBe('/x/audit.txt');
  });
});

describe('progress as text', () => {
  it('reads each operation\'s own shape', () => {
    expect(describeProgress('export', null)).toEqual({ percent: null, text: 'Starting…' });
    expect(describeProgress('export', { phase: 'writing', events: 250, total: 1_000, bytes: 2_048 })).toEqual({ percent: 25, text: 'Writing: 250 of 1,000 events, 2.0 KiB' });
    expect(describeProgress('verifyStore', 12_000)).toEqual({ percent: null, text: '12,000 events checked' });
    expect(describeProgress('verifyFile', 3 * 1_048_576)).toEqual({ percent: null, text: '3.0 MiB read' });
    expect(describeProgress('import', { phase: 'importing', bytesRead: 50, totalBytes: 200, records: 3, imported: 2, skippedDuplicates: 1 })).toEqual({
      percent: 25,
      text: 'Importing: 50 B of 200 B, 3 records, 2 imported, 1 already present',
    });
  });

  it('survives a shape it does not know', () => {
    expect(describeProgress('export', 'odd')).toEqual({ percent: null, text: 'Working…' });
    expect(describeProgress('export', { events: 'x' })).toEqual({ percent: null, text: 'Writing: 0 events, 0 B' });
  });
});
