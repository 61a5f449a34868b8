/**
 * The hidden store host's preload: main sends the page's end of a MessageChannelMain on
 * 'store-port'; this hands it to the page (renderer/store-host), which serves the store on
 * it. Nothing else is exposed.
 */
import { ipcRenderer } from 'electron';
import { STORE_PORT_CHANNEL } from '../shared/api/channels';

// This project type-checks preloads without the DOM library: the one DOM call used here.
declare const window: {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
  readonly location: { readonly origin: string };
};

ipcRenderer.on(STORE_PORT_CHANNEL, (event) => {
  // Posted to this page's own origin only (app://plant).
  window.postMessage(STORE_PORT_CHANNEL, window.location.origin, event.ports);
});
