/**
 * Page object of the console in browser mode: opens the address the host printed and drives
 * `window.plant` (and, for hostile-input tests, raw sockets) with `page.evaluate`.
 */
import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { StoredEvent } from '../../../shared/events/event';
import type { EventPage, EventQuery } from '../../../shared/store/eventStore';

/** `window` as the bridge leaves it, plus what these tests add. */
export interface TestWindow {
  plant: PlantApi;
  __received?: StoredEvent[];
}

/** What a raw socket saw: the messages, and how it closed (if it did). */
export interface RawSocketResult {
  readonly replies: unknown[];
  readonly closed: { code: number; reason: string } | null;
}

export class ConsolePage {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {}

  /** Opens `url` in a fresh context and waits until the store shows as connected. */
  static async open(browser: Browser, url: string): Promise<ConsolePage> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    const console = new ConsolePage(page, context);
    await page.locator('[data-testid="store-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    return console;
  }

  get storeState(): Locator {
    return this.page.getByTestId('store-state');
  }
  get emptyState(): Locator {
    return this.page.getByTestId('empty-state');
  }
  eventRow(id: string): Locator {
    return this.page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
  }

  publish(input: unknown): Promise<StoredEvent> {
    return this.page.evaluate((input) => (window as unknown as TestWindow).plant.events.publish(input as never), input as never) as Promise<StoredEvent>;
  }

  query(query: EventQuery): Promise<EventPage> {
    return this.page.evaluate((query) => (window as unknown as TestWindow).plant.events.query(query), query as never) as Promise<EventPage>;
  }

  /**
   * Calls `window.plant.<group>.<method>(...args)` expecting a refusal; resolves with the
   * Error's message (and fails when the call succeeds or rejects with something else).
   */
  async refusal(group: string, method: string, args: unknown[]): Promise<string> {
    const outcome = await this.page.evaluate(
      async ({ group, method, args }) => {
        const api = (window as unknown as { plant: Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> }).plant;
        try {
          await api[group]?.[method]?.(...args);
          return { ok: true, message: '' };
        } catch (error) {
          return { ok: false, isError: error instanceof Error, message: (error as Error).message };
        }
      },
      { group, method, args: args as never[] },
    );
    expect(outcome, `${group}.${method} was expected to be refused`).toMatchObject({ ok: false, isError: true });
    return outcome.message;
  }

  /** Subscribes in the page; what arrives collects in `received()`. */
  async subscribe(pattern: string): Promise<void> {
    await this.page.evaluate((pattern) => {
      const w = window as unknown as TestWindow;
      w.__received = [];
      w.plant.events.subscribe(pattern, (event) => w.__received?.push(event));
    }, pattern);
  }

  received(): Promise<StoredEvent[]> {
    return this.page.evaluate(() => (window as unknown as TestWindow).__received ?? []) as Promise<StoredEvent[]>;
  }

  /**
   * Opens a socket of its own from this page (`path` like '/api?token=…'), sends `messages`
   * (strings as text frames, Uint8Array-able number lists as binary), and collects replies
   * until `expected` have arrived, the socket closes, or `timeoutMs` passes.
   */
  rawSocket(url: string, messages: (string | { binary: number[] })[], expected: number, timeoutMs = 10_000): Promise<RawSocketResult> {
    return this.page.evaluate(
      ({ url, messages, expected, timeoutMs }) =>
        new Promise<RawSocketResult>((resolve) => {
          const replies: unknown[] = [];
          const socket = new WebSocket(url);
          const finish = (closed: { code: number; reason: string } | null) => {
            clearTimeout(timer);
            resolve({ replies, closed });
            if (!closed) socket.close();
          };
          const timer = setTimeout(() => finish(null), timeoutMs);
          socket.onopen = () => {
            for (const message of messages) socket.send(typeof message === 'string' ? message : new Uint8Array(message.binary));
          };
          socket.onmessage = (event) => {
            replies.push(JSON.parse(String(event.data)));
            if (replies.length >= expected) finish(null);
          };
          socket.onclose = (event) => finish({ code: event.code, reason: event.reason });
        }),
      { url, messages, expected, timeoutMs },
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
