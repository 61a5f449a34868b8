/**
 * Writing straight into a test's plant stream, as stations (or an intruder) would: events
 * with their id as the message id and the station header, the same event again without a
 * message id (a copy the stream's duplicate window does not catch), and raw bytes.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { ensureStream, subjectOf } from '../../main/plant/plantStream';
import { encodeEvent, STATION_HEADER } from '../../main/plant/wireEvent';
import type { PlantEvent } from '../../shared/events/event';

export class PlantPublisher {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly stream: string,
  ) {}

  /** Connects to `url` and makes the stream as the plant link makes it. */
  static async connect(url: string, stream = 'PLANT'): Promise<PlantPublisher> {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    await ensureStream(await jetstreamManager(nc), stream);
    return new PlantPublisher(nc, jetstream(nc), stream);
  }

  /** Publishes every event (up to 256 at a time), each acknowledged by the stream; `dedupe: false` leaves out the message id. */
  async publish(events: readonly PlantEvent[], options: { station?: string; dedupe?: boolean } = {}): Promise<void> {
    const h = headers();
    h.set(STATION_HEADER, options.station ?? 'station-a');
    for (let at = 0; at < events.length; at += 256) {
      await Promise.all(events.slice(at, at + 256).map((event) =>
        this.retried(() => this.js.publish(subjectOf(event.type), encodeEvent(event), { headers: h, ...(options.dedupe === false ? {} : { msgID: event.id }) }))));
    }
  }

  /** A publish again after a failure while the server restarts: the message id keeps one copy (as a station's outbox does). */
  private async retried<T>(publish: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await publish();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async publishRaw(subject: string, body: Uint8Array): Promise<void> {
    await this.js.publish(subject, body);
  }

  /** The stream's messages so far. */
  async messages(): Promise<number> {
    return (await (await jetstreamManager(this.nc)).streams.info(this.stream)).state.messages;
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
