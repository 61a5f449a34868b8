/**
 * The event list, windowed: only the rows in view (plus a few) exist in the page, so a list
 * of any length scrolls at the display's frame rate. Every row has one height, so which rows
 * show is arithmetic on the scroll position (rowWindow.ts). The rows themselves are a pool of
 * elements drawn without React (rowPainter.ts): a scroll updates the rows that changed in the
 * scroll event itself, with no render. React renders the list when its events, selection or
 * loading state change. Live events put above the rows in view move the scroll position by
 * their height, so that what the operator reads (or is about to click) stays put; at the top
 * the list simply shows them. Nearing the end of what is loaded asks for the next page. Rows
 * are styled once, by class names in one style sheet.
 */
import { GlobalStyles } from '@mui/material';
import { memo, useCallback, useLayoutEffect, useRef } from 'react';
import type { StoredEvent } from '../../../shared/events/event';
import type { EventsNewestFirst } from './eventList';
import { RowPainter } from './rowPainter';
import { addedAbove, rowWindow, sameRows } from './rowWindow';

export const ROW_HEIGHT = 34;
/** Ask for the next page when this many rows from the end (well ahead of a fast scroll). */
const PREFETCH_ROWS = 300;
/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 8;
/** The view's height until it is measured. */
const FIRST_HEIGHT = 1_000;

const LIST_CLASS = 'timeline-event-list';

/**
 * The list's styles, made once per theme: a list that re-renders on every scrolled row would
 * otherwise run MUI's `sx` over its whole style object (and hash it) each frame.
 */
const EventListStyles = memo(function EventListStyles() {
  return (
    <GlobalStyles
      styles={(theme) => ({
        [`.${LIST_CLASS}`]: {
          height: '100%',
          overflow: 'auto',
          contain: 'strict',
          border: `1px solid ${theme.palette.divider}`,
          borderRadius: theme.shape.borderRadius,
          // Each row's layout is its own: a row added or changed lays out nothing else.
          '& .item': { position: 'absolute', top: 0, left: 0, width: '100%', height: ROW_HEIGHT, contain: 'strict' },
          '& .row': {
            all: 'unset', boxSizing: 'border-box', display: 'flex', alignItems: 'center', gap: '12px', width: '100%', height: ROW_HEIGHT, padding: theme.spacing(0, 1),
            fontSize: 13, cursor: 'pointer', borderBottom: `1px solid ${theme.palette.divider}`, whiteSpace: 'nowrap', overflow: 'hidden',
          },
          '& .row:hover, & .row:focus-visible': { backgroundColor: theme.palette.action.hover, outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: -2 },
          '& .row.selected': { backgroundColor: theme.palette.action.selected },
          '& .time': { width: 190, fontFamily: 'monospace', flexShrink: 0 },
          '& .prio': { width: 72, flexShrink: 0, fontWeight: 600, fontSize: 11, textAlign: 'center', borderRadius: theme.shape.borderRadius, padding: '2px 0' },
          '& .p-low': { color: theme.palette.text.primary, backgroundColor: theme.palette.action.selected },
          '& .p-normal': { color: theme.palette.info.contrastText, backgroundColor: theme.palette.info.dark },
          '& .p-high': { color: '#000', backgroundColor: theme.palette.warning.light },
          '& .p-critical': { color: '#fff', backgroundColor: theme.palette.error.dark },
          '& .type': { flex: '1 1 240px', overflow: 'hidden', textOverflow: 'ellipsis' },
          '& .subject': { flex: '0 1 160px', overflow: 'hidden', textOverflow: 'ellipsis', color: theme.palette.text.secondary },
          '& .source': { flex: '0 1 140px', overflow: 'hidden', textOverflow: 'ellipsis', color: theme.palette.text.secondary },
          '& .seq': { width: 80, textAlign: 'right', fontFamily: 'monospace', color: theme.palette.text.secondary },
          '& .loader': { display: 'flex', alignItems: 'center', height: ROW_HEIGHT, padding: theme.spacing(0, 1), color: theme.palette.text.secondary },
        },
      })}
    />
  );
});

