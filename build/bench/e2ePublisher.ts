/**
 * The end-to-end benchmark's MQTT source, in a child process of its own so that pacing the
 * messages takes neither the host's event loop nor the host's memory (the soak measures the
 * host's resident memory, and a product host runs no publisher): it publishes telemetry at a
 * fixed rate with QoS 1, each body carrying its send time (`sentAt`, ms since the epoch,
 * sub-millisecond) and the phase it belongs to, and reports how many the broker acknowledged.
 * Started by mqttSource.ts, which talks to it over the IPC channel; the broker's URL is its argument.
 */
import mqtt from 'mqtt';

export interface PublishPhase {
  readonly phase: string;
  readonly rate: number;
  readonly seconds: number;
  /** The first topic levels (default `plant/line-1`); another prefix reaches the broker but not the console. */
  readonly topicPrefix?: string;
  /** Stop at the end of the phase's time even if the rate was not reached (measuring the publisher's own ceiling). */
  readonly stopAtDeadline?: boolean;
}

export interface PhaseDone {
  readonly kind: 'done';
  readonly phase: string;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly ms: number;
}

const METRICS = ['temperature', 'current', 'pressure', 'vibration'] as const;
const UNITS = ['degC', 'A', 'bar', 'mm/s'] as const;
const TICK_MS = 5;
/**
 * Messages sent and not yet acknowledged, at most: a QoS 1 message holds one of 65,535 packet
 * ids until its PUBACK, and a publisher asked for more than it can do (the ceiling phase)
 * would otherwise run out of them and wait for ever.
 */
const MAX_UNACKNOWLEDGED = 30_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A message to the process that started this one (mqttSource.ts). */
function tell(message: PhaseDone | { kind: 'ready' } | { kind: 'error'; message: string }): void {
  process.send?.(message);
}

async function run(url: string | undefined): Promise<void> {
  if (!process.send || !url) throw new Error('e2ePublisher runs as a child process with an IPC channel, the broker URL its argument');
  // Silent as the console's own client is (main/ingest/mqttOptions.ts): mqtt.js gathers the
  // arguments of a debug line per packet even when nothing prints them.
  const client = await mqtt.connectAsync(url, { clientId: `bench-e2e-${process.pid}`, clean: true, reconnectPeriod: 0, log: () => undefined });
  process.on('message', (message: PublishPhase | { kind: 'close' }) => {
    if ('kind' in message) {
      void client.endAsync().then(() => process.disconnect());
      return;
    }
    void publishPhase(client, message).then(tell);
  });
  tell({ kind: 'ready' });
}

/** Publishes `rate` messages a second for `seconds`, catching up after a late tick rather than drifting. */
async function publishPhase(client: mqtt.MqttClient, { phase, rate, seconds, topicPrefix = 'plant/line-1', stopAtDeadline = false }: PublishPhase): Promise<PhaseDone> {
  const total = Math.round(rate * seconds);
  let sent = 0;
  let acked = 0;
  let failed = 0;
  // Set once the phase has sent its last message: then the last answer settles the phase.
  let lastSent = -1;
  let settled = () => undefined as void;
  const allSettled = new Promise<void>((resolve) => (settled = resolve));
  // One callback for every message (a promise per message cost the publisher, which shares the
  // machine with the console, about a tenth of its CPU).
  const onAck = (error?: Error) => {
    if (error) failed++;
    else acked++;
    if (acked + failed === lastSent) settled();
  };
  const started = now();
  while (sent < total && !(stopAtDeadline && now() - started >= seconds * 1000)) {
    const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate));
    for (; sent < due && sent - acked - failed < MAX_UNACKNOWLEDGED; sent++) {
      const metric = sent % METRICS.length;
      const equipment = `press-${String(sent % 50).padStart(3, '0')}`;
      const body = JSON.stringify({ metric: METRICS[metric], value: 40 + (sent % 600) / 10, unit: UNITS[metric], phase, n: sent, sentAt: now() });
      client.publish(`${topicPrefix}/${equipment}/telemetry`, body, { qos: 1 }, onAck);
    }
    await sleep(TICK_MS);
  }
  lastSent = sent;
  if (acked + failed === lastSent) settled();
  await allSettled;
  return { kind: 'done', phase, sent, acked, failed, ms: now() - started };
}

run(process.argv[2]).catch((error: unknown) => {
  tell({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  process.disconnect?.();
});
