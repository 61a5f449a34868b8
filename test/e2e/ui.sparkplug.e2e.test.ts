/**
 * Sparkplug B set up from the screen, end to end in browser mode on a fresh data folder with
 * a real Mosquitto: the operator types the broker, switches Sparkplug on, types the group, a
 * primary host id with a slash (refused, the field named in one sentence, nothing saved),
 * corrects it, adds a mapping rule, saves; an edge node encoding with sparkplug-payload is
 * born and publishes, and its reading shows on the equipment board under the mapped name.
 * Everything is typed key by key; the assertions read the screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { WebHost } from '../../main/web/server';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';
import { TestEdgeNode } from '../support/sparkplugEdgeNode';
import { startHostSession, type UiPage, type UiSession } from './support/uiPage';

const mosquitto = findMosquitto();
if (!mosquitto) console.warn(`Sparkplug UI test skipped: ${MOSQUITTO_MISSING}`);

const dir = mkdtempSync(join(tmpdir(), 'ui-sparkplug-'));
let broker: MosquittoBroker;
let session: UiSession;
let host: WebHost;
let ui: UiPage;
let edge: TestEdgeNode | null = null;

beforeAll(async () => {
  if (!mosquitto) return;
  const data = join(dir, 'data');
  [broker, session] = await Promise.all([MosquittoBroker.start(), startHostSession({ dataDir: data, core: { settingsFile: join(data, 'settings.json'), healthEverySeconds: 0 } })]);
  ({ host, ui } = session);
});

afterAll(async () => {
  await edge?.close().catch(() => {});
  await session?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const text = (testId: string) => ui.testId(testId).textContent();

describe.skipIf(!mosquitto)('Sparkplug B in the Connections view', () => {
  test('refuses a bad host id by name, saves the typed settings, and shows the edge node telemetry on the board', async () => {
    await ui.go('connections');
    await expect.poll(() => text('mqtt-status')).toContain('No broker configured');
    await ui.type('mqtt-url', broker.url);
    await ui.testId('sparkplug-enabled').click();
    await ui.type('sparkplug-groups', 'line-9');
    await ui.type('sparkplug-host-id', 'console/a');
    await ui.testId('sparkplug-add-rule').click();
    await ui.type('sparkplug-rule-0-device', 'press-*');
    await ui.type('sparkplug-rule-0-equipmentId', 'cell-{device}');
    await ui.testId('sparkplug-save').click();

    await expect.poll(() => text('sparkplug-form-error')).toBe('Sparkplug primary host id: must be 1 to 64 characters without /, +, # or control characters.');
    expect(await ui.testId('sparkplug-host-id').getAttribute('aria-invalid')).toBe('true');
    expect(await ui.testId('sparkplug-groups').getAttribute('aria-invalid')).toBe('false');
    expect(await text('mqtt-status')).toContain('No broker configured');
    await ui.screenshot('sparkplug-bad-host-id');

    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const states: string[] = [];
    watcher.on('message', (_topic, body) => states.push(body.toString()));
    await watcher.subscribeAsync('STATE/console-a', { qos: 1 });
    try {
      await ui.type('sparkplug-host-id', 'console-a');
      await expect.poll(() => ui.testId('sparkplug-host-id').getAttribute('aria-invalid')).toBe('false');
      await ui.testId('sparkplug-save').click();
      await expect.poll(() => text('sparkplug-saved'), { timeout: 15_000 }).toContain('decodes Sparkplug B');
      await ui.page.locator('[data-testid="mqtt-status"][data-state="connected"]').waitFor({ timeout: 15_000 });
      await vi.waitFor(() => expect(states).toContain('ONLINE'), { timeout: 10_000 });
    } finally {
      await watcher.endAsync();
    }
    await ui.expectAccessible('the Connections view with the Sparkplug B card');

    // The edge node is born once the console listens to its group, so the console sees the birth.
    await vi.waitFor(() => expect(host.core.mqtt.state().status?.subscribed).toBe(true), { timeout: 10_000 });
    edge = await TestEdgeNode.connect(broker.url, 'line-9', 'edge-1', {
      node: [],
      devices: [{ device: 'press-4', metrics: [{ name: 'temperature', alias: 1, type: 'Double', value: 20.5, properties: { engUnit: { type: 'String', value: 'degC' } } }] }],
    });
    await edge.birth();
    await edge.data('press-4', [{ alias: 1, type: 'Double', value: 71.25 }]);

    await ui.go('equipment');
    const card = ui.page.locator('[data-testid="line-group"][data-line-id="line-9"] [data-testid="equipment-card"][data-equipment-id="cell-press-4"]');
    await expect.poll(() => card.locator('[data-testid="reading"][data-name="temperature"]').textContent(), { timeout: 30_000 }).toContain('71.25');
    await ui.screenshot('sparkplug-reading-on-board');

    // Back in Connections, the card shows what was saved.
    await ui.go('connections');
    await expect.poll(() => ui.testId('sparkplug-host-id').inputValue()).toBe('console-a');
    expect(await ui.testId('sparkplug-groups').inputValue()).toBe('line-9');
    expect(await ui.testId('sparkplug-rule-0-equipmentId').inputValue()).toBe('cell-{device}');
    expect(ui.errors).toEqual([]);
    // Long for a test: a dozen fields typed key by key and a broker round trip; it took 220 s on a machine shared by five engineers.
  }, 480_000);
});
