/**
 * Review mode in the browser (issue 12 §1): the app bar says the history is read only, the
 * simulator it was given stays off, and publishing from the page is refused in one sentence.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { WebHost } from '../../main/web/server';
import { ConsolePage } from './support/consolePage';
import { startUiSession, type UiPage, type UiSession } from './support/uiPage';

let session: UiSession;
let host: WebHost;
let ui: UiPage;
let hostClosed = false;
/** What main printed with console.error (collected from before the host starts: its components keep the function they were given). */
const printed: string[] = [];
const print = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ')));

beforeAll(async () => {
  session = await startUiSession({ review: true, simulator: { rate: 20 }, healthEverySeconds: 1 });
  ({ host, ui } = session);
});

afterAll(async () => {
  print.mockRestore();
  if (!hostClosed) return session?.close();
  await ui?.close();
  await session?.browser.close();
});

describe('a console in review mode', () => {
  test('says so in the app bar, ingests nothing and refuses a publish from the page', async () => {
    await expect.poll(() => ui.testId('review-mode').textContent()).toBe('Review mode — history is read only');
    await ui.expectAccessible('the review-mode app bar');
    await ui.screenshot('review-mode');
    const console = await ConsolePage.open(session.browser, host.url);
    const message = await console.refusal('events', 'publish', [{ type: 'operator.note.added', payload: { text: 'hello' } }]);
    expect(message).toBe('events.publish: review mode: the history is only read here, so publishing an event is refused');
    expect(await host.core.store.headSeq()).toBe(0);
    await ui.go('timeline');
    await ui.testId('empty-state').waitFor();
  });
});

describe('stopping the host while the page keeps calling', () => {
  test('prints no stack trace: the expected "store closed" of a stop is no internal error', async () => {
    // The page calls main without pause, so calls are on their way while the store closes.
    const calling = ui.page.evaluate(async () => {
      const plant = (window as unknown as { plant: { metrics: { get(): Promise<unknown> } } }).plant;
      let refused = 0;
      for (let i = 0; i < 20_000 && refused < 5; i++) await plant.metrics.get().catch(() => refused++);
      return refused;
    });
    hostClosed = true;
    await host.close();
    expect(await calling).toBe(5);
    expect(printed.filter((line) => /\n\s+at /.test(line))).toEqual([]);
  });
});
