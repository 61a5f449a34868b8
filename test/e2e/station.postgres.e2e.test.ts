/**
 * A station on PostgreSQL, end to end in browser mode: the host keeps its events in a real
 * PostgreSQL 15 started here (no store host, no journal), the simulator runs, and an
 * operator, typing key by key, watches the timeline fill from PostgreSQL, makes an alarm
 * rule, acknowledges the alarm it raises with a note, exports the audit log and verifies it.
 * A restart of the host on the same database shows the same history and alarm state.
 * Skipped, saying why, where PostgreSQL is not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresEventStore } from '../../main/store/postgres/postgresEventStore';
import { PostgresServer, postgresAvailable } from '../support/postgresServer';
import { startHostSession, TYPING_TEST_MS, type UiSession } from './support/uiPage';

describe.skipIf(!postgresAvailable())('a station on PostgreSQL', () => {
  let server: PostgresServer;
  let url: string;
  let session: UiSession | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'plant-pg-station-'));
  const exported = join(dataDir, '..', `${dataDir.split('/').pop()}-audit.ndjson`);

  const start = () => startHostSession({
    dataDir,
    openStore: () => PostgresEventStore.open({ url }),
    core: { settingsFile: join(dataDir, 'settings.json'), simulator: { rate: 20 }, healthEverySeconds: 0, user: 'olga' },
  });

  beforeAll(async () => {
    server = await PostgresServer.start();
    url = server.url(await server.createDatabase('station'));
    session = await start();
  });

  afterAll(async () => {
    await session?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(exported, { force: true });
  });

  test('the timeline shows events read from PostgreSQL, and no store host runs', async () => {
    const { ui, host } = session!;
    expect(host.storeClient).toBeNull();
    expect(host.storeHostPid()).toBeUndefined();
    await ui.go('timeline');
    const first = ui.testId('event-row').first();
    await first.waitFor({ timeout: 30_000 });
    const id = await first.getAttribute('data-event-id');
    const row = await server.sql(`SELECT seq FROM plant_events WHERE id = '${id}'`, url.split('/').pop());
    expect(row.rows).toHaveLength(1);
    expect(ui.errors).toEqual([]);
  });

  test('an alarm raised by a rule the operator made is acknowledged with a note', { timeout: TYPING_TEST_MS }, async () => {
    const { ui, host } = session!;
    await ui.go('alarms');
    await ui.testId('alarms-tab-rules').click();
    await ui.testId('rule-row').first().waitFor();
    await ui.typeNewRule({ id: 'kiln-hot', name: 'Kiln too hot', field: 'temperature', limit: '90', equipment: 'kiln-3' });
    await ui.saveRule('kiln-hot');

    await host.core.bus.createAndPublishEvent('equipment.telemetry.recorded', { equipmentId: 'kiln-3', lineId: 'line-1', temperature: 96 });
    await ui.testId('alarms-tab-active').click();
    const alarm = ui.alarmRow('kiln-hot:kiln-3');
    await expect.poll(() => alarm.getAttribute('data-state'), { timeout: 15_000 }).toBe('ACTIVE_UNACK');
    await ui.acknowledge(alarm, 'checked the kiln door');
    expect(await alarm.textContent()).toContain('checked the kiln door');
    const acknowledged = await host.core.store.query({ types: ['alarm.acknowledged'] });
    expect(acknowledged.events.map((e) => e.payload)).toEqual([expect.objectContaining({ alarmId: 'kiln-hot:kiln-3' })]);
  });

  test('an audit export of the PostgreSQL store verifies intact', { timeout: TYPING_TEST_MS }, async () => {
    const { ui } = session!;
    await ui.go('audit');
    await ui.audit.startExport(exported);
    const result = ui.testId('export-result');
    await result.waitFor({ timeout: 60_000 });
    const count = Number(await result.getAttribute('data-count'));
    expect(count).toBeGreaterThan(0);
    await ui.type('verify-path', exported);
    await ui.testId('verify-file-run').click();
    const verdict = ui.testId('verify-file-verdict');
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 60_000 }).toBe('true');
    expect(await ui.testId('verify-file-verdict-text').textContent()).toMatch(new RegExp(`^intact: ${count} events, head hash [0-9a-f]{64}$`));
  });

  test('a restarted host on the same database shows the same history and the acknowledged alarm', async () => {
    const before = await session!.host.core.store.query({ limit: 1, order: 'desc' });
    await session!.close();
    session = undefined;
    session = await start();
    const { ui, host } = session;
    expect((await host.core.store.get(before.events[0]!.id))?.hash).toBe(before.events[0]!.hash);
    await ui.go('alarms');
    const alarm = ui.alarmRow('kiln-hot:kiln-3');
    await expect.poll(() => alarm.getAttribute('data-state'), { timeout: 15_000 }).toBe('ACTIVE_ACK');
  });
});
