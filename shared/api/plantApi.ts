/**
 * `window.plant`: the object the user interface talks to, built from the contract over any
 * transport (Electron's preload over IPC, the browser-mode bridge over a WebSocket). It
 * unwraps the result envelope: each method resolves with its value or rejects with an Error
 * whose message says what was wrong and whose `code` is the envelope's error code.
 */
import type { StoredEvent } from '../events/event';
import { METHOD_NAMES, type ArgsOf, type Envelope, type MethodName, type ResultOf } from './contract';

/** A live push of new events, coalesced by main to at most 60 messages a second per window. */
export interface EventPushMessage {
  readonly channel: 'push:events';
  readonly items: readonly {
    readonly subscriptionId: string;
    readonly events: readonly StoredEvent[];
    /** Events left out because the window fell behind; re-read them with `events.query`. */
    readonly dropped: number;
  }[];
}

export interface PlantTransport {
  call(method: MethodName, args: unknown[]): Promise<Envelope<unknown>>;
  /** Registers the one listener for pushes from main. */
  onPush(listener: (push: EventPushMessage) => void): void;
  /**
   * Where the connection can drop and come back (browser mode's socket), tells when a new
   * connection opened: main then holds none of the old subscriptions, and they are made again.
   */
  onReconnect?(listener: () => void): void;
}

export interface SubscribeOptions {
  /** Told how many events were left out when this window fell behind; re-read them with `query`. */
  readonly onDropped?: (count: number) => void;
  /** Told when main has the subscription: events published from then on will arrive. */
  readonly onReady?: () => void;
  /** Told when the subscription could not be made (a bad pattern, a lost connection). */
  readonly onError?: (error: Error) => void;
  /**
   * Told when the connection came back and the subscription was made again: events published
   * while it was down did not arrive here; re-read them with `query`.
   */
  readonly onResumed?: () => void;
}

type Call<M extends MethodName> = (...args: ArgsOf<M>) => Promise<ResultOf<M>>;

type Namespace = MethodName extends `${infer NS}.${string}` ? NS : never;

/** Every contract method as `window.plant.<namespace>.<name>(...args)`. */
export type Generated = {
  readonly [NS in Namespace]: {
    readonly [M in MethodName as M extends `${NS}.${infer Name}` ? Name : never]: Call<M>;
  };
};

/** `window.plant`: every contract method, with friendlier shapes for a few of them. */
export type PlantApi = Omit<Generated, 'events' | 'equipment' | 'deadLetters' | 'metrics'> & CoreApi;

interface CoreApi {
  readonly events: {
    readonly publish: Call<'events.publish'>;
    readonly publishBatch: Call<'events.publishBatch'>;
    readonly query: (query?: ArgsOf<'events.query'>[0]) => Promise<ResultOf<'events.query'>>;
    readonly get: Call<'events.get'>;
    /** Calls `listener` with each new event whose type matches `pattern`; returns a function that unsubscribes. */
    readonly subscribe: (pattern: string, listener: (event: StoredEvent) => void, options?: SubscribeOptions) => () => void;
  };
  readonly equipment: Generated['equipment'];
  readonly deadLetters: {
    readonly list: Call<'deadLetters.list'>;
    readonly redrive: Call<'deadLetters.redrive'>;
    readonly discard: (ids: string[], reason?: string) => Promise<number>;
  };
  readonly metrics: {
    readonly get: Call<'metrics.get'>;
  };
}

export function createPlantApi(transport: PlantTransport): PlantApi {
  interface Subscription {
    readonly pattern: string;
    readonly listener: (event: StoredEvent) => void;
    readonly options: SubscribeOptions;
    /** main's id for it on the current connection. */
    serverId?: string;
    cancelled: boolean;
  }
  /** By main's id, for the pushes. */
  const listeners = new Map<string, Subscription>();
  const active = new Set<Subscription>();

  transport.onPush((push) => {
    if (!push || !Array.isArray(push.items)) return;
    for (const item of push.items) {
      const entry = listeners.get(item?.subscriptionId);
      if (!entry) continue;
      if (item.dropped > 0) entry.options.onDropped?.(item.dropped);
      for (const event of item.events) entry.listener(event);
    }
  });

  async function call(method: MethodName, args: unknown[]): Promise<unknown> {
    const envelope = await transport.call(method, args);
    if (envelope.ok) return envelope.value;
    // The code lets the UI act on a kind of refusal (e.g. `exists`: ask before replacing a file).
    throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
  }
  const method =
    <M extends MethodName>(name: M) =>
    (...args: unknown[]) =>
      call(name, args) as Promise<ResultOf<M>>;

  /** Asks main for the subscription (again, after a reconnect). */
  function register(sub: Subscription, resumed: boolean): void {
    call('events.subscribe', [sub.pattern]).then(
      (value) => {
        const serverId = (value as { subscriptionId: string }).subscriptionId;
        if (sub.cancelled) {
          void call('events.unsubscribe', [serverId]).catch(() => undefined);
          return;
        }
        if (sub.serverId !== undefined) listeners.delete(sub.serverId);
        sub.serverId = serverId;
        listeners.set(serverId, sub);
        if (resumed) sub.options.onResumed?.();
        else sub.options.onReady?.();
      },
      (error: Error) => {
        if (sub.options.onError) sub.options.onError(error);
        else console.error('[plant] subscribe failed:', error.message);
      },
    );
  }

  transport.onReconnect?.(() => {
    for (const sub of active) register(sub, true);
  });

  function subscribe(pattern: string, listener: (event: StoredEvent) => void, options: SubscribeOptions = {}): () => void {
    const sub: Subscription = { pattern, listener, options, cancelled: false };
    active.add(sub);
    register(sub, false);
    return () => {
      sub.cancelled = true;
      active.delete(sub);
      if (sub.serverId === undefined) return;
      listeners.delete(sub.serverId);
      void call('events.unsubscribe', [sub.serverId]).catch(() => undefined);
    };
  }

  const generated: Record<string, Record<string, unknown>> = {};
  for (const name of METHOD_NAMES) {
    const [ns, member] = name.split('.', 2) as [string, string];
    (generated[ns] ??= {})[member] = method(name);
  }

  return {
    ...(generated as unknown as Generated),
    events: {
      publish: method('events.publish'),
      publishBatch: method('events.publishBatch'),
      query: (query) => call('events.query', query === undefined ? [] : [query]) as Promise<ResultOf<'events.query'>>,
      get: method('events.get'),
      subscribe,
    },
    equipment: { ...(generated.equipment as Generated['equipment']), list: method('equipment.list'), stateAt: method('equipment.stateAt') },
    deadLetters: {
      list: method('deadLetters.list'),
      redrive: method('deadLetters.redrive'),
      discard: (ids, reason) => call('deadLetters.discard', reason === undefined ? [ids] : [ids, reason]) as Promise<number>,
    },
    metrics: { get: method('metrics.get') },
  };
}