export interface EventListProps {
  readonly events: EventsNewestFirst;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  readonly selectedId: string | null;
  readonly onOpen: (e: StoredEvent) => void;
  readonly onNearEnd: () => void;
  /** Told when the list leaves its top (true) and comes back to it (false). */
  readonly onScrolledAway?: (away: boolean) => void;
}

export const EventList = memo(function EventList({ events, hasOlder, loadingOlder, selectedId, onOpen, onNearEnd, onScrolledAway }: EventListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const rowsBox = useRef<HTMLDivElement>(null);
  // The scroll position and height the rows were last drawn for; a scroll within a row
  // changes nothing on screen but the scroll itself.
  const view = useRef({ top: 0, height: FIRST_HEIGHT });
  const head = useRef<number | undefined>(undefined);
  // Events put on top since the list was shown: an event's index minus this is its own for as
  // long as it is loaded, and so is the row element showing it (rowPainter.ts).
  const prepended = useRef(0);
  const painter = useRef<RowPainter | null>(null);
  // What the last render was given, for the scroll handler (which draws rows without rendering).
  const latest = useRef({ events, hasOlder, loadingOlder, selectedId, onOpen, onNearEnd, onScrolledAway });
  latest.current = { events, hasOlder, loadingOlder, selectedId, onOpen, onNearEnd, onScrolledAway };
  const count = events.length + (hasOlder ? 1 : 0);

  // Live events above a scrolled list: draw at the position the layout effect below moves to.
  const added = addedAbove(head.current, events);
  const top = view.current.top > 0 ? view.current.top + added * ROW_HEIGHT : 0;

  /** Draws the rows for the current scroll position, and asks for older events when nearing the end of those loaded. */
  const draw = useCallback(() => {
    const { events, hasOlder, loadingOlder, selectedId, onNearEnd } = latest.current;
    const count = events.length + (hasOlder ? 1 : 0);
    const { first } = rowWindow(view.current.top, view.current.height, ROW_HEIGHT, count, OVERSCAN);
    const slots = Math.ceil(view.current.height / ROW_HEIGHT) + 2 * OVERSCAN + 2;
    // Every slot shows a row while there are enough (a row or two more below than the window
    // needs): a slot left empty would leave the page and come back a frame later, its
    // elements laid out anew each time.
    const end = Math.min(count, first + slots);
    painter.current?.paint({ events, first, end, base: prepended.current, slots, rowHeight: ROW_HEIGHT, selectedId });
    if (hasOlder && !loadingOlder && end >= events.length - PREFETCH_ROWS) onNearEnd();
  }, []);

  useLayoutEffect(() => {
    const box = rowsBox.current;
    if (!box) return;
    const rows = new RowPainter(box, (event) => latest.current.onOpen(event));
    painter.current = rows;
    return () => {
      rows.clear();
      painter.current = null;
    };
  }, []);

  useLayoutEffect(() => {
    head.current = events.at(0)?.seq;
    prepended.current += added;
    const element = scroller.current;
    if (element && top !== view.current.top) {
      view.current = { ...view.current, top };
      element.scrollTop = top;
    }
    draw();
  }, [events, added, top, hasOlder, loadingOlder, selectedId, draw]);

  const measure = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const next = { top: element.scrollTop, height: element.clientHeight || FIRST_HEIGHT };
    const changed = !sameRows(view.current, next, ROW_HEIGHT);
    if (next.top > 0 !== view.current.top > 0) latest.current.onScrolledAway?.(next.top > 0);
    view.current = next;
    // At once, in the scroll event: a row scrolled into view is never blank on the frame that shows it.
    if (changed) draw();
  }, [draw]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      resized.disconnect();
    };
  }, [measure]);

  return (
    <div ref={scroller} className={LIST_CLASS} data-testid="event-list" role="list" aria-label="Events, newest first" tabIndex={0}>
      <EventListStyles />
      <div ref={rowsBox} style={{ height: count * ROW_HEIGHT, position: 'relative', width: '100%' }} />
    </div>
  );
});
