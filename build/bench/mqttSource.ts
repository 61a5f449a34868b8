/**
 * The main thread's handle on the benchmark's MQTT publisher (e2ePublisher.ts, a worker
 * thread): starts it on a broker, runs publishing phases and stops it.
 */
import { Worker } from 'node:worker_threads';
import type { WebHost } from '../../main/web/server';
import type { PhaseDone, PublishPhase } from './e2ePublisher';

/**
 * The broker settings the README recommends for a broker that feeds a console: Mosquitto's
 * defaults (20 QoS 1 messages in flight, 1,000 queued per client) cap a subscriber at 20
 * messages per round trip and silently drop what does not fit in the queue.
 */
export const CONSOLE_BROKER_CONFIG = ['max_inflight_messages 1000', 'max_queued_messages 1000000'] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MqttSource {
  private readonly waiting = new Map<string, (done: PhaseDone) => void>();
  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: PhaseDone | { kind: string }) => {
      if (message.kind === 'done') this.waiting.get((message as PhaseDone).phase)?.((message as PhaseDone));
    });
  }

  static async start(url: string): Promise<MqttSource> {
    // Node 20 does not carry tsx's loader into workers: the worker loads its TypeScript through tsx's API.
    const entry = new URL('./e2ePublisher.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
    const worker = new Worker(boot, { eval: true, workerData: { url } });
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { kind: string; message?: string }) => {
        if (message.kind === 'ready') resolve();
        if (message.kind === 'error') reject(new Error(`the MQTT publisher: ${message.message}`));
      });
      worker.once('error', reject);
    });
    return new MqttSource(worker);
  }

  publish(phase: PublishPhase): Promise<PhaseDone> {
    return new Promise((resolve) => {
      this.waiting.set(phase.phase, resolve);
      this.worker.postMessage(phase);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ kind: 'close' });
    await Promise.race([new Promise((resolve) => this.worker.once('exit', resolve)), sleep(3_000).then(() => this.worker.terminate())]);
  }
}

/** Points the console's MQTT ingest at `url` (QoS 1) and waits until it is connected. */
export async function connectConsole(host: WebHost, url: string): Promise<void> {
  const mqtt = host.core.mqtt;
  await mqtt.configure({ url, qos: 1 });
  for (let waited = 0; mqtt.state().status?.state !== 'connected'; waited += 100) {
    if (waited > 15_000) throw new Error(`the console did not connect to the broker: ${mqtt.state().status?.reason ?? 'no reason given'}`);
    await sleep(100);
  }
}
