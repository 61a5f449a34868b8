/**
 * The Electron IPC layer against fakes: the real preload (with a fake `electron` module) talks
 * through a fake ipcMain to the real handlers and core over an in-memory store. What crosses
 * is structured-cloned, as Electron's IPC does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher, type Dispatch } from '../../main/api/dispatch';
import { createHandlers } from '../../main/api/handlers';
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { isAppUrl } from '../../main/electron/appProtocol';
import {
  FORBIDDEN, attachPushes, isAppFrame, registerApiIpc, type ApiCallEvent, type CallerFrame, type IpcMainLike,
} from '../../main/electron/ipc';
import { API_CHANNEL, PUSH_CHANNEL } from '../../shared/api/channels';
import { METHOD_NAMES, type Envelope } from '../../shared/api/contract';
import type { PlantApi } from '../../shared/api/plantApi';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

/** What the fake `electron` module of the preload records and reaches. */
const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: (_channel: string, ..._args: unknown[]): Promise<unknown> => Promise.reject(new Error('no main process')),
  listeners: new Map<string, ((event: unknown, payload: unknown) => void)[]>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => bridge.exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => bridge.invoke(channel, ...args),
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      bridge.listeners.set(channel, [...(bridge.listeners.get(channel) ?? []), listener]);
    },
  },
}));

