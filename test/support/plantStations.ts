/**
 * Stations for the plant-link tests: in-process cores, each with its own in-memory store
 * and its own settings, linked to a test nats-server; and the questions the tests ask of
 * their stores (which ids, how many copies, which alarm states).
 */
import { createPlantCore, type PlantCore } from '../../main/core/plantCore';
import { checkPlantSettings, type PlantLinkSettings } from '../../main/plant/plantSettings';
import type { StoredEvent } from '../../shared/events/event';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';
import { pages } from '../../shared/store/readAll';

export interface Station {
  readonly name: string;
  readonly core: PlantCore;
  readonly store: InMemoryEventStore;
}

export async function startStation(name: string, plant: Partial<PlantLinkSettings> & { servers: readonly string[] }, store = new InMemoryEventStore()): Promise<Station> {
  const settings = checkPlantSettings({ station: name, ...plant });
  const core = await createPlantCore({ store, healthEverySeconds: 0, user: `operator-${name}`, plant: settings });
  return { name, core, store };
}

export async function allEvents(store: InMemoryEventStore): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  for await (const page of pages(store, {})) found.push(...page);
  return found;
}

/** The ids of a store's events of the given types (all when none given), sorted. */
export async function idsOf(store: InMemoryEventStore, types?: readonly string[]): Promise<string[]> {
  const events = await allEvents(store);
  return events.filter((e) => !types || types.some((t) => e.type === t)).map((e) => e.id).sort();
}

/** Ids stored more than once (the store refuses that; asserted all the same, as the promise). */
export async function duplicateIds(store: InMemoryEventStore): Promise<string[]> {
  const seen = new Set<string>();
  const doubled: string[] = [];
  for (const event of await allEvents(store)) {
    if (seen.has(event.id)) doubled.push(event.id);
    seen.add(event.id);
  }
  return doubled;
}

/** Every alarm's id and state at a station, sorted. */
export function alarmStates(station: Station): string[] {
  return station.core.alarms.active().map((a) => `${a.alarmId}:${a.state}`).sort();
}
