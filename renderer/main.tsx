/**
 * The user interface's entry. Under Electron the preload has already put `window.plant` in
 * place; in browser mode the socket bridge builds it. Either way the UI below talks to
 * nothing else.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { installWsBridge, type WsTransport } from './bridge/wsBridge';

const root = createRoot(document.getElementById('root') as HTMLElement);
let transport: WsTransport | null = null;
let startError: string | null = null;
try {
  transport = installWsBridge();
} catch (error) {
  startError = (error as Error).message;
}
root.render(
  <StrictMode>
    <App plant={window.plant ?? null} transport={transport} startError={startError} />
  </StrictMode>,
);
