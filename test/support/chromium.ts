/**
 * Where the tests and the benchmark find Chromium, and the flags it needs on a closed,
 * root-run workstation. Order: CHROME_PATH, Debian's /usr/bin/chromium, then a browser that
 * Playwright installed itself.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

export const CHROMIUM_MISSING =
  'No Chromium found: install Debian\'s "chromium" package (apt-get install chromium) or set CHROME_PATH to a Chromium executable.';
