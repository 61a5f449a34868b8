/**
 * A page holding the browser-mode bridge alone (renderer/bridge/wsBridge.ts, bundled), at
 * the host's own origin so that the host lets its socket in. The console's UI would
 * re-render on every push and be measured along with what a section means to measure.
 * Chromium is driven without Playwright (plainPage.ts), whose network instrumentation would
 * copy every frame of the socket out to this process.
 */
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { WebHost } from '../../main/web/server';
import { bundleForBrowser } from '../../test/support/browserPage';
import { CHROMIUM_ARGS } from '../../test/support/chromium';
import { openPlainPage, type PlainPage } from './plainPage';

const WS_BRIDGE = fileURLToPath(new URL('../../renderer/bridge/wsBridge.ts', import.meta.url));

/** Opens an address of the host that serves no page and installs `window.plant` there. */
export async function openBridgePage(executablePath: string, host: WebHost, path: string): Promise<PlainPage> {
  const script = await bundleForBrowser(`import { installWsBridge } from ${JSON.stringify(WS_BRIDGE)};\ninstallWsBridge();\n`, tmpdir(), 'the bridge');
  const page = await openPlainPage(executablePath, CHROMIUM_ARGS, `http://127.0.0.1:${host.port}/${path}?token=${host.token}`);
  await page.evaluate(`(() => { ${script}\n })()`);
  await page.waitFor('Boolean(globalThis.plant)', 5_000);
  return page;
}
