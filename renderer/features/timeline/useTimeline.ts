/**
 * The timeline's data: pages of events from the store by cursor (newest first, one page at a
 * time as the operator scrolls), and the live tail from `events.subscribe`, coalesced to one
 * update per animation frame. Paused, new events are only counted; resuming reads the newest
 * page again.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { StoredEvent } from '../../../shared/events/event';
import { createFrameBatcher } from '../../common/frameBatcher';
import { errorMessage } from '../../common/format';
import { addNewer, addOlder, liveBound, NOTHING_LOADED, olderCursor, type LoadedEvents } from './eventList';
import { livePredicate, toQuery, type TimelineFilter } from './filterModel';

/** The first page: what a screen shows, quickly. */
export const PAGE_SIZE = 200;
/**
 * Older pages, read while the operator scrolls back: fewer, larger reads, so that a page
 * arriving (and the list growing) interrupts scrolling once per 1,000 rows, not per 200.
 */
export const OLDER_PAGE_SIZE = 1000;

export interface TimelineState {
  readonly loaded: LoadedEvents;
  /** The first page has arrived (for this filter). */
  readonly ready: boolean;
  readonly loadingOlder: boolean;
  readonly error: string | null;
  readonly paused: boolean;
  /** Matching events that arrived while paused. */
  readonly newWhilePaused: number;
  /** Events the host left out because this window fell behind. */
  readonly dropped: number;
  /** When the first page was shown (performance.now()), for the benchmark. */
  readonly firstPageAt: number | null;
}

export interface Timeline extends TimelineState {
  loadOlder(): void;
  reload(): void;
  setPaused(paused: boolean): void;
  /** The list is scrolled away from its top (true) or back at it. */
  setScrolledAway(away: boolean): void;
}

const INITIAL: TimelineState = { loaded: NOTHING_LOADED, ready: false, loadingOlder: false, error: null, paused: false, newWhilePaused: 0, dropped: 0, firstPageAt: null };

export function useTimeline(plant: PlantApi, filter: TimelineFilter, filterKey: string): Timeline {
  const [state, setState] = useState<TimelineState>(INITIAL);
  const generation = useRef(0);
  const pausedRef = useRef(false);
  const olderInFlight = useRef(false);
  const scrolledAway = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const loadFirst = useCallback(() => {
    const mine = ++generation.current;
    olderInFlight.current = false;
    setState((s) => ({ ...INITIAL, paused: s.paused }));
    plant.events.query({ ...toQuery(filterRef.current, Date.now()), limit: PAGE_SIZE }).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => ({
          ...s,
          ready: true,
          error: null,
          newWhilePaused: 0,
          loaded: addNewer({ events: s.loaded.events, hasOlder: page.nextCursor !== undefined }, page.events),
          firstPageAt: performance.now(),
        }));
      },
      (error: unknown) => mine === generation.current && setState((s) => ({ ...s, ready: true, error: errorMessage(error) })),
    );
  }, [plant]);

  // A new filter: read the first page again and listen with the new predicate.
  useEffect(() => {
    const matches = livePredicate(filterRef.current);
    const batcher = createFrameBatcher<StoredEvent>(({ items, overflow }) => {
      const fresh = items.filter(matches);
      if (fresh.length === 0 && overflow === 0) return;
      if (pausedRef.current) return setState((s) => ({ ...s, newWhilePaused: s.newWhilePaused + fresh.length + overflow }));
      setState((s) => ({ ...s, loaded: addNewer(s.loaded, fresh, liveBound(s.loaded.events.length, scrolledAway.current)), dropped: s.dropped + overflow }));
    }, 2_000);
    const unsubscribe = plant.events.subscribe('*', (event) => batcher.push(event), {
      onReady: loadFirst,
      // Back after a lost connection: what was published meanwhile is read from the store.
      onResumed: () => {
        if (!pausedRef.current) loadFirst();
      },
      onDropped: (count) => setState((s) => (pausedRef.current ? { ...s, newWhilePaused: s.newWhilePaused + count } : { ...s, dropped: s.dropped + count })),
      onError: (error) => setState((s) => ({ ...s, ready: true, error: `Live tail: ${error.message}` })),
    });
    return () => {
      generation.current++;
      batcher.dispose();
      unsubscribe();
    };
  }, [plant, filterKey, loadFirst]);

  const loadOlder = useCallback(() => {
    const current = stateRef.current;
    if (olderInFlight.current || !current.ready || !current.loaded.hasOlder || current.error) return;
    const cursor = olderCursor(current.loaded);
    if (cursor === undefined) return;
    olderInFlight.current = true;
    const mine = generation.current;
    // Older pages arrive while the operator scrolls: render them as transitions, which React
    // may interrupt, so that a page's arrival never holds up a scroll frame.
    startTransition(() => setState((s) => ({ ...s, loadingOlder: true })));
    plant.events.query({ ...toQuery(filterRef.current, Date.now()), cursor, limit: OLDER_PAGE_SIZE }).then(
      (page) => {
        olderInFlight.current = false;
        if (mine !== generation.current) return;
        startTransition(() => setState((s) => ({ ...s, loadingOlder: false, loaded: addOlder(s.loaded, page.events, page.nextCursor !== undefined) })));
      },
      (error: unknown) => {
        olderInFlight.current = false;
        if (mine === generation.current) setState((s) => ({ ...s, loadingOlder: false, error: `Reading older events: ${errorMessage(error)}` }));
      },
    );
  }, [plant]);

  const setPaused = useCallback(
    (paused: boolean) => {
      pausedRef.current = paused;
      setState((s) => ({ ...s, paused }));
      if (!paused && stateRef.current.newWhilePaused + stateRef.current.dropped > 0) loadFirst();
    },
    [loadFirst],
  );

  const reload = useCallback(() => {
    setState((s) => ({ ...s, dropped: 0 }));
    loadFirst();
  }, [loadFirst]);

  const setScrolledAway = useCallback((away: boolean) => {
    scrolledAway.current = away;
  }, []);

  return { ...state, loadOlder, reload, setPaused, setScrolledAway };
}
