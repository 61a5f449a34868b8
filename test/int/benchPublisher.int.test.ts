// The benchmark's MQTT publisher (build/bench/mqttSource.ts) runs in a process of its own: the
// soak reads this process's resident memory as the host's, and the e2e profile this process's
// CPU, and a product host runs no publisher. What a phase publishes still reaches the broker.
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttSource } from '../../build/bench/mqttSource';
import { cpuByProcess } from '../../build/bench/profileSummary';
import { brokerForTests, type MosquittoBroker } from '../support/mosquitto';

let broker: MosquittoBroker;
brokerForTests((started) => (broker = started));

const sources: MqttSource[] = [];
afterEach(async () => {
  for (const source of sources.splice(0)) await source.close();
});

describe('the benchmark publisher', () => {
  it('publishes a phase from a child process whose CPU is counted apart from the host', async () => {
    const subscriber = await mqtt.connectAsync(broker.url);
    const received: { phase: string; n: number }[] = [];
    subscriber.on('message', (_topic, body) => received.push(JSON.parse(body.toString()) as { phase: string; n: number }));
    await subscriber.subscribeAsync('plant/line-1/#', { qos: 1 });
    try {
      const source = await MqttSource.start(broker.url);
      sources.push(source);
      expect(source.pid).toBeGreaterThan(0);
      expect(source.pid).not.toBe(process.pid);

      const done = await source.publish({ phase: 'check', rate: 500, seconds: 1 });
      expect(done).toMatchObject({ kind: 'done', phase: 'check', sent: 500, acked: 500, failed: 0 });
      for (let waited = 0; received.length < 500 && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map((body) => body.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, n) => n));
      expect(new Set(received.map((body) => body.phase))).toEqual(new Set(['check']));

      expect(cpuByProcess(process.pid, '/nowhere').has('bench publisher')).toBe(true);
    } finally {
      await subscriber.endAsync();
    }
  });

  it('says so when the broker cannot be reached', async () => {
    await expect(MqttSource.start('mqtt://127.0.0.1:1')).rejects.toThrow(/the MQTT publisher/);
  });
});
