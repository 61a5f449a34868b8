/**
 * Review mode in the browser (issue 12 §1): the app bar says the history is read only, the
 * simulator it was given stays off, and publishing from the page is refused in one sentence.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WebHost } from '../../main/web/server';
import { ConsolePage } from './support/consolePage';
import { startUiSession, type UiPage, type UiSession } from './support/uiPage';

let session: UiSession;
let host: WebHost;
let ui: UiPage;

beforeAll(async () => {
  session = await startUiSession({ review: true, simulator: { rate: 20 }, healthEverySeconds: 1 });
  ({ host, ui } = session);
});

afterAll(async () => {
  await session?.close();
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
