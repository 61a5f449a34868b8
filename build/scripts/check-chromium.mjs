// Fails `npm test` early, in one sentence, when no Chromium can be found for the browser tests.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

let bundled;
try {
  bundled = chromium.executablePath();
} catch {
  bundled = undefined;
}
const found = [process.env.CHROME_PATH, '/usr/bin/chromium', bundled].find((p) => p && existsSync(p));
if (!found) {
  console.error('No Chromium found: install Debian\'s "chromium" package (apt-get install chromium) or set CHROME_PATH to a Chromium executable.');
  process.exit(1);
}
