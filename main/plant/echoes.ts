/**
 * What this station sent to the stream lately, by message id: the exact bytes of each body.
 * The station's durable consumer gets its own events back from the stream; a message whose
 * id and bytes are those of a body this station sent is that event, which the outbox only
 * sent after its local commit, so the inbound side can count it as stored without decoding,
 * validating or looking it up. Anything else (a body that differs by one byte, an id sent
 * too long ago, a redelivery after the first copy was taken) goes the full way.
 *
 * Bounded: the oldest bodies are forgotten first, so memory stays flat when echoes lag.
 */
const DEFAULT_LIMIT = 16_384;

export class Echoes {
  private readonly bodies = new Map<string, Buffer>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** Remembers the body sent with message id `id` (a resend keeps its first place in line). */
  sent(id: string, body: Uint8Array): void {
    this.bodies.set(id, Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    if (this.bodies.size > this.limit) {
      // A Map iterates in insertion order: the first key is the oldest.
      const oldest = this.bodies.keys().next().value as string;
      this.bodies.delete(oldest);
    }
  }

  /** True (and forgotten) when `data` is byte for byte the body sent under `id`. */
  take(id: string | null, data: Uint8Array): boolean {
    if (id === null) return false;
    const body = this.bodies.get(id);
    if (!body || !body.equals(data)) return false;
    this.bodies.delete(id);
    return true;
  }

  get size(): number {
    return this.bodies.size;
  }
}
