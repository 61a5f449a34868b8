import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_MISSING, findChromium } from './test/support/chromium.ts';

const executablePath = findChromium();
if (!executablePath) throw new Error(CHROMIUM_MISSING);

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.unit.test.ts', 'test/**/*.int.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.{ts,tsx}'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            // A profile on disk, so IndexedDB here is Chromium's durable one, not incognito memory.
            provider: playwright({ launchOptions: { executablePath, args: CHROMIUM_ARGS }, persistentContext: 'node_modules/.cache/vitest-chromium-profile' }),
          },
        },
      },
      {
        extends: true,
        test: {
          // The whole application (browser mode, and Electron where its runtime exists), one file at a time.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/support/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
