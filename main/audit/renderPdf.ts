/**
 * Rendering HTML to PDF with Chromium. `RenderPdf` is the seam: browser mode and the command
 * line use Playwright's `page.pdf` on a headless Chromium (below); Electron can pass a
 * function over `webContents.printToPDF` instead.
 */
import type { BrowserType } from 'playwright';
import { CHROMIUM_NOT_FOUND, findChromiumExecutable } from '../platform/chromium';

export type RenderPdf = (html: string) => Promise<Uint8Array>;

export interface PlaywrightPdfOptions {
  readonly executablePath?: string;
  readonly timeoutMs?: number;
}

/** A renderer that starts a headless Chromium for each report and closes it afterwards. */
export function playwrightPdfRenderer(options: PlaywrightPdfOptions = {}): RenderPdf {
  return async (html) => {
    const executablePath = options.executablePath ?? (await findChromiumExecutable());
    if (!executablePath) throw new Error(CHROMIUM_NOT_FOUND);
    let chromium: BrowserType;
    try {
      ({ chromium } = await import('playwright'));
    } catch {
      throw new Error('PDF reports in browser mode need the "playwright" package (npm install)');
    }
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      // The report is self-contained: nothing may be fetched while it renders.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout: options.timeoutMs ?? 60_000 });
      return await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
    } finally {
      await browser.close();
    }
  };
}
