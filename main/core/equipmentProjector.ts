/**
 * The live equipment read model: every equipment's current state, rebuilt by replay when the
 * application starts (from the nearest board snapshot, then the events after it) and then
 * kept up to date from the bus, each event once, in seq order.
 *
 * Every `snapshotEvery` stored events it saves one board snapshot (all equipment, key
 * `equipment-board`) and one snapshot per equipment that changed (key `equipment:<id>`), so
 * that `stateAt` and `diff` start from the nearest snapshot instead of the beginning.
 * Snapshots are written in the background, after the events they cover are stored.
 */
import { isAvailabilityState } from '../../shared/domain/availability';
import { EQUIPMENT_EVENT_TYPES, evolveEquipment, initialEquipmentState, type EquipmentState } from '../../shared/domain/equipment';
import { ChangeTracker, type EquipmentDiff } from '../../shared/domain/equipmentDiff';
import { stateHash } from '../../shared/domain/stateHash';
import type { JsonValue, StoredEvent } from '../../shared/events/event';
import { EventValidationError } from '../../shared/events/validate';
import type { EventStore, Snapshot } from '../../shared/store/eventStore';
import { logErrorAs } from './logError';

export const BOARD_SNAPSHOT_KEY = 'equipment-board';
export const equipmentSnapshotKey = (equipmentId: string): string => `equipment:${equipmentId}`;
/** Board snapshots of another format (an older version of the state) are not used. */
const BOARD_FORMAT = 'equipment-board/1';
const TYPES = new Set<string>(EQUIPMENT_EVENT_TYPES);
const TYPE_LIST = [...EQUIPMENT_EVENT_TYPES];

/** The board as stored in a snapshot: plain JSON. */
interface BoardSnapshotState {
  format: string;
  states: Record<string, EquipmentState>;
  /** Per equipment, the largest event timestamp folded in. */
  maxTimestamps: Record<string, number>;
}

/** The board while events are folded into it. */
interface Board {
  readonly states: Map<string, EquipmentState>;
  readonly maxTimestamps: Map<string, number>;
}

export interface EquipmentProjectorOptions {
  /** Snapshot every this many stored events (counted by seq); 0 never. Default 10,000. */
  readonly snapshotEvery?: number;
  /** Events listed per changed field in a diff. Default 50. */
  readonly maxDiffCauses?: number;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => number;
}

export interface RebuildResult {
  /** Events folded by the replay (not counting those inside the snapshot). */
  readonly folded: number;
  readonly seq: number;
  readonly fromSnapshotSeq: number | null;
}

