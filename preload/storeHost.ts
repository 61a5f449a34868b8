/**
 * The hidden store host's preload: main sends the page's end of a MessageChannelMain on
 * 'store-port'; this hands it to the page (renderer/store-host), which serves the store on
 * it. Nothing else is exposed.
 */
import { ipcRenderer } from 'electron';

// This project type-checks preloads without the DOM library: the one DOM call used here.
declare const window: {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
  readonly location: { readonly origin: string };
};

ipcRenderer.on('store-port', (event) => {
  // Posted to this page's own origin only (app://plant).
  window.postMessage('store-port', window.location.origin, event.ports);
});
