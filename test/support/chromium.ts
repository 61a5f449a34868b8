/**
 * Where the tests and the benchmark find Chromium: the product's order (CHROME_PATH,
 * Debian's /usr/bin/chromium, then a browser Playwright installed itself), found at once
 * rather than awaited, with the product's headless flags.
 */
import { chromium } from 'playwright';
import { firstChromium, HEADLESS_CHROMIUM_ARGS } from '../../main/platform/chromium';

export const CHROMIUM_ARGS = HEADLESS_CHROMIUM_ARGS;

export function findChromium(): string | undefined {
  let playwrightBrowser: string | undefined;
  try {
    playwrightBrowser = chromium.executablePath();
  } catch {
    // Playwright has no browser of its own here.
  }
  return firstChromium(process.env, playwrightBrowser);
}

export const CHROMIUM_MISSING =
  'No Chromium found: install Debian\'s "chromium" package (apt-get install chromium) or set CHROME_PATH to a Chromium executable.';