export interface ProjectorStats {
  readonly lastSeq: number;
  readonly equipment: number;
  readonly snapshotsSaved: number;
  readonly snapshotFailures: number;
  readonly lastSnapshotSeq: number;
  /** Times an event arrived with a seq beyond the next one expected. */
  readonly gaps: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `value` has the shape of the current EquipmentState (a snapshot of an older shape is not). */
export function isEquipmentStateShape(value: unknown): value is EquipmentState {
  if (!isRecord(value)) return false;
  return (
    typeof value.status === 'string' && typeof value.lastSeq === 'number' && typeof value.eventCount === 'number' &&
    isRecord(value.lastMeasurements) && isRecord(value.lastTelemetry) && isRecord(value.maintenance) && isAvailabilityState(value.availability)
  );
}

function isBoardSnapshotState(value: unknown): value is BoardSnapshotState {
  if (!isRecord(value) || value.format !== BOARD_FORMAT || !isRecord(value.states) || !isRecord(value.maxTimestamps)) return false;
  return Object.values(value.states).every(isEquipmentStateShape) && Object.values(value.maxTimestamps).every((t) => typeof t === 'number');
}

function toBoard(state: BoardSnapshotState): Board {
  return { states: new Map(Object.entries(state.states)), maxTimestamps: new Map(Object.entries(state.maxTimestamps)) };
}

function equipmentIdOf(event: StoredEvent): string | null {
  if (!TYPES.has(event.type)) return null;
  const payload = event.payload;
  if (!isRecord(payload)) return null;
  const id = payload.equipmentId;
  return typeof id === 'string' && id !== '' ? id : null;
}

function foldInto(board: Board, event: StoredEvent): void {
  const id = equipmentIdOf(event);
  if (id === null) return;
  board.states.set(id, evolveEquipment(board.states.get(id) ?? initialEquipmentState(id), event));
  const latest = board.maxTimestamps.get(id);
  if (latest === undefined || event.timestamp > latest) board.maxTimestamps.set(id, event.timestamp);
}

export class EquipmentProjector {
  private board: Board = { states: new Map(), maxTimestamps: new Map() };
  private lastSeq = 0;
  private lastSnapshotSeq = 0;
  /** Per equipment, the `lastSeq` of its latest snapshot. */
  private readonly snapshotted = new Map<string, number>();
  private saving: Promise<void> = Promise.resolve();
  private counts = { snapshotsSaved: 0, snapshotFailures: 0, gaps: 0 };
  private readonly snapshotEvery: number;
  private readonly maxDiffCauses: number;
  private readonly onError: (error: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly store: EventStore, options: EquipmentProjectorOptions = {}) {
    const every = options.snapshotEvery ?? 10_000;
    if (!Number.isInteger(every) || every < 0) throw new EventValidationError('snapshotEvery', 'must be a whole number of events (0: never)');
    this.snapshotEvery = every;
    this.maxDiffCauses = options.maxDiffCauses ?? 50;
    this.onError = options.onError ?? logErrorAs('[equipment-projector]');
    this.now = options.now ?? Date.now;
  }

  /**
   * Folds the stored history into the board, starting from the latest board snapshot unless
   * `useSnapshots` is false. Meant for the start, before live events are applied.
   */
  async rebuild(options: { useSnapshots?: boolean } = {}): Promise<RebuildResult> {
    const head = await this.store.headSeq();
    let usable = false;
    if (options.useSnapshots !== false) {
      const nearest = await this.store.nearestSnapshot(BOARD_SNAPSHOT_KEY, { toSeq: head });
      usable = nearest !== null && isBoardSnapshotState(nearest.state);
    }
    let working: Board | null = null;
    const result = await this.store.replay<BoardSnapshotState | Board>({
      types: TYPE_LIST,
      toSeq: head,
      initial: { format: BOARD_FORMAT, states: {}, maxTimestamps: {} },
      ...(usable ? { snapshotKey: BOARD_SNAPSHOT_KEY } : {}),
      reducer: (board, event) => {
        if (board !== working) working = toBoard(board as BoardSnapshotState);
        foldInto(working, event);
        return working;
      },
    });
    this.board = result.state === working && working !== null ? working : toBoard(result.state as BoardSnapshotState);
    this.lastSeq = Math.max(head, result.seq);
    this.lastSnapshotSeq = result.fromSnapshotSeq ?? 0;
    this.snapshotted.clear();
    this.maybeSnapshot();
    return { folded: result.folded, seq: this.lastSeq, fromSnapshotSeq: result.fromSnapshotSeq ?? null };
  }

