/**
 * The board's states: live (`equipment.list`, polled), or rebuilt at a chosen time by
 * replay (`equipment.stateAt` for each equipment, one after another, with progress; a
 * cancel stops before the next call and keeps the live view); and the line of each equipment,
 * read from the events.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EquipmentState } from '../../../shared/domain/equipment';
import type { PlantApi } from '../../../shared/api/plantApi';
import type { StoredEvent } from '../../../shared/events/event';
import { errorMessage } from '../../common/format';
import { linesFromEvents } from './lines';

const POLL_MS = 2_000;
const LINE_SAMPLE = 1_000;
/** An equipment's own newest events read to find its line. */
const LINE_PROBE = 100;

export type Travel =
  | { readonly kind: 'live' }
  | { readonly kind: 'replaying'; readonly at: number; readonly done: number; readonly total: number }
  | { readonly kind: 'at'; readonly at: number };

export interface Board {
  readonly states: readonly EquipmentState[];
  readonly lines: ReadonlyMap<string, string>;
  readonly loading: boolean;
  readonly error: string | null;
  readonly travel: Travel;
  travelTo(at: number): void;
  cancel(): void;
  backToNow(): void;
}

export function useBoard(plant: PlantApi): Board {
  const [live, setLive] = useState<readonly EquipmentState[] | null>(null);
  const [past, setPast] = useState<{ readonly at: number; readonly states: readonly EquipmentState[] } | null>(null);
  const [lines, setLines] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [travel, setTravel] = useState<Travel>({ kind: 'live' });
  const run = useRef(0);

  useEffect(() => {
    let active = true;
    // Lines are learnt from the recent history, then, for equipment that the poll shows without
    // a known line (first heard while the board is open, e.g. over MQTT), from its own newest
    // events, read again only once it has new ones. Not from every equipment event as it
    // arrives: a busy plant sends thousands a second, each parsed by this page and kept until
    // its next full collection, for a line learnt once. A render only when a line is new.
    const known = new Map<string, string>();
    const learn = (events: readonly StoredEvent[]) => {
      const before = known.size;
      linesFromEvents(events, known);
      if (active && known.size !== before) setLines(new Map(known));
    };
    const sampled = plant.events.query({ types: ['equipment.*', 'quality.*', 'production.*'], order: 'desc', limit: LINE_SAMPLE }).then(
      (page) => learn(page.events),
      (e: unknown) => active && setError(`Reading the lines: ${errorMessage(e)}`),
    );
    // Each equipment's lastSeq when its events were last read for its line.
    const asked = new Map<string, number>();
    let probing = false;
    const probe = async (states: readonly EquipmentState[]) => {
      await sampled;
      const unknown = states.filter((s): s is EquipmentState & { equipmentId: string } => s.equipmentId !== null && !known.has(s.equipmentId) && s.lastSeq > (asked.get(s.equipmentId) ?? -1));
      if (probing || unknown.length === 0) return;
      probing = true;
      try {
        for (const state of unknown) {
          if (!active) return;
          asked.set(state.equipmentId, state.lastSeq);
          learn((await plant.events.query({ subject: state.equipmentId, order: 'desc', limit: LINE_PROBE })).events);
        }
      } catch (e) {
        if (active) setError(`Reading the lines: ${errorMessage(e)}`);
      } finally {
        probing = false;
      }
    };
    const poll = () =>
      plant.equipment.list().then(
        (states) => {
          if (!active) return;
          setLive(states);
          setError(null);
          void probe(states);
        },
        (e: unknown) => active && setError(`Reading the equipment: ${errorMessage(e)}`),
      );
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [plant]);

  const travelTo = useCallback(
    (at: number) => {
      const ids = (live ?? []).map((s) => s.equipmentId).filter((id): id is string => id !== null);
      const mine = ++run.current;
      setTravel({ kind: 'replaying', at, done: 0, total: ids.length });
      void (async () => {
        const rebuilt: EquipmentState[] = [];
        for (const id of ids) {
          if (mine !== run.current) return;
          try {
            rebuilt.push(await plant.equipment.stateAt(id, at));
          } catch (e) {
            if (mine !== run.current) return;
            setError(`Rebuilding ${id} at that time: ${errorMessage(e)}`);
            setTravel({ kind: 'live' });
            return;
          }
          if (mine === run.current) setTravel({ kind: 'replaying', at, done: rebuilt.length, total: ids.length });
        }
        if (mine !== run.current) return;
        setPast({ at, states: rebuilt });
        setTravel({ kind: 'at', at });
      })();
    },
    [plant, live],
  );

  const backToNow = useCallback(() => {
    run.current++;
    setPast(null);
    setTravel({ kind: 'live' });
  }, []);

  const cancel = useCallback(() => {
    run.current++;
    setTravel((t) => (t.kind === 'replaying' ? (past ? { kind: 'at', at: past.at } : { kind: 'live' }) : t));
  }, [past]);

  const states = travel.kind !== 'live' && past ? past.states : (live ?? []);
  return { states, lines, loading: live === null && error === null, error, travel, travelTo, cancel, backToNow };
}
