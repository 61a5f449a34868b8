/**
 * The small window the desktop app shows while it opens its event store, before the console's
 * own window can open. Opening takes a few seconds; rebuilding a damaged store from the journal
 * can take minutes, and an operator looking at nothing would think the console hung and start
 * it again. The window says what is happening, with a progress bar, and goes away when the
 * console opens.
 *
 * Its page is a data: URL written here (no preload, no script, nothing from outside), rewritten
 * for each report; the session's hardening (security.ts) applies to it like every page.
 */
import { BrowserWindow } from 'electron';
import { hardenContents } from './security';

/** Shown when opening the store takes longer than this, even without a rebuild. */
export const STARTUP_WINDOW_AFTER_MS = 1_500;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page for one report: a heading, the sentence, and a progress bar when the share is known. */
export function startupPageUrl(title: string, sentence: string, fraction: number | null): string {
  const bar = fraction === null ? '' : `<progress max="1" value="${Math.max(0, Math.min(1, fraction)).toFixed(3)}"></progress>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`
    + '<style>body{font:14px system-ui,sans-serif;background:#121212;color:#e0e0e0;margin:24px}h1{font-size:16px}progress{width:100%}</style>'
    + `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(sentence)}</p>${bar}</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

export interface StartupWindow {
  /** Opens the window if it is not open yet, and shows `sentence`. */
  show(sentence: string, fraction: number | null): void;
  close(): void;
}

export function startupWindow(title: string): StartupWindow {
  let window: BrowserWindow | null = null;
  return {
    show(sentence, fraction) {
      if (!window || window.isDestroyed()) {
        window = new BrowserWindow({
          width: 560,
          height: 200,
          resizable: false,
          // Closing it would stop a rebuild half way; the console opens when the store is ready.
          closable: false,
          title,
          backgroundColor: '#121212',
          autoHideMenuBar: true,
          webPreferences: {
            sandbox: true,
            contextIsolation: true,
            nodeIntegration: false,
            webSecurity: true,
            // The page has no links, but middle-click would open one in a new window.
            disableBlinkFeatures: 'Auxclick',
          },
        });
        hardenContents(window.webContents);
      }
      window.setProgressBar(fraction ?? 2); // above 1: Electron shows an indeterminate bar
      window.loadURL(startupPageUrl(title, sentence, fraction)).catch((error: Error) => console.warn(`[startup window] ${error.message}`));
    },
    close() {
      if (window && !window.isDestroyed()) window.destroy();
      window = null;
    },
  };
}
