/**
 * The timeline's rows, drawn without React: a fixed pool of row elements (one per slot) that
 * scrolling updates in place. A scroll that brings 20 new rows into view changes their text,
 * a few attributes and their position, and nothing else: no element is created or removed,
 * no virtual DOM is built or compared. React renders the list around them (the scroller and
 * its height); this module owns the rows inside it.
 *
 * Each event has its slot (its index less the events put on top since, modulo the slots), and
 * the slots keep their order in the page, so live events put on top leave every row element
 * showing the event it showed: a click lands on the row the operator aimed at.
 */
import type { StoredEvent } from '../../../shared/events/event';
import { formatTime } from '../../common/format';
import type { EventsNewestFirst } from './eventList';

const PRIORITY_CLASS = { LOW: 'prio p-low', NORMAL: 'prio p-normal', HIGH: 'prio p-high', CRITICAL: 'prio p-critical' } as const;

/** What the rows show: indexes [first, end) of `events`, and at `events.length` the loader when older events may follow. */
export interface RowsInView {
  readonly events: EventsNewestFirst;
  readonly first: number;
  readonly end: number;
  /** Events put on top since the list was shown (an event's index minus this names its slot). */
  readonly base: number;
  readonly slots: number;
  readonly rowHeight: number;
  readonly selectedId: string | null;
}

interface Slot {
  /** The list item, in the page while the slot shows something. */
  readonly item: HTMLDivElement;
  readonly row: HTMLButtonElement;
  /** The priority badge (its class names the colour) and each cell's text. */
  readonly prio: HTMLSpanElement;
  readonly text: { time: Text; prio: Text; type: Text; subject: Text; source: Text; seq: Text };
  readonly loader: HTMLDivElement;
  index: number;
  shown: 'none' | 'row' | 'loader';
  event: StoredEvent | null;
  selected: boolean;
}

function cell(row: HTMLElement, className: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  row.appendChild(element);
  return element;
}

function textIn(element: HTMLElement): Text {
  return element.appendChild(document.createTextNode(''));
}

/** Sets a text only when it changes: rows of one type and source leave those cells' layout alone. */
function setText(node: Text, value: string): void {
  if (node.data !== value) node.data = value;
}

export class RowPainter {
  private slots: Slot[] = [];

  /** `container` holds the rows (and nothing React renders); `onOpen` is told of a clicked row's event. */
  constructor(
    private readonly container: HTMLElement,
    private readonly onOpen: (event: StoredEvent) => void,
  ) {}

  paint(view: RowsInView): void {
    if (this.slots.length !== view.slots) this.resize(view.slots);
    const { events, first, end, base, slots, rowHeight, selectedId } = view;
    const mod = (n: number) => ((n % slots) + slots) % slots;
    for (let s = 0; s < slots; s++) {
      const slot = this.slots[s] as Slot;
      const index = first + mod(s - mod(first - base));
      if (index >= end) {
        this.hide(slot);
        continue;
      }
      const event = events.at(index);
      if (event) this.showRow(slot, event, event.id === selectedId);
      else this.showLoader(slot);
      if (slot.index !== index) {
        slot.index = index;
        slot.item.style.transform = `translateY(${index * rowHeight}px)`;
      }
      if (!slot.item.isConnected) this.attach(s);
    }
  }

  /** Takes every row out of the page (the list is going away or starting over). */
  clear(): void {
    for (const slot of this.slots) slot.item.remove();
    this.slots = [];
  }

  private resize(count: number): void {
    this.clear();
    for (let s = 0; s < count; s++) this.slots.push(this.makeSlot());
  }

  private makeSlot(): Slot {
    const item = document.createElement('div');
    item.className = 'item';
    item.setAttribute('role', 'listitem');
    const row = document.createElement('button');
    row.type = 'button';
    row.className = 'row';
    row.dataset.testid = 'event-row';
    const time = textIn(cell(row, 'time'));
    const prio = cell(row, 'prio');
    const text = { time, prio: textIn(prio), type: textIn(cell(row, 'type')), subject: textIn(cell(row, 'subject')), source: textIn(cell(row, 'source')), seq: textIn(cell(row, 'seq')) };
    const loader = document.createElement('div');
    loader.className = 'loader';
    loader.dataset.testid = 'older-loader';
    loader.textContent = 'Loading older events…';
    const slot: Slot = { item, row, prio, text, loader, index: -1, shown: 'none', event: null, selected: false };
    row.addEventListener('click', () => {
      if (slot.event) this.onOpen(slot.event);
    });
    return slot;
  }

  /** Puts slot `s`'s item in the page before the next slot's that is there, so that the page keeps the slots' order. */
  private attach(s: number): void {
    const slot = this.slots[s] as Slot;
    let next: HTMLElement | null = null;
    for (let after = s + 1; after < this.slots.length && next === null; after++) {
      const item = (this.slots[after] as Slot).item;
      if (item.isConnected) next = item;
    }
    this.container.insertBefore(slot.item, next);
  }

  private hide(slot: Slot): void {
    if (slot.item.isConnected) slot.item.remove();
    slot.index = -1;
  }

  private showRow(slot: Slot, event: StoredEvent, selected: boolean): void {
    if (slot.shown !== 'row') {
      slot.item.replaceChildren(slot.row);
      slot.shown = 'row';
    }
    if (slot.event !== event) {
      slot.event = event;
      const { row, text } = slot;
      row.dataset.eventId = event.id;
      row.dataset.seq = String(event.seq);
      setText(text.time, formatTime(event.timestamp));
      const prioClass = PRIORITY_CLASS[event.priority];
      if (slot.prio.className !== prioClass) slot.prio.className = prioClass;
      setText(text.prio, event.priority);
      setText(text.type, event.type);
      setText(text.subject, event.subject ?? '');
      setText(text.source, event.source);
      setText(text.seq, `#${event.seq}`);
    }
    if (slot.selected !== selected) {
      slot.selected = selected;
      slot.row.classList.toggle('selected', selected);
    }
  }

  private showLoader(slot: Slot): void {
    slot.event = null;
    if (slot.shown === 'loader') return;
    slot.item.replaceChildren(slot.loader);
    slot.shown = 'loader';
  }
}