/** ipcMain as far as registerApiIpc uses it. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: ApiCallEvent, ...args: unknown[]) => Promise<Envelope<unknown>>>();
  handle(channel: string, listener: (event: ApiCallEvent, ...args: unknown[]) => Promise<Envelope<unknown>>): void {
    if (this.handlers.has(channel)) throw new Error(`a second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: ApiCallEvent, ...args: unknown[]): Promise<Envelope<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

const APP_FRAME: CallerFrame = { processId: 4, routingId: 1, url: 'app://plant/index.html' };
const WINDOW_ID = 7;
const fromApp: ApiCallEvent = { senderFrame: APP_FRAME, sender: { id: WINDOW_ID } };

let core: PlantCore;
let dispatch: Dispatch;
let ipc: FakeIpcMain;
let plant: PlantApi;
let appFrame: CallerFrame | null = APP_FRAME;
let windowGone = false;
const dispatched = vi.fn();

beforeAll(async () => {
  core = await createPlantCore({ store: new InMemoryEventStore() });
  dispatch = createDispatcher(createHandlers(core));
  ipc = new FakeIpcMain();
  registerApiIpc(ipc, {
    dispatch: (method, args, ctx) => {
      dispatched(method);
      return dispatch(method, args, ctx);
    },
    appFrame: () => appFrame,
    isAppUrl,
    log: () => undefined,
  });
  // The window's webContents: pushes arrive at the preload's listeners, cloned.
  attachPushes(core.pushes, {
    id: WINDOW_ID,
    isDestroyed: () => windowGone,
    send: (channel, push) => {
      for (const listener of bridge.listeners.get(channel) ?? []) listener({}, structuredClone(push));
    },
  });
  bridge.invoke = (channel, ...args) => ipc.invoke(channel, fromApp, ...args);
  await import('../../preload/index');
  plant = bridge.exposed.get('plant') as PlantApi;
});

afterAll(async () => {
  await core.close();
});

beforeEach(() => {
  appFrame = APP_FRAME;
  windowGone = false;
  dispatched.mockClear();
});

const call = (method: unknown, args: unknown, event: ApiCallEvent = fromApp) => ipc.invoke(API_CHANNEL, event, method, args);

describe('the preload', () => {
  it('exposes window.plant and nothing else', () => {
    expect([...bridge.exposed.keys()]).toEqual(['plant']);
    const namespaces = [...new Set(METHOD_NAMES.map((name) => name.split('.')[0]))].sort();
    expect(Object.keys(plant).sort()).toEqual(namespaces);
    expect(bridge.listeners.has(PUSH_CHANNEL)).toBe(true);
  });

  it('has a window.plant method for every contract method (unsubscribe is what subscribe returns)', () => {
    for (const name of METHOD_NAMES) {
      if (name === 'events.unsubscribe') continue;
      const [group, method] = name.split('.') as [string, string];
      expect(typeof (plant as unknown as Record<string, Record<string, unknown>>)[group]?.[method], name).toBe('function');
    }
  });

  it('publishes, gets and queries through IPC, and resolves with the stored values', async () => {
    const stored = await plant.events.publish({ type: 'line.batch.started', payload: { batch: 'B-1' }, source: 'ipc-test' });
    expect(stored).toMatchObject({ type: 'line.batch.started', source: 'ipc-test', status: 'PUBLISHED', payload: { batch: 'B-1' } });
    expect(stored.seq).toBeGreaterThan(0);
    expect(await plant.events.get(stored.id)).toMatchObject({ id: stored.id, seq: stored.seq });
    const page = await plant.events.query({ types: ['line.*'], order: 'desc' });
    expect(page.events.map((event) => event.id)).toContain(stored.id);
    const batch = await plant.events.publishBatch([{ type: 'line.batch.ended', payload: {} }, { type: 'line.batch.ended', payload: {} }]);
    expect(batch.map((event) => event.seq)).toEqual([stored.seq + 1, stored.seq + 2]);
  });

  it('rejects with an Error naming what was wrong, and keeps working', async () => {
    await expect(plant.events.publish({ payload: {} } as never)).rejects.toThrow(/events\.publish: event\.type/);
    await expect(plant.events.get(42 as never)).rejects.toThrow(/events\.get: id/);
    await expect(plant.events.publish({ type: 'line.big.happened', payload: { blob: 'x'.repeat(300 * 1024) } })).rejects.toThrow(/payload/);
    const ok = await plant.events.publish({ type: 'line.still.working', payload: {} });
    expect(ok.status).toBe('PUBLISHED');
  });
});

describe('the api:call handler', () => {
  it('answers every contract method (none is an unknown method)', async () => {
    for (const name of METHOD_NAMES) {
      const envelope = await call(name, []);
      if (!envelope.ok) expect(envelope.error.code, `${name}: ${envelope.error.message}`).not.toBe('unknown-method');
    }
    expect(dispatched).toHaveBeenCalledTimes(METHOD_NAMES.length);
    const unknown = await call('events.drop', []);
    expect(unknown).toEqual({ ok: false, error: { code: 'unknown-method', message: 'unknown method "events.drop"' } });
  });

  it.each([
    ['events.publish', [{ payload: {} }], /event\.type/],
    ['events.publish', [{ type: 'Not A Type', payload: {} }], /event\.type/],
    ['events.publish', [{ type: 'line.x.happened', payload: { n: Number.NaN } }], /payload/],
    ['events.publishBatch', ['not an event'], /events/],
    ['events.get', [42], /id/],
    ['events.query', [{ limit: 'ten' }], /limit/],
    ['events.subscribe', ['BAD PATTERN'], /pattern/],
    ['equipment.stateAt', ['press-1', 'noon'], /timestampMs/],
    ['deadLetters.redrive', [[]], /ids/],
    ['metrics.get', ['extra'], /expected 0/],
    ['events.query', 'not a list', /arguments: must be a list/],
  ])('refuses %s with %j: invalid-input envelope', async (method, args, message) => {
    const envelope = await call(method, args);
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('invalid-input');
    expect(envelope.error.message).toMatch(message);
    expect(envelope.error.message.startsWith(`${method}:`)).toBe(true);
  });

  it('refuses frames that are not the application window showing the application', async () => {
    const before = await core.store.headSeq();
    const publish = ['events.publish', [{ type: 'line.intruder.arrived', payload: {} }]] as const;
    const others: ApiCallEvent[] = [
      { senderFrame: null, sender: { id: WINDOW_ID } }, // the frame is gone
      { senderFrame: { ...APP_FRAME, routingId: 2 }, sender: { id: WINDOW_ID } }, // a subframe
      { senderFrame: { ...APP_FRAME, processId: 9 }, sender: { id: 12 } }, // another window (the store host)
      { senderFrame: { ...APP_FRAME, url: 'https://example.com/' }, sender: { id: WINDOW_ID } }, // navigated away
      { senderFrame: { ...APP_FRAME, url: 'file:///etc/passwd' }, sender: { id: WINDOW_ID } },
      { senderFrame: { ...APP_FRAME, url: 'app://other/index.html' }, sender: { id: WINDOW_ID } },
    ];
    for (const event of others) expect(await call(...publish, event)).toEqual(FORBIDDEN);
    appFrame = null; // no application window at all
    expect(await call(...publish)).toEqual(FORBIDDEN);
    expect(dispatched).not.toHaveBeenCalled();
    expect(await core.store.headSeq()).toBe(before);
  });

  it('can be removed', () => {
    const other = new FakeIpcMain();
    const remove = registerApiIpc(other, { dispatch, appFrame: () => APP_FRAME, isAppUrl });
    expect(other.handlers.has(API_CHANNEL)).toBe(true);
    remove();
    expect(other.handlers.has(API_CHANNEL)).toBe(false);
  });
});

describe('isAppFrame', () => {
  it('needs the same frame and an app URL', () => {
    expect(isAppFrame(APP_FRAME, APP_FRAME, isAppUrl)).toBe(true);
    expect(isAppFrame({ ...APP_FRAME, url: 'app://plant/store-host/index.html' }, APP_FRAME, isAppUrl)).toBe(true);
    expect(isAppFrame(APP_FRAME, null, isAppUrl)).toBe(false);
    expect(isAppFrame(undefined, APP_FRAME, isAppUrl)).toBe(false);
    expect(isAppFrame({ ...APP_FRAME, url: 'app://user:pw@plant/index.html' }, APP_FRAME, isAppUrl)).toBe(false);
  });
});

/** Subscribes the test window to `pattern`, collecting into `into`, once main has the subscription. */
async function subscribed(pattern: string, into: StoredEvent[]): Promise<() => void> {
  let unsubscribe = () => {};
  await new Promise<void>((resolve, reject) => {
    unsubscribe = plant.events.subscribe(pattern, (event) => into.push(event), { onReady: resolve, onError: reject });
  });
  return unsubscribe;
}

