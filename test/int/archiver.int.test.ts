// The plant's archiver against a real nats-server (JetStream) and a real PostgreSQL 15, both
// started here: every event of the stream ends up in PostgreSQL exactly once (same ids, same
// count), through a NATS server killed with messages in hand, a PostgreSQL server stopped
// while messages wait, the archiver stopped and started again on its durable consumer
// (also while PostgreSQL or NATS is down), and copies of events in the stream; and what is no
// event is kept once as `plant.message.rejected` with its reason.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyStoreChain } from '../../shared/audit/storeChain';
import type { PlantEvent } from '../../shared/events/event';
import { archiveHarness, SLOW } from '../support/archiveHarness';
import { makeEvents } from '../support/events';
import { natsMissing } from '../support/natsServer';
import { postgresAvailable, serverForThisFile, type PostgresServer } from '../support/postgresServer';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe.skipIf(natsMissing() || !postgresAvailable())('the archiver: plant stream → PostgreSQL', () => {
  let pg!: PostgresServer;
  serverForThisFile((started) => (pg = started));

  const setUp = () => archiveHarness(pg, cleanups);

  const telemetry = (count: number) => makeEvents(count, (i) => ({ type: 'equipment.telemetry.recorded', payload: { equipmentId: `press-${i % 7}`, temperature: 20 + (i % 50) } }));

  it('stores every event once through restarts of NATS, of PostgreSQL and of itself', { timeout: 240_000 }, async () => {
    const { nats, publisher, store, lines, startArchiver, rows, waitForRows } = await setUp();
    const published: PlantEvent[] = [];
    const send = async (events: PlantEvent[]) => {
      await publisher.publish(events);
      published.push(...events);
    };
    const failedBatch = () => lines.filter((line) => /was not stored and will come again/.test(line)).length;
    /** PostgreSQL stopped, then events published, until the archiver has had a batch fail on them. */
    const sendWhilePostgresDown = async (mode: 'fast' | 'immediate', count: number) => {
      await pg.pause(mode);
      const failures = failedBatch();
      await send(telemetry(count));
      await vi.waitFor(() => expect(failedBatch()).toBeGreaterThan(failures), SLOW);
    };
    let archiver = await startArchiver();

    await send(telemetry(2_000));
    await waitForRows(published.length);

    // NATS killed (as a crash) while the archiver works through a stream it has only begun.
    await send(telemetry(4_000));
    await vi.waitFor(() => expect(archiver.status().stored).toBeGreaterThan(2_000), SLOW);
    await nats.kill();
    await nats.resume();
    await send(telemetry(500));
    await waitForRows(published.length);

    // PostgreSQL stopped (immediate, as a crash) while messages wait: the batches fail and come again.
    await sendWhilePostgresDown('immediate', 1_000);
    await pg.resume();
    await waitForRows(published.length);

    // Both sides at once: PostgreSQL down with messages in hand, then NATS killed and back, then PostgreSQL back.
    await sendWhilePostgresDown('fast', 1_000);
    await nats.kill();
    await nats.resume();
    await pg.resume();
    await waitForRows(published.length);

    // Stopped mid-stream and started again: the durable consumer resumes where the acknowledgements were.
    await send(telemetry(4_000));
    const before = archiver.status().stored;
    await vi.waitFor(() => expect(archiver.status().stored).toBeGreaterThan(before), SLOW);
    await archiver.stop();
    archiver = await startArchiver();
    await waitForRows(published.length);

    // Stopped while PostgreSQL is down: nothing unstored is acknowledged, the next run stores it.
    await sendWhilePostgresDown('fast', 500);
    await archiver.stop();
    await pg.resume();
    archiver = await startArchiver();
    await waitForRows(published.length);

    // Stopped while the NATS server is away: the stop does not wait for it for ever.
    await nats.kill();
    await archiver.stop();
    await nats.resume();
    archiver = await startArchiver();

    // Copies in the stream that its duplicate window does not catch: earlier events again, and new ones twice.
    const twice = telemetry(10);
    await publisher.publish([...published.slice(0, 20), ...twice, ...twice], { dedupe: false });
    published.push(...twice);
    await vi.waitFor(() => expect(archiver.status().duplicates).toBeGreaterThanOrEqual(30), SLOW);
    await waitForRows(published.length);

    const stored = await rows();
    expect(stored.map((row) => row.id).sort()).toEqual(published.map((event) => event.id).sort());
    expect(new Set(stored.map((row) => row.id)).size).toBe(published.length);
    // Each event as published, with where it came from.
    const first = JSON.parse(stored.find((row) => row.id === published[0]!.id)!.body) as PlantEvent;
    expect(first.payload).toEqual(published[0]!.payload);
    expect(first.metadata).toMatchObject({ plant: { station: 'station-a', streamSeq: expect.any(Number) } });
    expect(await verifyStoreChain(store)).toMatchObject({ ok: true, events: published.length });
    expect(lines.join('\n')).not.toMatch(/password/i);
  });

  it('keeps each message that is no event once, as rejected with its reason, and goes on', { timeout: 120_000 }, async () => {
    const { publisher, store, startArchiver, rows, waitForRows } = await setUp();
    let archiver = await startArchiver();
    const [original] = telemetry(1);
    await publisher.publish([original!]);
    await waitForRows(1);

    const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
    const hostile: [string, Uint8Array, string][] = [
      ['plant.operator.note.added', text('{"type": "operator.note.added", "payload": '), 'not-json'],
      ['plant.operator.note.added', text({ id: 12, type: 'operator.note.added', payload: {}, priority: 'URGENT' }), 'invalid-event'],
      [`plant.${original!.type}`, text({ ...original, payload: { note: 'a forged copy' } }), 'id-conflict'],
      ['plant.equipment.status.changed', text({ ...telemetry(1)[0], type: 'operator.note.added', payload: { note: 'on the wrong subject' } }), 'subject-mismatch'],
      ['plant.operator.note.added', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 'bad-encoding'],
      ['plant.operator.note.added', text([1, 2, 3]), 'invalid-event'],
      ['plant.operator.note.added', text({ ...telemetry(1)[0], type: 'operator.note.added', metadata: 'not an object' }), 'invalid-event'],
    ];
    for (const [subject, body] of hostile) await publisher.publishRaw(subject, body);
    const [after] = telemetry(1);
    await publisher.publish([after!]);
    await waitForRows(2 + hostile.length);

    const rejected = async () => (await rows()).map((row) => JSON.parse(row.body) as PlantEvent).filter((event) => event.type === 'plant.message.rejected');
    const kept = await rejected();
    expect(kept.map((event) => (event.payload as { code: string }).code).sort()).toEqual(hostile.map(([, , code]) => code).sort());
    for (const event of kept) expect((event.payload as { reason: string }).reason).toMatch(/\S/);
    const conflict = kept.find((event) => (event.payload as { code: string }).code === 'id-conflict')!;
    expect((conflict.payload as { reason: string }).reason).toBe(`the event id ${original!.id} is already archived with other content`);
    // What was stored is as it was, and the good event after the bad ones is there.
    expect((await store.get(original!.id))?.payload).toEqual(original!.payload);
    expect(await store.get(after!.id)).not.toBeNull();
    expect(archiver.status().rejected).toBe(hostile.length);

    // Acknowledged once kept: a new run gets nothing again, and the stream's next event still comes.
    await archiver.stop();
    archiver = await startArchiver();
    const [later] = telemetry(1);
    await publisher.publish([later!]);
    await waitForRows(3 + hostile.length);
    expect(await rejected()).toHaveLength(hostile.length);
    expect(archiver.status()).toMatchObject({ stored: 1, rejected: 0 });
  });
});
