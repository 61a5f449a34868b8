/**
 * Finding and flagging the Chromium that runs browser mode's store host, the audit command's
 * store and the PDF reports. Order: CHROME_PATH, Debian's /usr/bin/chromium, then a browser
 * Playwright installed (when Playwright is there).
 */
import { existsSync } from 'node:fs';

/** Headless and quiet: this network refuses background traffic, and a root-run workstation needs no sandbox. */
export const HEADLESS_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** As headless, and never throttled while hidden. */
export const STORE_HOST_CHROMIUM_ARGS = [
  ...HEADLESS_CHROMIUM_ARGS,
  '--disable-extensions',
  '--no-default-browser-check',
  '--mute-audio',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // The built store host is a module script next to its page; Chromium refuses module
  // scripts between file:// URLs without this. The page is this app's own file and the
  // browser opens nothing else.
  '--allow-file-access-from-files',
  // V8's own young generation sizing, on purpose: 32 MB semi-spaces (--js-flags) were tried
  // for the store host and taken out. In two quiet full soaks back to back on the same code
  // the renderer's resident memory grew 436.7 MB/h over the run's second half with them and
  // fell without (the key read 0; 288.8 against 326.9 MB at the end), while seeding 1,400,000
  // events grew it by 74.0 MB with them and 80.9 MB without: no gain to keep them for.
];

export const CHROMIUM_NOT_FOUND =
  'No Chromium found for the store host: install Debian\'s "chromium" package (apt-get install chromium) or set CHROME_PATH to a Chromium or Chrome executable.';

export async function findChromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  let playwrightBrowser: string | undefined;
  try {
    const { chromium } = await import('playwright');
    playwrightBrowser = chromium.executablePath();
  } catch {
    // No Playwright, or no browser of its own.
  }
  return firstChromium(env, playwrightBrowser);
}

/** The first of CHROME_PATH, Debian's Chromium and Playwright's own browser (when there is one) that exists. */
export function firstChromium(env: NodeJS.ProcessEnv, playwrightBrowser?: string): string | undefined {
  return [env.CHROME_PATH, '/usr/bin/chromium', playwrightBrowser].find((path): path is string => Boolean(path) && existsSync(path as string));
}
