/**
 * The live equipment read model: every equipment's current state, rebuilt by replay when the
 * application starts and then kept up to date from the bus. `stateAt` rebuilds one
 * equipment's state at a past time by replay, next to the data.
 */
import { EQUIPMENT_EVENT_TYPES, evolveEquipment, initialEquipmentState, type EquipmentState } from '../../shared/domain/equipment';
import type { StoredEvent } from '../../shared/events/event';
import type { EventStore } from '../../shared/store/eventStore';

const TYPES = new Set<string>(EQUIPMENT_EVENT_TYPES);

export class EquipmentProjector {
  private readonly states = new Map<string, EquipmentState>();
  private lastSeq = 0;

  constructor(private readonly store: EventStore) {}

  /** Folds the whole stored history (once, at start). */
  async rebuild(): Promise<void> {
    const result = await this.store.replay<Map<string, EquipmentState>>({
      types: [...EQUIPMENT_EVENT_TYPES],
      initial: this.states,
      reducer: (states, event) => {
        this.fold(states, event);
        return states;
      },
    });
    this.lastSeq = Math.max(this.lastSeq, result.seq);
  }

  /** Applies newly published events (each event once, in seq order). */
  apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      this.fold(this.states, event);
      this.lastSeq = event.seq;
    }
  }

  list(): EquipmentState[] {
    return [...this.states.values()].sort((a, b) => String(a.equipmentId).localeCompare(String(b.equipmentId)));
  }

  async stateAt(equipmentId: string, timestampMs: number): Promise<EquipmentState> {
    const { state } = await this.store.replay({
      subject: equipmentId,
      types: [...EQUIPMENT_EVENT_TYPES],
      toTime: timestampMs,
      initial: initialEquipmentState(equipmentId),
      reducer: evolveEquipment,
    });
    return state;
  }

  private fold(states: Map<string, EquipmentState>, event: StoredEvent): void {
    if (!TYPES.has(event.type)) return;
    const payload = event.payload as { equipmentId?: unknown } | null;
    const id = typeof payload === 'object' && payload !== null ? payload.equipmentId : undefined;
    if (typeof id !== 'string' || id === '') return;
    states.set(id, evolveEquipment(states.get(id) ?? initialEquipmentState(id), event));
  }
}
