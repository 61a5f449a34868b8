/**
 * Live pushes to user-interface clients (windows, browser tabs). Each client subscribes to
 * type patterns; new events are gathered and sent at most 60 times a second per client, so a
 * flood of events costs a window a bounded number of messages. A client that falls too far
 * behind is told how many events it missed and re-reads the store.
 *
 * A socket client sends each push as JSON text. A batch of stored events is turned into JSON
 * once, when the first client needs it, and that text goes into every push that carries the
 * whole batch (every client subscribed to '*', every other subscription that matched all of
 * it), instead of once per client and subscription.
 */
import { compilePattern } from '../../shared/events/patterns';
import type { StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import { PUSH_CHANNEL } from '../../shared/api/channels';
import type { EventPushMessage } from '../../shared/api/plantApi';

/** What a client receives on its push channel: news for each of its subscriptions, in one message. */
export type EventPush = EventPushMessage;

/**
 * Sends one push: `push` as an object (for a sender that copies objects, as Electron's IPC
 * does), `text()` as its JSON text (equal to `JSON.stringify(push)`, built from text shared
 * with the other clients).
 */
export type PushSender = (push: EventPush, text: () => string) => void;

export const MAX_PUSHES_PER_SECOND = 60;
/** Events held for one subscription between two pushes; beyond this they are counted as dropped. */
export const MAX_PENDING_EVENTS = 5_000;

/** Events stored together, as the bus reported them, with their JSON made at most once. */
class PushBatch {
  private whole: string | null = null;
  private each: (string | undefined)[] | null = null;

  constructor(readonly events: readonly StoredEvent[]) {}

  /** The events from `from` up to `to` as a JSON list. */
  json(from: number, to: number): string {
    if (from === 0 && to === this.events.length) return (this.whole ??= JSON.stringify(this.events));
    const each = (this.each ??= []);
    const items: string[] = [];
    for (let i = from; i < to; i++) items.push((each[i] ??= JSON.stringify(this.events[i])));
    return `[${items.join(',')}]`;
  }
}

/** A run of a batch's events, in order, that one subscription took. */
interface Run {
  readonly batch: PushBatch;
  readonly from: number;
  to: number;
}

interface ClientSubscription {
  readonly id: string;
  readonly matches: (type: string) => boolean;
  pending: Run[];
  count: number;
  dropped: number;
}

type PushItem = EventPush['items'][number];

/** A subscription's runs as one JSON list. A single run's list goes in as it is: cutting the brackets off a large text costs a copy of it. */
function listText(runs: readonly Run[]): string {
  const [only] = runs;
  if (runs.length === 1 && only) return only.batch.json(only.from, only.to);
  return `[${runs.map((run) => run.batch.json(run.from, run.to).slice(1, -1)).join(',')}]`;
}

/** The push's JSON text, as `JSON.stringify` would write it, with each run's events from its batch's shared text. */
function pushText(items: readonly { readonly subscriptionId: string; readonly runs: readonly Run[]; readonly dropped: number }[]): string {
  const parts = items.map(({ subscriptionId, runs, dropped }) => `{"subscriptionId":${JSON.stringify(subscriptionId)},"events":${listText(runs)},"dropped":${dropped}}`);
  return `{"channel":${JSON.stringify(PUSH_CHANNEL)},"items":[${parts.join(',')}]}`;
}

/** The events of a subscription's runs, in order (a run of a whole batch is that batch's own list). */
function eventsOf(runs: readonly Run[]): readonly StoredEvent[] {
  const first = runs[0];
  if (runs.length === 1 && first && first.from === 0 && first.to === first.batch.events.length) return first.batch.events;
  const events: StoredEvent[] = [];
  for (const { batch, from, to } of runs) for (let i = from; i < to; i++) events.push(batch.events[i] as StoredEvent);
  return events;
}

class Client {
  readonly subscriptions = new Map<string, ClientSubscription>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = 0;

  constructor(private readonly send: PushSender) {}

  offer(batch: PushBatch): void {
    let any = false;
    const { events } = batch;
    for (const sub of this.subscriptions.values()) {
      let run: Run | null = null;
      for (let i = 0; i < events.length; i++) {
        if (!sub.matches((events[i] as StoredEvent).type)) {
          run = null;
          continue;
        }
        any = true;
        if (sub.count >= MAX_PENDING_EVENTS) {
          sub.dropped++;
          continue;
        }
        sub.count++;
        if (run) run.to = i + 1;
        else sub.pending.push((run = { batch, from: i, to: i + 1 }));
      }
    }
    if (any) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const interval = Math.ceil(1000 / MAX_PUSHES_PER_SECOND);
    const wait = Math.max(0, this.lastSent + interval - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends everything gathered, for every subscription of this client, as one message. */
  private flush(): void {
    this.timer = null;
    this.lastSent = Date.now();
    const taken = [...this.subscriptions.values()]
      .filter((sub) => sub.count > 0 || sub.dropped > 0)
      .map((sub) => {
        const item = { subscriptionId: sub.id, runs: sub.pending, dropped: sub.dropped };
        sub.pending = [];
        sub.count = 0;
        sub.dropped = 0;
        return item;
      });
    if (taken.length === 0) return;
    const items = taken.map(({ subscriptionId, runs, dropped }): PushItem => ({ subscriptionId, events: eventsOf(runs), dropped }));
    this.send({ channel: PUSH_CHANNEL, items }, () => pushText(taken));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.subscriptions.clear();
  }
}

export class PushHub {
  private readonly clients = new Map<string, Client>();

  /** Registers a client (a window, a socket) and how to reach it. */
  connect(clientId: string, send: PushSender): void {
    this.clients.get(clientId)?.dispose();
    this.clients.set(clientId, new Client(send));
  }

  disconnect(clientId: string): void {
    this.clients.get(clientId)?.dispose();
    this.clients.delete(clientId);
  }

  subscribe(clientId: string, pattern: string): string {
    const client = this.clients.get(clientId);
    if (!client) throw new Error('this client cannot receive pushes (not connected)');
    if (client.subscriptions.size >= 100) throw new Error('too many subscriptions: at most 100 per window');
    const id = newEventId();
    client.subscriptions.set(id, { id, matches: compilePattern(pattern), pending: [], count: 0, dropped: 0 });
    return id;
  }

  unsubscribe(clientId: string, subscriptionId: string): boolean {
    return this.clients.get(clientId)?.subscriptions.delete(subscriptionId) ?? false;
  }

  /** Offers newly stored events to every client. */
  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0 || this.clients.size === 0) return;
    const batch = new PushBatch(events);
    for (const client of this.clients.values()) client.offer(batch);
  }

  close(): void {
    for (const client of this.clients.values()) client.dispose();
    this.clients.clear();
  }
}
