// The timeline's rows drawn without React (renderer/features/timeline/rowPainter.ts), in real
// Chromium: the rows in view show their events with the test ids and roles the console's tests
// use; a scroll reuses the row elements; live events put on top leave every row element on the
// event it showed; a click opens the event its row shows; the loader follows the last event.
import { afterEach, describe, expect, test } from 'vitest';
import type { StoredEvent } from '../../shared/events/event';
import { RowPainter, type RowsInView } from '../../renderer/features/timeline/rowPainter';

const ROW = 34;
const SLOTS = 6;

function event(seq: number): StoredEvent {
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    type: seq % 2 ? 'equipment.status.changed' : 'quality.check.failed',
    source: 'line-1',
    subject: `press-${seq % 3}`,
    timestamp: 1_700_000_000_000 + seq,
    payload: {},
    priority: seq % 5 === 0 ? 'CRITICAL' : 'NORMAL',
    status: 'PUBLISHED',
    metadata: {},
  };
}

/** Newest first, as the timeline keeps them. */
const newestFirst = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(to - i));

let box: HTMLDivElement | null = null;
afterEach(() => box?.remove());

function setUp() {
  box = document.createElement('div');
  document.body.appendChild(box);
  const opened: StoredEvent[] = [];
  const painter = new RowPainter(box, (e) => opened.push(e));
  const view = (over: Partial<RowsInView> & Pick<RowsInView, 'events'>): RowsInView => ({ first: 0, end: Math.min(SLOTS, over.events.length), base: 0, slots: SLOTS, rowHeight: ROW, selectedId: null, ...over });
  const rows = () => Array.from((box as HTMLDivElement).querySelectorAll<HTMLElement>('[data-testid="event-row"]'));
  const bySeq = () => new Map(rows().map((row) => [Number(row.dataset.seq), row]));
  return { painter, view, rows, bySeq, opened, box };
}

describe('the timeline rows', () => {
  test('show the events in view, with their cells, roles and test ids, and open the event clicked', () => {
    const { painter, view, rows, opened, box } = setUp();
    const events = newestFirst(1, 20);
    painter.paint(view({ events, selectedId: (events[1] as StoredEvent).id }));
    expect(box.querySelectorAll('[role="listitem"]').length).toBe(SLOTS);
    const first = rows().find((row) => row.dataset.seq === '20') as HTMLElement;
    expect(first.tagName).toBe('BUTTON');
    expect(first.dataset.eventId).toBe(event(20).id);
    expect(first.querySelector('.type')?.textContent).toBe('quality.check.failed');
    expect(first.querySelector('.prio')?.className).toBe('prio p-critical');
    expect(first.querySelector('.seq')?.textContent).toBe('#20');
    expect(first.querySelector('.subject')?.textContent).toBe('press-2');
    expect(rows().filter((row) => row.classList.contains('selected')).map((row) => row.dataset.seq)).toEqual(['19']);
    (rows().find((row) => row.dataset.seq === '17') as HTMLElement).click();
    expect(opened.map((e) => e.seq)).toEqual([17]);
  });

  test('reuse their elements as the list scrolls, and keep each on its event while live events arrive above', () => {
    const { painter, view, rows, bySeq, opened } = setUp();
    let events = newestFirst(1, 40);
    painter.paint(view({ events, first: 10, end: 16 }));
    const elements = new Set(rows());
    expect([...bySeq().keys()].sort((a, b) => b - a)).toEqual([30, 29, 28, 27, 26, 25]);
    const row27 = bySeq().get(27);

    // Three live events on top: the same rows are now three further down, on the same elements.
    events = [...newestFirst(41, 43), ...events];
    painter.paint(view({ events, first: 13, end: 19, base: 3 }));
    expect(bySeq().get(27)).toBe(row27);
    expect(new Set(rows())).toEqual(elements);
    (row27 as HTMLElement).click();
    expect(opened.map((e) => e.seq)).toEqual([27]);

    // Scrolled two rows on: two elements take the next events; no element is added.
    painter.paint(view({ events, first: 15, end: 21, base: 3 }));
    expect(new Set(rows())).toEqual(elements);
    expect([...bySeq().keys()].sort((a, b) => b - a)).toEqual([28, 27, 26, 25, 24, 23]);
    expect(bySeq().get(27)).toBe(row27);
  });

  test('show the loader after the last loaded event, and leave the page with no rows when the list empties', () => {
    const { painter, view, rows, box } = setUp();
    painter.paint(view({ events: newestFirst(1, 3), end: 4 }));
    expect(rows().length).toBe(3);
    expect(box.querySelectorAll('[data-testid="older-loader"]').length).toBe(1);
    painter.paint(view({ events: newestFirst(1, 1), end: 1 }));
    expect(rows().map((row) => row.dataset.seq)).toEqual(['1']);
    expect(box.querySelectorAll('[data-testid="older-loader"]').length).toBe(0);
    painter.paint(view({ events: [], end: 0 }));
    expect(box.children.length).toBe(0);
  });
});
