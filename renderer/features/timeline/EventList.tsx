/**
 * The virtualized event list: only the rows in view (plus a few) exist in the page, so a
 * list of any length scrolls at the display's frame rate. Nearing the end of what is loaded
 * asks for the next page. Rows are styled once on the container (no per-row style objects).
 */
import { Box } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { StoredEvent } from '../../../shared/events/event';
import { formatTime } from '../../common/format';

export const ROW_HEIGHT = 34;
/** Ask for the next page when this many rows from the end (well ahead of a fast scroll). */
const PREFETCH_ROWS = 300;

const PRIORITY_CLASS = { LOW: 'p-low', NORMAL: 'p-normal', HIGH: 'p-high', CRITICAL: 'p-critical' } as const;

const Row = memo(function Row({ event, selected, onOpen }: { readonly event: StoredEvent; readonly selected: boolean; readonly onOpen: (e: StoredEvent) => void }) {
  return (
    <button type="button" className={`row${selected ? ' selected' : ''}`} onClick={() => onOpen(event)} data-testid="event-row" data-event-id={event.id} data-seq={event.seq}>
      <span className="time">{formatTime(event.timestamp)}</span>
      <span className={`prio ${PRIORITY_CLASS[event.priority]}`}>{event.priority}</span>
      <span className="type">{event.type}</span>
      <span className="subject">{event.subject ?? ''}</span>
      <span className="source">{event.source}</span>
      <span className="seq">#{event.seq}</span>
    </button>
  );
});

export interface EventListProps {
  readonly events: readonly StoredEvent[];
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  readonly selectedId: string | null;
  readonly onOpen: (event: StoredEvent) => void;
  readonly onNearEnd: () => void;
}

export function EventList({ events, hasOlder, loadingOlder, selectedId, onOpen, onNearEnd }: EventListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = events.length + (hasOlder ? 1 : 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (hasOlder && !loadingOlder && lastIndex >= events.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, events.length, hasOlder, loadingOlder, onNearEnd]);

  return (
    <Box
      ref={scroller}
      data-testid="event-list"
      role="list"
      aria-label="Events, newest first"
      tabIndex={0}
      sx={(theme) => ({
        height: '100%',
        overflow: 'auto',
        contain: 'strict',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        '& .row': {
          all: 'unset', boxSizing: 'border-box', display: 'flex', alignItems: 'center', gap: '12px', width: '100%', height: ROW_HEIGHT, px: 1,
          fontSize: 13, cursor: 'pointer', borderBottom: `1px solid ${theme.palette.divider}`, whiteSpace: 'nowrap', overflow: 'hidden',
        },
        '& .row:hover, & .row:focus-visible': { backgroundColor: theme.palette.action.hover, outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: -2 },
        '& .row.selected': { backgroundColor: theme.palette.action.selected },
        '& .time': { width: 190, fontFamily: 'monospace', flexShrink: 0 },
        '& .prio': { width: 72, flexShrink: 0, fontWeight: 600, fontSize: 11, textAlign: 'center', borderRadius: 1, py: '2px' },
        '& .p-low': { color: theme.palette.text.primary, backgroundColor: theme.palette.action.selected },
        '& .p-normal': { color: theme.palette.info.contrastText, backgroundColor: theme.palette.info.dark },
        '& .p-high': { color: '#000', backgroundColor: theme.palette.warning.light },
        '& .p-critical': { color: '#fff', backgroundColor: theme.palette.error.dark },
        '& .type': { flex: '1 1 240px', overflow: 'hidden', textOverflow: 'ellipsis' },
        '& .subject': { flex: '0 1 160px', overflow: 'hidden', textOverflow: 'ellipsis', color: theme.palette.text.secondary },
        '& .source': { flex: '0 1 140px', overflow: 'hidden', textOverflow: 'ellipsis', color: theme.palette.text.secondary },
        '& .seq': { width: 80, textAlign: 'right', fontFamily: 'monospace', color: theme.palette.text.secondary },
        '& .loader': { display: 'flex', alignItems: 'center', height: ROW_HEIGHT, px: 1, color: theme.palette.text.secondary },
      })}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {items.map((item) => {
          const event = events[item.index];
          return (
            <div key={event?.seq ?? 'older'} role="listitem" style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}>
              {event ? (
                <Row event={event} selected={event.id === selectedId} onOpen={onOpen} />
              ) : (
                <div className="loader" data-testid="older-loader">
                  Loading older events…
                </div>
              )}
            </div>
          );
        })}
      </div>
    </Box>
  );
}
