/**
 * The newest events, kept live: the latest page from the store, then every new event the
 * host pushes. Events are keyed by id, so an event read and pushed at once shows once.
 */
import { useEffect, useState } from 'react';
import type { StoredEvent } from '../../../shared/events/event';
import type { PlantApi } from '../../../shared/api/plantApi';

export const LIVE_LIMIT = 50;

export interface LiveEventsState {
  readonly events: readonly StoredEvent[];
  readonly loading: boolean;
  readonly error: string | null;
  /** Events the host left out because this window fell behind (re-read on the next load). */
  readonly dropped: number;
}

/** Newest first, without duplicates, at most LIVE_LIMIT. */
export function mergeNewest(current: readonly StoredEvent[], incoming: readonly StoredEvent[]): StoredEvent[] {
  const byId = new Map<string, StoredEvent>();
  for (const event of [...incoming, ...current]) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, LIVE_LIMIT);
}

export function useLiveEvents(plant: PlantApi): LiveEventsState {
  const [state, setState] = useState<LiveEventsState>({ events: [], loading: true, error: null, dropped: 0 });

  useEffect(() => {
    let active = true;
    const fail = (error: Error) => active && setState((s) => ({ ...s, loading: false, error: error.message }));
    const unsubscribe = plant.events.subscribe(
      '*',
      (event) => active && setState((s) => ({ ...s, events: mergeNewest(s.events, [event]) })),
      { onError: fail, onDropped: (count) => active && setState((s) => ({ ...s, dropped: s.dropped + count })) },
    );
    plant.events.query({ order: 'desc', limit: LIVE_LIMIT }).then(
      (page) => active && setState((s) => ({ ...s, loading: false, error: null, events: mergeNewest(s.events, page.events) })),
      fail,
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [plant]);

  return state;
}
