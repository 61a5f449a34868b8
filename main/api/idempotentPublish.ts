/**
 * Publishes through the API at least once and at most once per event id. `window.plant` gives
 * every event its id on the caller's side, so a publish retried after a lost connection
 * carries the same id as the first try, which may have been stored after all: the retry then
 * answers with the stored event instead of storing it twice or failing on the duplicate id.
 * A publish whose id is taken by a different event is refused.
 */
import { InputError } from '../../shared/api/errors';
import { canonicalJson } from '../../shared/audit/canonical';
import type { StoredEvent } from '../../shared/events/event';
import { CLAIMED_ORIGIN_REASON, claimsPlantOrigin } from '../../shared/events/plantOrigin';
import type { PublishInput } from '../../shared/events/validate';
import type { EventStore } from '../../shared/store/eventStore';
import type { EventBus } from '../bus/eventBus';

type Input = PublishInput;

const sameEvent = (stored: StoredEvent, input: Input) => stored.type === input.type && canonicalJson(stored.payload) === canonicalJson(input.payload);

export class IdempotentPublisher {
  /** Publishes under way, by event id: a retry that arrives meanwhile waits for the first. */
  private readonly inFlight = new Map<string, Promise<StoredEvent>>();

  constructor(
    private readonly bus: Pick<EventBus, 'publish' | 'publishBatch'>,
    private readonly store: Pick<EventStore, 'get'>,
  ) {}

  /** The stored event with this input's id, if any; refuses an id taken by another event. */
  private async stored(input: Input): Promise<StoredEvent | null> {
    if (input.id === undefined) return null;
    const found = await this.store.get(input.id);
    if (found && !sameEvent(found, input)) throw new InputError(`event.id: ${input.id} is already the id of another event; give each event its own id`);
    return found;
  }

  async publish(input: Input): Promise<StoredEvent> {
    refuseClaimedOrigin([input]);
    const id = input.id;
    if (id === undefined) return this.bus.publish(input);
    const running = this.inFlight.get(id);
    if (running) return this.answerFor(input, running);
    // A retry is rare: the store is asked about the id only when storing it failed (the store
    // refuses an id it holds), not before every publish, which cost a store round trip each.
    const publishing = this.bus.publish(input);
    this.inFlight.set(id, publishing);
    try {
      return await this.answerFor(input, publishing);
    } finally {
      this.inFlight.delete(id);
    }
  }

  async publishBatch(inputs: readonly Input[]): Promise<StoredEvent[]> {
    refuseClaimedOrigin(inputs);
    // As for one publish: the batch is tried as it is, and only a failed one is looked up
    // event by event (a retry of a batch stored in part, or an id taken by another event).
    if (!inputs.some((input) => input.id !== undefined && this.inFlight.has(input.id))) {
      try {
        return await this.bus.publishBatch(inputs);
      } catch (error) {
        const known = await Promise.all(inputs.map((input) => this.storedAfterFailure(input, error)));
        if (known.every((event) => event === null)) throw error;
      }
    }
    const known = await Promise.all(inputs.map(async (input) => (input.id !== undefined ? ((await this.inFlight.get(input.id)?.catch(() => null)) ?? (await this.stored(input))) : null)));
    const fresh = inputs.filter((_, i) => known[i] === null);
    const published = fresh.length > 0 ? await this.bus.publishBatch(fresh) : [];
    let next = 0;
    return known.map((event) => event ?? (published[next++] as StoredEvent));
  }

  /**
   * After a failed publish: the stored event with this input's id, or null. An id taken by a
   * different event is refused as such; a store that cannot answer leaves the first failure standing.
   */
  private async storedAfterFailure(input: Input, failure: unknown): Promise<StoredEvent | null> {
    try {
      return await this.stored(input);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw failure;
    }
  }

  /** The outcome of `publishing`; when it failed but the event is stored after all (a race with a retry), that event. */
  private async answerFor(input: Input, publishing: Promise<StoredEvent>): Promise<StoredEvent> {
    try {
      return await publishing;
    } catch (error) {
      const found = await this.storedAfterFailure(input, error);
      if (found) return found;
      throw error;
    }
  }
}

/** Events published through the API are this station's own: none may pass for one received over the plant link. */
function refuseClaimedOrigin(inputs: readonly { readonly metadata?: unknown }[]): void {
  const at = inputs.findIndex((input) => claimsPlantOrigin(input.metadata));
  if (at >= 0) throw new InputError(inputs.length > 1 ? `events[${at}].${CLAIMED_ORIGIN_REASON}` : `event.${CLAIMED_ORIGIN_REASON}`);
}
