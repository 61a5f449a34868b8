/**
 * Main's view of the event store: the EventStore contract, carried by batched RPC to the
 * store host (a hidden Chromium page running Dexie). Calls made in the same turn travel in
 * one message.
 *
 * When the host goes away (its process crashed, its socket dropped), the client asks the
 * supervisor for a new link and sends again every request still unanswered, in order. An
 * append whose first event is already stored had been committed before the crash: it is
 * answered from the store instead of being appended twice. So a caller whose append
 * resolved never loses it, and one whose append is pending gets it stored exactly once.
 * If the supervisor gives up on the host (it kept failing), every call fails with its sentence.
 */
import type { ChainHead } from '../../shared/audit/chain';
import { subjectOf } from '../../shared/events/event';
import type { PlantEvent, StoredEvent } from '../../shared/events/event';
import { numberedCopy } from '../../shared/store/numbered';
import { LinkClosedError, type MessageLink } from '../../shared/rpc/link';
import { isSealedEvent } from '../../shared/events/sealed';
import { EventValidationError, validatePlantEvent } from '../../shared/events/validate';
import { parseAppendReply, parseStoreMessage, type AppendReply, type StoreError, type StoreMethod, type StoreRequest, type StoreResponse } from '../../shared/rpc/storeProtocol';
import type {
  AppendInput, DeadLetter, DeliveryRecord, EventPage, EventQuery, EventStore, GetEventsByTypeOptions, ReplayOptions,
  ReplayResult, Snapshot, StatusUpdate,
} from '../../shared/store/eventStore';
import { replayByQuery, typeQueryAll } from '../../shared/store/readAll';
import { StoreHostGaveUpError } from './host/storeHostSupervisor';
import { StoreClosedError } from './storeClosedError';

/** Rebuilds an error from the host; validation errors come back as EventValidationError. */
function errorFrom(error: StoreError | undefined): Error {
  if (error?.name === 'EventValidationError' && typeof error.field === 'string' && typeof error.rule === 'string') {
    return new EventValidationError(error.field, error.rule);
  }
  return Object.assign(new Error(String(error?.message ?? 'the store host failed')), { name: String(error?.name ?? 'Error') });
}

/** The stored events of an append, from the events sent and the host's reply (as the store builds them). */
function storedFrom(events: readonly PlantEvent[], reply: AppendReply): StoredEvent[] {
  return events.map((event, i) => {
    const stored = numberedCopy(event, reply.first + i, subjectOf(event.payload));
    stored.hash = reply.hashes[i] as string;
    return stored as StoredEvent;
  });
}

interface Call {
  readonly request: StoreRequest;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Gives a link to a store host that is ready to serve (starting or restarting it as needed). */
export type ConnectStore = () => Promise<MessageLink>;

export class StoreClient implements EventStore {
  private link: MessageLink | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private outbox: Call[] = [];
  private readonly inFlight = new Map<number, Call>();
  private flushScheduled = false;
  private closed = false;
  private restartCount = 0;
  private failure: StoreHostGaveUpError | null = null;

  private constructor(private readonly connect: ConnectStore) {}

  /** Connects to the store host and waits until it answers. */
  static async open(connect: ConnectStore): Promise<StoreClient> {
    const client = new StoreClient(connect);
    await client.reconnect();
    await client.headSeq();
    return client;
  }

  get connected(): boolean {
    return this.link !== null;
  }

  /** How many times the store host had to be reconnected. */
  get restarts(): number {
    return this.restartCount;
  }