describe('pushes', () => {
  it('reach the subscribing window through the preload, matching types only, until unsubscribed', async () => {
    const received: StoredEvent[] = [];
    const unsubscribe = await subscribed('alarm.*', received);
    // A second subscription of the same window: pushes for both leave in one message, so
    // when it has an event the other had its chance at it too.
    const witnessed: StoredEvent[] = [];
    const unsubscribeWitness = await subscribed('alarm.*', witnessed);
    const [first, second] = await plant.events.publishBatch([
      { type: 'alarm.pressure.cleared', payload: { n: 1 } },
      { type: 'line.batch.started', payload: { n: 2 } },
    ]);
    await vi.waitFor(() => expect(received.map((event) => event.id)).toContain(first?.id));
    expect(received.map((event) => event.id)).not.toContain(second?.id);
    expect(received.every((event) => event.type.startsWith('alarm.'))).toBe(true);

    unsubscribe();
    const count = received.length;
    const late = await plant.events.publish({ type: 'alarm.pressure.raised', payload: { n: 3 } });
    await vi.waitFor(() => expect(witnessed.map((event) => event.id)).toContain(late.id));
    expect(received.length).toBe(count);
    unsubscribeWitness();
  });

  it('are not sent to a window that is gone', async () => {
    const sent = vi.fn();
    const hub = core.pushes;
    attachPushes(hub, { id: 99, isDestroyed: () => true, send: sent });
    hub.subscribe('window:99', 'alarm.*');
    // A live window on the same events; the gone one is new, so its push would leave no later.
    const witnessed: StoredEvent[] = [];
    const unsubscribeWitness = await subscribed('alarm.*', witnessed);
    const raised = await plant.events.publish({ type: 'alarm.level.raised', payload: {} });
    await vi.waitFor(() => expect(witnessed.map((event) => event.id)).toContain(raised.id));
    expect(sent).not.toHaveBeenCalled();
    unsubscribeWitness();
    hub.disconnect('window:99');
  });
});
