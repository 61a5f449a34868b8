// `--sparkplug…` at start: the saved MQTT connection comes up with Sparkplug B on as the
// command line asked (a primary host publishing its STATE, the groups followed), against a
// real Mosquitto, and the settings file keeps what the operator saved.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/bus/eventBus';
import { MqttConnection } from '../../main/core/operations';
import { Settings } from '../../main/core/settings';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { findMosquitto, MOSQUITTO_MISSING, MosquittoBroker } from '../support/mosquitto';

const mosquitto = findMosquitto();
if (!mosquitto) console.warn(`Sparkplug option tests skipped: ${MOSQUITTO_MISSING}`);

let broker: MosquittoBroker;
const dir = mkdtempSync(join(tmpdir(), 'sparkplug-options-'));

beforeAll(async () => {
  if (mosquitto) broker = await MosquittoBroker.start();
});

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!mosquitto)('Sparkplug B options at start', () => {
  it('turn Sparkplug on for the saved connection for this run, with the host id and groups given', async () => {
    const file = join(dir, 'settings.json');
    const saved = { mqtt: { url: broker.url, sparkplug: { source: 'edge-gateways' } } };
    writeFileSync(file, JSON.stringify(saved));
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const states: string[] = [];
    watcher.on('message', (topic, body) => topic === 'STATE/console-cli' && states.push(body.toString()));
    await watcher.subscribeAsync('STATE/console-cli', { qos: 1 });
    const bus = new EventBus({ store: new InMemoryEventStore() });
    const connection = new MqttConnection(bus, await Settings.open(file), { hostId: 'console-cli', groups: ['line-9'] });
    try {
      await connection.resume();
      await vi.waitFor(() => expect(states).toContain('ONLINE'), { timeout: 10_000 });
      const { settings, status } = connection.state();
      expect(settings?.sparkplug).toEqual({ source: 'edge-gateways', hostId: 'console-cli', groups: ['line-9'] });
      expect(status?.topics).toContain('spBv1.0/line-9/#');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(saved);
      await connection.stop();
      await vi.waitFor(() => expect(states.at(-1)).toBe('OFFLINE'), { timeout: 10_000 });
    } finally {
      await connection.stop();
      await bus.close();
      await watcher.endAsync();
    }
  });
});
