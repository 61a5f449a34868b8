/**
 * Live pushes to user-interface clients (windows, browser tabs). Each client subscribes to
 * type patterns; new events are gathered and sent at most 60 times a second per client, so a
 * flood of events costs a window a bounded number of messages. A client that falls too far
 * behind is told how many events it missed and re-reads the store.
 */
import { compilePattern } from '../../shared/events/patterns';
import type { StoredEvent } from '../../shared/events/event';
import { newEventId } from '../../shared/events/uuidv7';
import { PUSH_CHANNEL } from '../../shared/api/channels';
import type { EventPushMessage } from '../../shared/api/plantApi';

/** What a client receives on its push channel: news for each of its subscriptions, in one message. */
export type EventPush = EventPushMessage;

export type PushSender = (push: EventPush) => void;

export const MAX_PUSHES_PER_SECOND = 60;
/** Events held for one subscription between two pushes; beyond this they are counted as dropped. */
export const MAX_PENDING_EVENTS = 5_000;

interface ClientSubscription {
  readonly id: string;
  readonly matches: (type: string) => boolean;
  pending: StoredEvent[];
  dropped: number;
}

class Client {
  readonly subscriptions = new Map<string, ClientSubscription>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = 0;

  constructor(private readonly send: PushSender) {}

  offer(events: readonly StoredEvent[]): void {
    let any = false;
    for (const sub of this.subscriptions.values()) {
      for (const event of events) {
        if (!sub.matches(event.type)) continue;
        if (sub.pending.length < MAX_PENDING_EVENTS) sub.pending.push(event);
        else sub.dropped++;
        any = true;
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
    const items = [...this.subscriptions.values()]
      .filter((sub) => sub.pending.length > 0 || sub.dropped > 0)
      .map((sub) => {
        const item = { subscriptionId: sub.id, events: sub.pending, dropped: sub.dropped };
        sub.pending = [];
        sub.dropped = 0;
        return item;
      });
    if (items.length > 0) this.send({ channel: PUSH_CHANNEL, items });
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
    client.subscriptions.set(id, { id, matches: compilePattern(pattern), pending: [], dropped: 0 });
    return id;
  }

  unsubscribe(clientId: string, subscriptionId: string): boolean {
    return this.clients.get(clientId)?.subscriptions.delete(subscriptionId) ?? false;
  }

  /** Offers newly stored events to every client. */
  publish(events: readonly StoredEvent[]): void {
    for (const client of this.clients.values()) client.offer(events);
  }

  close(): void {
    for (const client of this.clients.values()) client.dispose();
    this.clients.clear();
  }
}
