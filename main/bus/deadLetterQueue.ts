/**
 * The dead-letter queue: deliveries whose retries ran out. An operator lists and inspects
 * them, redrives them (back to PUBLISHED, delivered again to their subscriber) or discards
 * them with a reason. A dead letter is named `<eventId>/<subscriber>`; a bare event id names
 * every dead letter of that event.
 */
import { InputError } from '../../shared/api/errors';
import type { DeadLetter, DeliveryRecord, EventStore } from '../../shared/store/eventStore';
import type { DeliveryWriter } from './deliveryWriter';
import type { Subscription } from './subscription';

export class DeadLetterQueue {
  constructor(
    private readonly store: EventStore,
    private readonly writer: DeliveryWriter,
    private readonly subscriber: (name: string) => Subscription | undefined,
    private readonly eventSettledAgain: (eventId: string) => void,
  ) {}

  /** Dead letters not discarded, oldest first. */
  async list(): Promise<DeadLetter[]> {
    await this.writer.flush();
    return this.store.deadLetters();
  }

  /** One dead letter with its event and error history, or null when there is none by that name. */
  async inspect(ref: string): Promise<DeadLetter | null> {
    const [letter] = await this.resolve([ref], false);
    return letter ?? null;
  }

  /** Puts dead letters back on their subscribers' queues. Returns how many were redriven. */
  async redrive(refs: readonly string[]): Promise<number> {
    const letters = await this.resolve(refs, true);
    const now = Date.now();
    const reset = letters.map(({ delivery }): DeliveryRecord => {
      const { deadLetteredAt: _dead, nextAttemptAt: _next, ...rest } = delivery;
      return { ...rest, status: 'PUBLISHED', attempts: 0, updatedAt: now };
    });
    await this.store.putDeliveries(reset);
    letters.forEach(({ event }, i) => {
      // A subscriber that is not registered now receives it when it registers again.
      this.subscriber((reset[i] as DeliveryRecord).subscriber)?.enqueueRecovered(event, reset[i] as DeliveryRecord);
    });
    return letters.length;
  }

  /** Removes dead letters from the queue, keeping the record and the reason. Returns how many. */
  async discard(refs: readonly string[], reason: string): Promise<number> {
    if (typeof reason !== 'string' || reason.trim() === '') throw new InputError('reason: a discard needs a reason');
    const letters = await this.resolve(refs, true);
    const now = Date.now();
    await this.store.putDeliveries(
      letters.map(({ delivery }) => ({ ...delivery, discardedAt: now, discardReason: reason.trim(), updatedAt: now })),
    );
    for (const { event } of letters) this.eventSettledAgain(event.id);
    return letters.length;
  }

  /** The dead letters named; with `strict`, an unknown name fails the whole call before anything changes. */
  private async resolve(refs: readonly string[], strict: boolean): Promise<DeadLetter[]> {
    if (!Array.isArray(refs) || refs.some((ref) => typeof ref !== 'string' || ref === '')) {
      throw new InputError('ids: must be a list of dead-letter ids ("<eventId>/<subscriber>" or "<eventId>")');
    }
    await this.writer.flush();
    const found: DeadLetter[] = [];
    const unknown: string[] = [];
    for (const ref of new Set(refs)) {
      const slash = ref.indexOf('/');
      const eventId = slash < 0 ? ref : ref.slice(0, slash);
      const subscriber = slash < 0 ? undefined : ref.slice(slash + 1);
      const event = await this.store.get(eventId);
      const dead = event
        ? (await this.store.deliveriesOf(eventId)).filter(
            (d) => d.deadLetteredAt !== undefined && d.discardedAt === undefined && (subscriber === undefined || d.subscriber === subscriber),
          )
        : [];
      if (!event || dead.length === 0) unknown.push(ref);
      else for (const delivery of dead) found.push({ delivery, event });
    }
    if (strict && unknown.length > 0) throw new Error(`no dead letter named ${unknown.map((r) => `"${r}"`).join(', ')}`);
    return found;
  }
}
