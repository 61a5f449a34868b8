/**
 * What changed in an equipment's state between two times, field by field, with the events
 * that changed each field. Fields are leaf paths such as `status` or
 * `lastMeasurements.thickness.value`; arrays (the availability intervals) count as one field.
 * Pure: the projector feeds it the states and events it reads from the store.
 */
import type { JsonValue } from '../events/event';
import type { EquipmentState } from './equipment';

export interface EventRef {
  readonly id: string;
  readonly seq: number;
  readonly type: string;
  readonly timestamp: number;
}

export interface FieldChange {
  readonly path: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** The events that changed this field between the two times, oldest first (the latest `maxCauses`). */
  readonly causes: EventRef[];
  /** How many events changed it in all. */
  readonly causeCount: number;
}

export interface EquipmentDiff {
  readonly equipmentId: string;
  readonly from: number;
  readonly to: number;
  readonly before: EquipmentState;
  readonly after: EquipmentState;
  /** Changed fields, in the order of the state's fields. Bookkeeping fields are left out. */
  readonly changes: FieldChange[];
  /** Events of this equipment timestamped in (from, to]. */
  readonly events: number;
}

/** Fields that every event moves on; they show in `before` and `after` but not as changes. */
export const BOOKKEEPING_FIELDS: ReadonlySet<string> = new Set(['lastSeq', 'lastEventAt', 'eventCount']);

type Leaves = Map<string, JsonValue>;

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The leaves under `value`, keyed by dotted path. An empty object is a leaf. */
function collectLeaves(value: JsonValue, path: string, into: Leaves): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value)) collectLeaves(value[key] as JsonValue, path === '' ? key : `${path}.${key}`, into);
  } else {
    into.set(path, value);
  }
}

export function stateLeaves(state: EquipmentState): Leaves {
  const leaves: Leaves = new Map();
  collectLeaves(state as unknown as JsonValue, '', leaves);
  for (const field of BOOKKEEPING_FIELDS) leaves.delete(field);
  return leaves;
}

function sameLeaf(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The paths whose leaves differ between two leaf maps, in first-seen order. */
function changedPaths(before: Leaves, after: Leaves): string[] {
  const paths: string[] = [];
  for (const [path, value] of after) if (!sameLeaf(before.get(path), value)) paths.push(path);
  for (const path of before.keys()) if (!after.has(path)) paths.push(path);
  return paths;
}

/** Remembers, per field, the events that changed it while states are folded one event at a time. */
export class ChangeTracker {
  private readonly causes = new Map<string, { refs: EventRef[]; count: number }>();

  constructor(private readonly maxCauses = 50) {}

  /** Records `event` against every field it changed from `before` to `after`. */
  record(before: EquipmentState, after: EquipmentState, event: EventRef): void {
    if (before === after) return;
    const a = before as unknown as Record<string, JsonValue>;
    const b = after as unknown as Record<string, JsonValue>;
    for (const key of Object.keys(b)) {
      if (a[key] === b[key] || BOOKKEEPING_FIELDS.has(key)) continue;
      const was: Leaves = new Map();
      const now: Leaves = new Map();
      collectLeaves(a[key] as JsonValue, key, was);
      collectLeaves(b[key] as JsonValue, key, now);
      for (const path of changedPaths(was, now)) this.add(path, event);
    }
  }

  private add(path: string, event: EventRef): void {
    let entry = this.causes.get(path);
    if (!entry) this.causes.set(path, (entry = { refs: [], count: 0 }));
    entry.count += 1;
    entry.refs.push(event);
    if (entry.refs.length > this.maxCauses) entry.refs.shift();
  }

  /** Every field that differs between the two states, with the events recorded for it. */
  changes(before: EquipmentState, after: EquipmentState): FieldChange[] {
    const was = stateLeaves(before);
    const now = stateLeaves(after);
    return changedPaths(was, now).map((path) => {
      const entry = this.causes.get(path);
      return { path, before: was.get(path) ?? null, after: now.get(path) ?? null, causes: entry ? [...entry.refs] : [], causeCount: entry?.count ?? 0 };
    });
  }
}
