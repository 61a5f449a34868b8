/**
 * The causation tree of a correlation: each event under the event that caused it. Events
 * whose cause is not among them are roots. Pure; bounded depth guards against cycles.
 */
import type { StoredEvent } from '../../../shared/events/event';

export interface CausationNode {
  readonly event: StoredEvent;
  readonly children: CausationNode[];
}

const MAX_DEPTH = 64;

export function buildCausationTree(events: readonly StoredEvent[]): CausationNode[] {
  const ids = new Set(events.map((e) => e.id));
  const childrenOf = new Map<string, StoredEvent[]>();
  const roots: StoredEvent[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const parent = event.causationId;
    if (parent !== undefined && parent !== event.id && ids.has(parent)) {
      const list = childrenOf.get(parent) ?? [];
      list.push(event);
      childrenOf.set(parent, list);
    } else roots.push(event);
  }
  const seen = new Set<string>();
  const build = (event: StoredEvent, depth: number): CausationNode => {
    seen.add(event.id);
    const kids = depth >= MAX_DEPTH ? [] : (childrenOf.get(event.id) ?? []).filter((c) => !seen.has(c.id));
    return { event, children: kids.map((c) => build(c, depth + 1)) };
  };
  return roots.map((r) => build(r, 0));
}

/** The chain of causes of an event, nearest first, read with `get` (stops at a missing or repeated id). */
export async function causeChain(event: StoredEvent, get: (id: string) => Promise<StoredEvent | null>, max = 20): Promise<StoredEvent[]> {
  const chain: StoredEvent[] = [];
  const seen = new Set([event.id]);
  let next = event.causationId;
  while (next !== undefined && !seen.has(next) && chain.length < max) {
    seen.add(next);
    const cause = await get(next);
    if (!cause) break;
    chain.push(cause);
    next = cause.causationId;
  }
  return chain;
}

/** The equipment an event is about, if it names one. */
export function equipmentOf(event: StoredEvent): string | null {
  const p = event.payload;
  if (typeof p === 'object' && p !== null && !Array.isArray(p) && typeof p.equipmentId === 'string' && p.equipmentId) return p.equipmentId;
  return null;
}
