/**
 * A Sparkplug B edge node for the tests, encoding with `sparkplug-payload` like a real one:
 * its NDEATH (with the session's bdSeq) is its MQTT will, it numbers every message after
 * NBIRTH with the wrapping seq, and it answers NCMD `Node Control/Rebirth` with a new NBIRTH
 * and DBIRTH. `kill()` destroys its socket so that the broker publishes the will.
 */
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';

const codec = sparkplug.get('spBv1.0')!;

export const encode = (payload: UPayload): Buffer => Buffer.from(codec.encodePayload(payload));
export const decode = (bytes: Uint8Array): UPayload => codec.decodePayload(bytes);

export interface DeviceBirth {
  readonly device: string;
  readonly metrics: UMetric[];
}

export class TestEdgeNode {
  seq = 0;
  rebirthRequests = 0;
  /** Set false to leave rebirth requests unanswered. */
  answerRebirth = true;
  private closing = false;

  private constructor(
    readonly client: MqttClient,
    readonly group: string,
    readonly node: string,
    readonly bdSeq: number,
    private readonly births: { node: UMetric[]; devices: DeviceBirth[] },
  ) {
    client.on('message', (topic, body) => {
      if (topic !== `spBv1.0/${group}/NCMD/${node}`) return;
      const metric = decode(body).metrics?.find((m) => m.name === 'Node Control/Rebirth');
      if (metric?.value !== true) return;
      this.rebirthRequests++;
      // A test may close the node while its answer is still being published: those publishes
      // fail with the connection then, and only then is that expected.
      if (this.answerRebirth) {
        this.birth().catch((error: unknown) => {
          if (!this.closing) throw error;
        });
      }
    });
  }

  static async connect(url: string, group: string, node: string, births: { node: UMetric[]; devices: DeviceBirth[] }, bdSeq = 0): Promise<TestEdgeNode> {
    const will = { topic: `spBv1.0/${group}/NDEATH/${node}`, payload: encode({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] }), qos: 1 as const, retain: false };
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, will, clientId: `edge-${node}-${bdSeq}` });
    await client.subscribeAsync(`spBv1.0/${group}/NCMD/${node}`, { qos: 0 });
    return new TestEdgeNode(client, group, node, bdSeq, births);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) % 256;
    return this.seq;
  }

  /** NBIRTH (seq 0, bdSeq) then each DBIRTH. */
  async birth(): Promise<void> {
    this.seq = 0;
    await this.send('NBIRTH', null, { timestamp: Date.now(), seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.bdSeq }, { name: 'Node Control/Rebirth', type: 'Boolean', value: false }, ...this.births.node] });
    for (const device of this.births.devices) await this.send('DBIRTH', device.device, { timestamp: Date.now(), seq: this.nextSeq(), metrics: device.metrics });
  }

  /** DDATA (or NDATA without a device) with the next seq, or the seq given. */
  data(device: string | null, metrics: UMetric[], seq = this.nextSeq()): Promise<void> {
    this.seq = seq;
    return this.send(device === null ? 'NDATA' : 'DDATA', device, { timestamp: Date.now(), seq, metrics });
  }

  async send(type: string, device: string | null, payload: UPayload | Buffer): Promise<void> {
    const topic = `spBv1.0/${this.group}/${type}/${this.node}${device === null ? '' : `/${device}`}`;
    await this.client.publishAsync(topic, Buffer.isBuffer(payload) ? payload : encode(payload), { qos: 1 });
  }

  /** The connection dies without a DISCONNECT: the broker publishes the NDEATH will. */
  kill(): void {
    this.closing = true;
    this.client.stream.destroy();
    this.client.end(true);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.endAsync(true);
  }
}
