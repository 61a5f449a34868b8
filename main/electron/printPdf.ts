/**
 * The audit report's PDF in the desktop app: the report's HTML loaded in a hidden, sandboxed
 * window with nothing allowed to load, printed with Chromium's `printToPDF`.
 */
import { BrowserWindow } from 'electron';
import type { RenderPdf } from '../audit/renderPdf';

export const electronPdfRenderer: RenderPdf = async (html) => {
  const window = new BrowserWindow({
    show: false,
    // Its own in-memory session: the request filter below must not replace the app session's.
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, partition: 'audit-print', disableBlinkFeatures: 'Auxclick' },
  });
  try {
    // The report is self-contained; block every request it might make.
    window.webContents.session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => callback({ cancel: !details.url.startsWith('data:') }));
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    const pdf = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf);
  } finally {
    window.destroy();
  }
};
