/**
 * Moving between views from inside a view: "open this event in the timeline" from the compare
 * view. The timeline takes the event it was asked to open once, then forgets it.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useSetting } from './settings';
import { isViewId, type ViewId } from './views';

export interface Navigation {
  /** Shows the timeline with this event's detail open. */
  openEvent(eventId: string): void;
  /** The event the timeline was asked to open and has not opened yet. */
  readonly pendingEvent: string | null;
  eventOpened(): void;
}

const NavigationContext = createContext<Navigation>({ openEvent: () => undefined, pendingEvent: null, eventOpened: () => undefined });

export function NavigationProvider({ children }: { readonly children: ReactNode }) {
  const [, setView] = useSetting<ViewId>('ui.view', 'timeline', isViewId);
  const [pendingEvent, setPendingEvent] = useState<string | null>(null);
  const value = useMemo<Navigation>(
    () => ({
      openEvent: (id) => {
        setPendingEvent(id);
        setView('timeline');
      },
      pendingEvent,
      eventOpened: () => setPendingEvent(null),
    }),
    [setView, pendingEvent],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
