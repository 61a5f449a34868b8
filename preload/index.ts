/**
 * The console window's preload: exposes `window.plant`, built by the one shared builder over
 * Electron IPC, and nothing else (never `ipcRenderer` itself). Main validates every call;
 * the builder unwraps main's result envelope into a value or an Error.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_CHANNEL, PUSH_CHANNEL } from '../shared/api/channels';
import type { Envelope, MethodName } from '../shared/api/contract';
import { createPlantApi, type EventPushMessage } from '../shared/api/plantApi';

function isPush(value: unknown): value is EventPushMessage {
  if (typeof value !== 'object' || value === null) return false;
  const push = value as Record<string, unknown>;
  return push.channel === PUSH_CHANNEL && Array.isArray(push.items);
}

const plant = createPlantApi({
  call: (method: MethodName, args: unknown[]) => ipcRenderer.invoke(API_CHANNEL, method, args) as Promise<Envelope<unknown>>,
  onPush(listener) {
    ipcRenderer.on(PUSH_CHANNEL, (_event, push: unknown) => {
      if (isPush(push)) listener(push);
    });
  },
});

contextBridge.exposeInMainWorld('plant', plant);
