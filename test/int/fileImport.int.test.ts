// File import: NDJSON and CSV files on disk, streamed into a store.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { importEventsFile, type ImportProgress } from '../../main/ingest/fileImport';
import { busSink, storeSink, type ImportSink } from '../../main/ingest/importSinks';
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { makeEvents } from '../support/events';

const CSV_HEADER = 'id,seq,type,source,timestamp,priority,status,correlationId,causationId,subject,payload,metadata';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Events of every shape the exports hold: optional ids, text that needs quoting, nested JSON. */
function sampleEvents(count: number): PlantEvent[] {
  return makeEvents(count, (i) => ({
    type: i % 3 === 0 ? 'quality.measurement.recorded' : 'equipment.status.changed',
    priority: (['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const)[i % 4],
    status: i % 2 === 0 ? 'PROCESSED' : 'FAILED',
    payload: { equipmentId: `press-${i % 5}`, note: i % 7 === 0 ? 'comma, "quote"\nand a line break' : 'ok', readings: [i, i / 2], nested: { ok: i % 2 === 0 } },
    metadata: { operator: 'j.doe', shift: i % 2 === 0 ? 'A' : 'B' },
    ...(i % 4 === 0 ? { correlationId: `order-${i}`, causationId: newEventId() } : {}),
  }));
}

/** The export's NDJSON: canonical events with seq and chain hashes, then the manifest line. */
function toNdjson(events: readonly PlantEvent[]): string {
  const lines = events.map((event, i) => JSON.stringify({ ...event, seq: i + 1, subject: 'x', prevHash: `h${i}`, hash: `h${i + 1}`, storeHash: 'sh' }));
  lines.push(JSON.stringify({ manifest: { format: 'plant-events/1', events: events.length } }));
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function toCsv(events: readonly PlantEvent[]): string {
  const rows = events.map((e, i) =>
    [e.id, String(i + 1), e.type, e.source, String(e.timestamp), e.priority, e.status, e.correlationId ?? '', e.causationId ?? '', 'x', JSON.stringify(e.payload), JSON.stringify(e.metadata)]
      .map(csvCell)
      .join(','),
  );
  return `${CSV_HEADER}\r\n${rows.join('\r\n')}\r\n`;
}

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function stripStored({ seq: _seq, subject: _subject, hash: _hash, ...event }: StoredEvent): PlantEvent {
  return event;
}

async function allEvents(store: InMemoryEventStore): Promise<StoredEvent[]> {
  return (await store.query({ limit: 1000 })).events;
}

describe('file import', () => {
  it.each([
    ['NDJSON', 'export.ndjson', toNdjson],
    ['CSV', 'export.csv', toCsv],
  ])('round-trips an %s export: every event comes back as it was, ids kept, the manifest not imported', async (_label, name, write) => {
    const events = sampleEvents(120);
    const path = await fileWith(name, write(events));
    const store = new InMemoryEventStore();
    const report = await importEventsFile(path, { sink: storeSink(store), batchSize: 50 });
    expect(report).toMatchObject({ outcome: 'imported', events: 120, imported: 120, skippedDuplicates: 0, invalid: 0, errors: [] });
    expect(report.manifest).toEqual(name.endsWith('.ndjson') ? { format: 'plant-events/1', events: 120 } : null);
    expect((await allEvents(store)).map(stripStored)).toEqual(events);
  });

  const badLines = [
    '{"id": broken',
    JSON.stringify({ ...sampleEvents(1)[0], priority: 'URGENT' }),
    JSON.stringify({ ...sampleEvents(1)[0], payload: undefined }),
    JSON.stringify({ ...sampleEvents(1)[0], timestamp: '2024-01-01' }),
  ];
  const mixed = (): { text: string; good: PlantEvent[] } => {
    const good = sampleEvents(6);
    const lines = [good[0], good[1], badLines[0], good[2], badLines[1], good[3], good[4], badLines[2], good[5], badLines[3]].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    return { text: lines.join('\n'), good };
  };
  const expectedErrors = [
    { line: 3, reason: expect.stringContaining('not valid JSON') },
    { line: 5, reason: 'priority: must be one of LOW, NORMAL, HIGH, CRITICAL' },
    { line: 8, reason: 'payload: is required' },
    { line: 10, reason: 'timestamp: must be finite milliseconds since the epoch, above 0 and below 8.64e15' },
  ];

  it('refuses, all or nothing, a file with bad lines: the report names each line and reason and nothing is stored', async () => {
    const path = await fileWith('mixed.ndjson', mixed().text);
    const store = new InMemoryEventStore();
    const report = await importEventsFile(path, { sink: storeSink(store) });
    expect(report).toMatchObject({ outcome: 'refused', mode: 'all-or-nothing', events: 6, imported: 0, invalid: 4, errorsTruncated: false });
    expect(report.errors).toEqual(expectedErrors);
    expect(await store.headSeq()).toBe(0);
  });

  it('imports only the valid lines when asked, reporting the bad ones', async () => {
    const { text, good } = mixed();
    const path = await fileWith('mixed-valid.ndjson', text);
    const store = new InMemoryEventStore();
    const report = await importEventsFile(path, { sink: storeSink(store), mode: 'valid-only' });
    expect(report).toMatchObject({ outcome: 'imported', mode: 'valid-only', events: 6, imported: 6, invalid: 4 });
    expect(report.errors).toEqual(expectedErrors);
    expect((await allEvents(store)).map(stripStored)).toEqual(good);
  });

  it('caps the bad-line report but keeps the total count', async () => {
    const path = await fileWith('all-bad.ndjson', Array.from({ length: 30 }, () => '[]').join('\n'));
    const report = await importEventsFile(path, { sink: storeSink(new InMemoryEventStore()), maxReportedErrors: 10 });
    expect(report).toMatchObject({ outcome: 'refused', invalid: 30, errorsTruncated: true });
    expect(report.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a CSV file with an unterminated quote or a misspelt header column', async () => {
    const events = sampleEvents(3);
    const broken = `${toCsv(events)}${events[0]?.id},1,a.b,s,1,LOW,PUBLISHED,,,,"{""a"":1},{}\r\n`;
    const store = new InMemoryEventStore();
    const report = await importEventsFile(await fileWith('broken.csv', broken), { sink: storeSink(store) });
    expect(report).toMatchObject({ outcome: 'refused', stoppedEarly: true, errors: [{ line: 5, reason: 'a quoted field is not closed before the end of the file' }] });
    const misspelt = toCsv(events).replace('timestamp', 'time');
    const header = await importEventsFile(await fileWith('header.csv', misspelt), { sink: storeSink(store), mode: 'valid-only' });
    expect(header).toMatchObject({ imported: 0, stoppedEarly: true, errors: [{ line: 1, reason: expect.stringMatching(/^header: column \d+ is not a known column /) }] });
    expect(await store.headSeq()).toBe(0);
  });

  it('skips and counts events already present, in the store or earlier in the same file', async () => {
    const events = sampleEvents(40);
    const store = new InMemoryEventStore();
    await store.append(events.slice(0, 15));
    const withRepeat = [...events, events[30] as PlantEvent, events[39] as PlantEvent];
    const path = await fileWith('dupes.ndjson', toNdjson(withRepeat));
    const report = await importEventsFile(path, { sink: storeSink(store), batchSize: 8 });
    expect(report).toMatchObject({ outcome: 'imported', events: 42, imported: 25, skippedDuplicates: 17 });
    const again = await importEventsFile(path, { sink: storeSink(store) });
    expect(again).toMatchObject({ imported: 0, skippedDuplicates: 42 });
    expect(await store.headSeq()).toBe(40);
  });

  it('can publish through the bus instead, so consumers receive the imported events with their ids', async () => {
    const store = new InMemoryEventStore();
    const bus = new EventBus({ store });
    const received: string[] = [];
    bus.addHandler('equipment.*', (event) => void received.push(event.id), { name: 'watcher' });
    const events = sampleEvents(9);
    const report = await importEventsFile(await fileWith('bus.csv', toCsv(events)), { sink: busSink(bus, store) });
    await bus.drain();
    expect(report.imported).toBe(9);
    // The bus delivers by priority first, so compare as sets.
    expect([...received].sort()).toEqual(events.filter((e) => e.type.startsWith('equipment.')).map((e) => e.id).sort());
    expect(received).toHaveLength(6);
    await bus.close();
  });

  it('imports a 200,000-line file with bounded memory and reports progress in both passes', async () => {
    const lines = 200_000;
    const path = join(dir, 'big.ndjson');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on('error', reject);
      let i = 0;
      const writeMore = (): void => {
        while (i < lines) {
          const event = { id: newEventId(), type: 'equipment.telemetry.recorded', source: 'historian', timestamp: 1_700_000_000_000 + i, payload: { equipmentId: `eq-${i % 12}`, temperature: 20 + (i % 50), vibration: i % 7 }, priority: 'NORMAL', status: 'PROCESSED', metadata: { batch: i >> 10 } };
          i++;
          if (!out.write(`${JSON.stringify(event)}\n`)) return void out.once('drain', writeMore);
        }
        out.end(resolve);
      };
      writeMore();
    });

    // The importer's own memory is what is bounded; this sink counts and keeps nothing, as a store on disk would.
    let written = 0;
    const counting: ImportSink = { existing: async () => new Set(), write: async (batch) => void (written += batch.length) };
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakGrowth = 0;
    let retainedGrowth = 0;
    const progress: ImportProgress[] = [];
    const report = await importEventsFile(path, {
      sink: counting,
      progressEvery: 20_000,
      onProgress: (p) => {
        progress.push(p);
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().heapUsed - baseline);
        gc();
        retainedGrowth = Math.max(retainedGrowth, process.memoryUsage().heapUsed - baseline);
      },
    });
    expect(report).toMatchObject({ outcome: 'imported', events: lines, imported: lines, invalid: 0 });
    expect(written).toBe(lines);
    console.log(`200,000-line import: heap growth peak ${(peakGrowth / 2 ** 20).toFixed(1)} MB, retained ${(retainedGrowth / 2 ** 20).toFixed(1)} MB`);
    expect(peakGrowth).toBeLessThan(150 * 2 ** 20);
    expect(retainedGrowth).toBeLessThan(30 * 2 ** 20);

    for (const phase of ['validating', 'importing'] as const) {
      const ofPhase = progress.filter((p) => p.phase === phase);
      expect(ofPhase.length).toBeGreaterThanOrEqual(10);
      expect(ofPhase.map((p) => p.records)).toEqual([...ofPhase.map((p) => p.records)].sort((a, b) => a - b));
      expect(ofPhase.at(-1)).toMatchObject({ records: lines, bytesRead: report.bytes, totalBytes: report.bytes });
    }
    expect(progress.at(-1)).toMatchObject({ phase: 'importing', imported: lines });
  }, 120_000);
});
