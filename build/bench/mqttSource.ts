/**
 * The benchmark's handle on its MQTT publisher (e2ePublisher.ts, a child process): starts it
 * on a broker, runs publishing phases and stops it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
  private readonly waiting = new Map<string, { resolve: (done: PhaseDone) => void; reject: (error: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: PhaseDone | { kind: string }) => {
      if (message.kind === 'done') this.waiting.get((message as PhaseDone).phase)?.resolve(message as PhaseDone);
    });
    // A phase whose publisher is gone would otherwise never end.
    child.once('exit', (code, signal) => {
      for (const { reject } of this.waiting.values()) reject(new Error(`the MQTT publisher exited (${signal ?? code}) during a phase`));
    });
  }

  /** The publisher's process id: its memory and CPU are the benchmark's, not the host's. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(url: string): Promise<MqttSource> {
    // Its own process, not a worker thread of this one: its memory and CPU are neither the
    // host's (in this process in the e2e section) nor the benchmark's (the soak's `…_bench`).
    const child = fork(fileURLToPath(new URL('./e2ePublisher.ts', import.meta.url)), [url], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { kind: string; message?: string }) => {
        if (message.kind === 'ready') resolve();
        if (message.kind === 'error') reject(new Error(`the MQTT publisher: ${message.message}`));
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`the MQTT publisher exited (${signal ?? code}) before it was ready`)));
    });
    return new MqttSource(child);
  }

  publish(phase: PublishPhase): Promise<PhaseDone> {
    return new Promise((resolve, reject) => {
      this.waiting.set(phase.phase, { resolve, reject });
      this.child.send(phase);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ kind: 'close' });
    await Promise.race([exited, sleep(3_000).then(() => this.child.kill())]);
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