  append(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StoredEvent[]> {
    // Checked here as well as in the host: copying across the boundary would erase some
    // defects (a class instance arrives as a plain object) before the host could see them.
    // A sealed event (the bus's) was checked when it was sealed and cannot have changed since.
    let valid: PlantEvent[];
    try {
      valid = events.map((event) => (isSealedEvent(event) ? event : validatePlantEvent(event)));
    } catch (error) {
      return Promise.reject(error);
    }
    // The host answers with seqs and hashes (AppendReply); an append answered from the store
    // after a crash (resendAppend) comes back as stored events.
    return this.call('append', deliveries ? [events, deliveries] : [events]).then((value) =>
      Array.isArray(value) ? (value as StoredEvent[]) : storedFrom(valid, parseAppendReply(value, valid.length)),
    );
  }
  get(id: string): Promise<StoredEvent | null> {
    return this.call('get', [id]) as Promise<StoredEvent | null>;
  }
  getBySeq(seq: number): Promise<StoredEvent | null> {
    return this.call('getBySeq', [seq]) as Promise<StoredEvent | null>;
  }
  getEventsByType(pattern: string, options: GetEventsByTypeOptions = {}): Promise<StoredEvent[]> {
    return typeQueryAll(this, pattern, options);
  }
  query(query: EventQuery): Promise<EventPage> {
    return this.call('query', [query]) as Promise<EventPage>;
  }
  count(query?: EventQuery): Promise<number> {
    return this.call('count', query ? [query] : []) as Promise<number>;
  }
  headSeq(): Promise<number> {
    return this.call('headSeq', []) as Promise<number>;
  }
  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    await this.call('updateStatuses', [updates]);
  }
  async putDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    await this.call('putDeliveries', [records]);
  }
  getDelivery(eventId: string, subscriber: string): Promise<DeliveryRecord | null> {
    return this.call('getDelivery', [eventId, subscriber]) as Promise<DeliveryRecord | null>;
  }
  pendingDeliveries(subscriber: string): Promise<DeliveryRecord[]> {
    return this.call('pendingDeliveries', [subscriber]) as Promise<DeliveryRecord[]>;
  }
  deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    return this.call('deliveriesOf', [eventId]) as Promise<DeliveryRecord[]>;
  }
  deadLetters(): Promise<DeadLetter[]> {
    return this.call('deadLetters', []) as Promise<DeadLetter[]>;
  }
  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.call('saveSnapshot', [snapshot]);
  }
  nearestSnapshot(key: string, bounds?: { toSeq?: number; toTime?: number }): Promise<Snapshot | null> {
    return this.call('nearestSnapshot', bounds ? [key, bounds] : [key]) as Promise<Snapshot | null>;
  }
  /** The head of the audit hash chain as the store host recorded it (apart from the events). */
  chainHead(): Promise<ChainHead> {
    return this.call('chainHead', []) as Promise<ChainHead>;
  }
  replay<S>(options: ReplayOptions<S>): Promise<ReplayResult<S>> {
    return replayByQuery(this, options);
  }

  /** Waits (up to `timeoutMs`) for every call made so far to be answered, then drops the link. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + timeoutMs;
    while ((this.outbox.length > 0 || this.inFlight.size > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.closed = true;
    this.link?.close();
    this.link = null;
  }

  private call(method: StoreMethod, args: readonly unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.outbox.push({ request: { id: this.nextId++, method, args }, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.link || this.outbox.length === 0) return;
    const calls = this.outbox;
    this.outbox = [];
    try {
      this.link.send({ kind: 'requests', requests: calls.map((call) => call.request) });
      for (const call of calls) this.inFlight.set(call.request.id, call);
    } catch (error) {
      // The link is closing: its close starts recover(), which sends every call in flight again.
      if (error instanceof LinkClosedError) for (const call of calls) this.inFlight.set(call.request.id, call);
      // Something in the batch cannot cross (a function, a symbol…): find it, send the rest.
      else for (const call of calls) this.sendOne(call);
    }
  }

  private sendOne(call: Call): void {
    try {
      (this.link as MessageLink).send({ kind: 'requests', requests: [call.request] });
      this.inFlight.set(call.request.id, call);
    } catch (error) {
      if (error instanceof LinkClosedError) this.inFlight.set(call.request.id, call);
      else call.reject(new TypeError(`${call.request.method}: the arguments cannot be sent to the store host (${(error as Error).message})`));
    }
  }

  private onMessage(raw: unknown): void {
    let responses: readonly StoreResponse[];
    try {
      const message = parseStoreMessage(raw);
      if (message.kind !== 'responses') return;
      responses = message.responses;
    } catch (error) {
      console.warn('[store client] ignored a message:', (error as Error).message);
      return;
    }
    for (const response of responses) {
      const call = this.inFlight.get(response?.id);
      if (!call) continue;
      this.inFlight.delete(response.id);
      if (response.ok) call.resolve(response.value);
      else call.reject(errorFrom(response.error));
    }
  }

  private reconnect(): Promise<void> {
    this.ready ??= (async () => {
      const link = await this.connect();
      link.onMessage((message) => this.onMessage(message));
      link.onClose(() => {
        if (this.link !== link || this.closed) return;
        this.link = null;
        this.restartCount++;
        void this.recover();
      });
      this.link = link;
      this.ready = null;
    })();
    return this.ready;
  }

  /** After the host went away: new link, then every unanswered call again, in order. */
  private async recover(): Promise<void> {
    const unanswered = [...this.inFlight.values()].sort((a, b) => a.request.id - b.request.id);
    this.inFlight.clear();
    for (;;) {
      try {
        await this.reconnect();
        break;
      } catch (error) {
        if (error instanceof StoreHostGaveUpError) return this.giveUp(unanswered, error);
        console.warn('[store client] store host did not come back, retrying:', (error as Error).message);
        this.ready = null;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const waiting = this.outbox;
    this.outbox = [];
    for (const call of unanswered) {
      if (call.request.method !== 'append') this.outbox.push(call);
      // The new host could not say whether it was stored: the append fails with its answer,
      // and the calls behind it go on (a hung append would hold up every publish after it).
      else await this.resendAppend(call).catch((error: unknown) => call.reject(error as Error));
    }
    this.outbox.push(...waiting);
    // The supervisor gave up meanwhile (the new host went away too): no link will come for these.
    if (this.failure) return this.giveUp([], this.failure);
    this.flush();
  }

  /** The supervisor stopped restarting the host: every call, now and later, fails with its sentence. */
  private giveUp(unanswered: readonly Call[], error: StoreHostGaveUpError): void {
    this.failure = error;
    this.ready = null;
    for (const call of [...unanswered, ...this.outbox.splice(0)]) call.reject(error);
  }

  /** An append interrupted by a crash: answered from the store if it was committed, sent again if not. */
  private async resendAppend(call: Call): Promise<void> {
    const events = call.request.args[0] as readonly AppendInput[];
    const first = events[0];
    const committed = first ? await this.get(first.id) : null;
    if (!committed) {
      this.outbox.push(call);
      this.flush();
      return;
    }
    const stored = await Promise.all(events.map((event) => this.get(event.id)));
    call.resolve(stored);
  }
}
