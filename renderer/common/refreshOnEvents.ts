/**
 * Keeps a view's copy of something main computes fresh: `refresh` runs at once, every
 * `everyMs`, and again when events of `pattern` arrive (once a frame at most, however many
 * arrive). The returned function stops all three.
 */
import type { PlantApi } from '../../shared/api/plantApi';
import type { StoredEvent } from '../../shared/events/event';
import { createFrameBatcher } from './frameBatcher';

export function refreshOnEvents(plant: PlantApi, pattern: string, refresh: () => void, everyMs: number, onError: (error: Error) => void): () => void {
  refresh();
  const timer = setInterval(refresh, everyMs);
  const batcher = createFrameBatcher<StoredEvent>(refresh, 1);
  const unsubscribe = plant.events.subscribe(pattern, (event) => batcher.push(event), { onError });
  return () => {
    clearInterval(timer);
    batcher.dispose();
    unsubscribe();
  };
}
