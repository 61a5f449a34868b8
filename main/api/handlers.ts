/**
 * main's implementation of the API contract. Each handler receives arguments already
 * checked by the contract's `parse`, and the caller's context. `satisfies ApiHandlers`
 * makes a missing or mistyped method a compile error.
 */
import type { ArgsOf, MethodName, ResultOf } from '../../shared/api/contract';
import type { PlantCore } from '../core/plantCore';

/** Who is calling: a window, or a browser-mode socket. */
export interface CallContext {
  readonly clientId: string;
}

export type ApiHandlers = {
  readonly [M in MethodName]: (ctx: CallContext, ...args: ArgsOf<M>) => Promise<ResultOf<M>>;
};

export function createHandlers(core: PlantCore): ApiHandlers {
  const { bus, store, equipment, pushes } = core;
  return {
    'events.publish': async (_ctx, input) => bus.publish(input),
    'events.publishBatch': async (_ctx, inputs) => bus.publishBatch(inputs),
    'events.query': async (_ctx, query) => store.query(query),
    'events.get': async (_ctx, id) => store.get(id),
    'events.subscribe': async (ctx, pattern) => ({ subscriptionId: pushes.subscribe(ctx.clientId, pattern) }),
    'events.unsubscribe': async (ctx, subscriptionId) => pushes.unsubscribe(ctx.clientId, subscriptionId),
    'equipment.list': async () => equipment.list(),
    'equipment.stateAt': async (_ctx, equipmentId, timestampMs) => equipment.stateAt(equipmentId, timestampMs),
    'deadLetters.list': async () => bus.deadLetters.list(),
    'deadLetters.redrive': async (_ctx, ids) => bus.deadLetters.redrive(ids),
    'deadLetters.discard': async (_ctx, ids, reason) => bus.deadLetters.discard(ids, reason),
    'metrics.get': async () => core.metrics(),
  } satisfies ApiHandlers;
}
