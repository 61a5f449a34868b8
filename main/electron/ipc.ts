/**
 * The IPC side of the typed bridge. One invoke channel carries every contract method to
 * the API dispatcher (main/api/dispatch.ts), which validates and answers with a result
 * envelope; only the application window's own top frame, showing the application's own
 * page, is answered. Pushes go the other way on one channel. No Electron import: the ipcMain and window
 * parts arrive as parameters, so tests use fakes.
 */
import { API_CHANNEL, PUSH_CHANNEL } from '../../shared/api/channels';
import type { Envelope } from '../../shared/api/contract';
import type { Dispatch } from '../api/dispatch';
import type { EventPush, PushHub } from '../core/pushHub';

/** What IPC says about the frame that sent a call (a subset of Electron's WebFrameMain). */
export interface CallerFrame {
  readonly processId: number;
  readonly routingId: number;
  readonly url: string;
}

export interface ApiCallEvent {
  readonly senderFrame: CallerFrame | null;
  readonly sender: { readonly id: number };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: ApiCallEvent, ...args: unknown[]) => Promise<Envelope<unknown>>): void;
  removeHandler(channel: string): void;
}

/** True only for the given frame (same process and routing id) showing an app URL. */
export function isAppFrame(frame: CallerFrame | null | undefined, appFrame: CallerFrame | null, isAppUrl: (url: string) => boolean): boolean {
  if (!frame || !appFrame) return false;
  return frame.processId === appFrame.processId && frame.routingId === appFrame.routingId && isAppUrl(frame.url);
}

export interface ApiIpcOptions {
  readonly dispatch: Dispatch;
  /** The application window's top frame, or null while there is no window. */
  readonly appFrame: () => CallerFrame | null;
  readonly isAppUrl: (url: string) => boolean;
  readonly log?: (message: string) => void;
}

export const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'refused: only the application window may call the plant API' },
};

/** Registers the `api:call` handler; returns a function that removes it. */
export function registerApiIpc(ipcMain: IpcMainLike, options: ApiIpcOptions): () => void {
  const log = options.log ?? ((message) => console.warn(`[ipc] ${message}`));
  ipcMain.handle(API_CHANNEL, async (event, method, args) => {
    const frame = event.senderFrame;
    if (!isAppFrame(frame, options.appFrame(), options.isAppUrl)) {
      log(`refused a call of ${String(method).slice(0, 60)} from ${frame ? frame.url.slice(0, 200) : 'a frame that is gone'}`);
      return FORBIDDEN;
    }
    return options.dispatch(method, args, { clientId: windowClientId(event.sender.id) });
  });
  return () => ipcMain.removeHandler(API_CHANNEL);
}

export function windowClientId(webContentsId: number): string {
  return `window:${webContentsId}`;
}

/** Where a window's pushes go (a subset of Electron's WebContents). */
export interface PushTarget {
  readonly id: number;
  send(channel: string, push: EventPush): void;
  isDestroyed(): boolean;
}

/**
 * (Re)registers a window for pushes; its earlier subscriptions are dropped, as they belong
 * to a page that is gone after a reload. Returns a function that unregisters it.
 */
export function attachPushes(pushes: Pick<PushHub, 'connect' | 'disconnect'>, target: PushTarget): () => void {
  const clientId = windowClientId(target.id);
  pushes.connect(clientId, (push) => {
    if (!target.isDestroyed()) target.send(PUSH_CHANNEL, push);
  });
  return () => pushes.disconnect(clientId);
}