  /** Applies newly published events (each event once, in seq order; older seqs are skipped). */
  apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      if (this.lastSeq > 0 && event.seq > this.lastSeq + 1) this.counts.gaps += 1;
      foldInto(this.board, event);
      this.lastSeq = event.seq;
    }
    this.maybeSnapshot();
  }

  list(): EquipmentState[] {
    return [...this.board.states.values()].sort((a, b) => String(a.equipmentId).localeCompare(String(b.equipmentId)));
  }

  get(equipmentId: string): EquipmentState | null {
    return this.board.states.get(equipmentId) ?? null;
  }

  /** A fingerprint of every equipment's state (equal boards, equal hashes). */
  hash(): string {
    return stateHash(this.list());
  }

  stats(): ProjectorStats {
    return { lastSeq: this.lastSeq, equipment: this.board.states.size, lastSnapshotSeq: this.lastSnapshotSeq, ...this.counts };
  }

  /** One equipment's state at `timestampMs` (events timestamped up to it), from its nearest snapshot. */
  async stateAt(equipmentId: string, timestampMs: number, options: { useSnapshots?: boolean } = {}): Promise<EquipmentState> {
    const key = equipmentSnapshotKey(equipmentId);
    let usable = false;
    if (options.useSnapshots !== false) {
      const nearest = await this.store.nearestSnapshot(key, { toTime: timestampMs });
      usable = nearest !== null && isEquipmentStateShape(nearest.state) && nearest.state.equipmentId === equipmentId;
    }
    const { state } = await this.store.replay<EquipmentState>({
      subject: equipmentId,
      types: TYPE_LIST,
      toTime: timestampMs,
      initial: initialEquipmentState(equipmentId),
      reducer: evolveEquipment,
      ...(usable ? { snapshotKey: key } : {}),
    });
    return state;
  }

  /**
   * What changed in one equipment's state from `from` to `to`: its states at both times and
   * each changed field with the events (timestamped in (from, to]) that changed it.
   */
  async diff(equipmentId: string, from: number, to: number): Promise<EquipmentDiff> {
    if (!(to >= from)) throw new EventValidationError('to', 'must not be before from');
    const [before, after] = [await this.stateAt(equipmentId, from), await this.stateAt(equipmentId, to)];
    const tracker = new ChangeTracker(this.maxDiffCauses);
    let current = before;
    let events = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.query({ subject: equipmentId, types: TYPE_LIST, from, to, order: 'asc', limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const event of page.events) {
        if (event.timestamp <= from) continue;
        const next = evolveEquipment(current, event);
        tracker.record(current, next, { id: event.id, seq: event.seq, type: event.type, timestamp: event.timestamp });
        current = next;
        events += 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return { equipmentId, from, to, before, after, changes: tracker.changes(before, after), events };
  }

  /** Saves snapshots of the board as it is now (also called every `snapshotEvery` events). */
  snapshotNow(): Promise<void> {
    const seq = this.lastSeq;
    if (seq === 0) return this.saving;
    this.lastSnapshotSeq = seq;
    const createdAt = this.now();
    const { states, maxTimestamps } = this.board;
    const boardState: BoardSnapshotState = { format: BOARD_FORMAT, states: Object.fromEntries(states), maxTimestamps: Object.fromEntries(maxTimestamps) };
    const snapshots: Snapshot[] = [{
      key: BOARD_SNAPSHOT_KEY, seq, maxTimestamp: Math.max(0, ...maxTimestamps.values()), state: boardState as unknown as JsonValue, createdAt,
    }];
    for (const [id, state] of states) {
      if (state.lastSeq <= (this.snapshotted.get(id) ?? 0)) continue;
      this.snapshotted.set(id, state.lastSeq);
      snapshots.push({ key: equipmentSnapshotKey(id), seq: state.lastSeq, maxTimestamp: maxTimestamps.get(id) ?? 0, state: state as unknown as JsonValue, createdAt });
    }
    // Handed to the store together, so that its store host writes them in one transaction, not one each.
    this.saving = this.saving.then(async () => {
      for (const saved of await Promise.allSettled(snapshots.map((snapshot) => this.store.saveSnapshot(snapshot)))) {
        if (saved.status === 'fulfilled') {
          this.counts.snapshotsSaved += 1;
        } else {
          this.counts.snapshotFailures += 1;
          this.onError(saved.reason);
        }
      }
    });
    return this.saving;
  }

  /** Resolves when every snapshot taken so far is saved (or has failed and been reported). */
  flushSnapshots(): Promise<void> {
    return this.saving;
  }

  private maybeSnapshot(): void {
    if (this.snapshotEvery > 0 && this.lastSeq - this.lastSnapshotSeq >= this.snapshotEvery) void this.snapshotNow();
  }
}
