/** The event timeline: filters, saved filters, the live tail's controls, the virtualized list and the detail drawer. */
import { Alert, Badge, Button, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StoredEvent } from '../../../shared/events/event';
import { useNavigation } from '../../app/navigation';
import { isObject, useSetting } from '../../app/settings';
import { useShortcut } from '../../app/ShortcutsProvider';
import { EmptyState } from '../../common/EmptyState';
import { useReportError } from '../../common/ErrorsProvider';
import { formatCount } from '../../common/format';
import { usePlant } from '../../common/usePlant';
import { ExportDialog } from '../audit/ExportDialog';
import { exportFiltersOfTimeline } from '../audit/exportRequest';
import { EventDrawer } from './EventDrawer';
import { EventList } from './EventList';
import { FilterPanel } from './FilterPanel';
import { activeFilterCount, filterToJson, readFilter, type TimelineFilter } from './filterModel';
import { SavedFilters } from './SavedFilters';
import { useTimeline } from './useTimeline';

/** The list's box: a plain style, so that a frame of live events styles nothing anew. */
const LIST_BOX = { flex: 1, minHeight: 240 } as const;
const VIEW_BOX = { display: 'flex', flexDirection: 'column', height: '100%' } as const;

interface HeaderProps {
  readonly paused: boolean;
  readonly newWhilePaused: number;
  readonly loaded: number;
  readonly hasOlder: boolean;
  readonly filters: number;
  readonly onTogglePaused: () => void;
  readonly onExport: () => void;
}

/**
 * The title, the live tail's state and controls, what is loaded and the export. Its own
 * component, rendered again only when one of these changes: live events change the list every
 * frame, and rendering these MUI components with them was most of the window's React work.
 */
const TimelineHeader = memo(function TimelineHeader({ paused, newWhilePaused, loaded, hasOlder, filters, onTogglePaused, onExport }: HeaderProps) {
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 1 }}>
      <Typography variant="h5" component="h2">
        Timeline
      </Typography>
      <Chip size="small" color={paused ? 'warning' : 'success'} label={paused ? 'Paused' : 'Live'} data-testid="tail-state" data-state={paused ? 'paused' : 'live'} />
      <Badge badgeContent={paused ? newWhilePaused : 0} max={99_999} color="primary">
        <Button variant="outlined" onClick={onTogglePaused} data-testid="tail-toggle">
          {paused ? 'Resume' : 'Pause'} (p)
        </Button>
      </Badge>
      {paused && (
        <Typography variant="body2" data-testid="new-while-paused" data-count={newWhilePaused}>
          {formatCount(newWhilePaused)} new events since paused
        </Typography>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ flex: 1, textAlign: 'right' }} data-testid="loaded-count">
        {formatCount(loaded)} loaded{hasOlder ? ', more in the store' : ''}
        {filters > 0 ? ` · ${filters} filter${filters > 1 ? 's' : ''} active` : ''}
      </Typography>
      <Button variant="outlined" onClick={onExport} data-testid="timeline-export">
        Export this view…
      </Button>
    </Stack>
  );
});

export function TimelineView() {
  const plant = usePlant();
  const [storedFilter, setStoredFilter] = useSetting('timeline.filter', {}, isObject);
  const filter = useMemo(() => readFilter(storedFilter), [storedFilter]);
  const filterKey = JSON.stringify(filter);
  const timeline = useTimeline(plant, filter, filterKey);
  const [selected, setSelected] = useState<StoredEvent | null>(null);
  // The export takes the filter as it is when the dialog opens (a quick range becomes absolute then).
  const [exporting, setExporting] = useState<ReturnType<typeof exportFiltersOfTimeline> | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const closeDrawer = useCallback(() => setSelected(null), []);
  const apply = useCallback((next: TimelineFilter) => setStoredFilter(filterToJson(next) as Record<string, never>), [setStoredFilter]);

  // An event another view asked to open (the compare view's causes): its detail, once.
  const { pendingEvent, eventOpened } = useNavigation();
  const report = useReportError();
  useEffect(() => {
    if (pendingEvent === null) return;
    eventOpened();
    plant.events.get(pendingEvent).then(
      (event) => (event ? setSelected(event) : report('Opening an event', new Error(`the event ${pendingEvent} is not in the store`))),
      (e: unknown) => report('Opening an event', e),
    );
  }, [pendingEvent, eventOpened, plant, report]);

  const { setPaused, paused } = timeline;
  const togglePaused = useCallback(() => setPaused(!paused), [setPaused, paused]);
  const exportView = useCallback(() => setExporting(exportFiltersOfTimeline(filter, Date.now())), [filter]);
  useShortcut('timeline.pause', togglePaused);
  useShortcut('timeline.search', () => searchRef.current?.focus());
  useShortcut('timeline.reload', timeline.reload);

  const { events, hasOlder } = timeline.loaded;
  const filters = activeFilterCount(filter);

  return (
    <div style={VIEW_BOX} data-testid="timeline">
      <TimelineHeader
        paused={paused}
        newWhilePaused={timeline.newWhilePaused}
        loaded={events.length}
        hasOlder={hasOlder}
        filters={filters}
        onTogglePaused={togglePaused}
        onExport={exportView}
      />
      <FilterPanel filter={filter} onApply={apply} searchRef={searchRef} />
      <SavedFilters current={filter} onApply={apply} />
      {timeline.error && (
        <Alert severity="error" data-testid="timeline-error" action={<Button onClick={timeline.reload}>Reload</Button>} sx={{ mb: 1 }}>
          {timeline.error}
        </Alert>
      )}
      {timeline.dropped > 0 && (
        <Alert severity="warning" sx={{ mb: 1 }} action={<Button onClick={timeline.reload}>Reload</Button>}>
          {formatCount(timeline.dropped)} events arrived faster than this window could show them. Reload to read them from the store.
        </Alert>
      )}
      {!timeline.ready && <LinearProgress aria-label="Reading the newest events" />}
      <div style={LIST_BOX}>
        {timeline.ready && !timeline.error && events.length === 0 ? (
          filters > 0 ? (
            <EmptyState title="No event matches these filters.">Widen the time range or press Clear to see every event.</EmptyState>
          ) : (
            <EmptyState title="No events stored yet.">
              Events appear here the moment a producer publishes one: start the simulator, connect an MQTT broker, import a file, or publish one from the
              developer console: <code>{"await window.plant.events.publish({ type: 'operator.note.added', payload: { text: 'hello' } })"}</code>
            </EmptyState>
          )
        ) : (
          <EventList events={events} hasOlder={hasOlder} loadingOlder={timeline.loadingOlder} selectedId={selected?.id ?? null} onOpen={setSelected} onNearEnd={timeline.loadOlder} onScrolledAway={timeline.setScrolledAway} />
        )}
      </div>
      <EventDrawer event={selected} onClose={closeDrawer} onOpen={setSelected} />
      {exporting && <ExportDialog title="Export this view" filters={exporting.filters} notApplied={exporting.notApplied} onClose={() => setExporting(null)} />}
    </div>
  );
}
