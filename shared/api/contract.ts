/**
 * The one API contract between the user interface and the main process: every method's
 * name, how its arguments are checked at run time, and what it returns. The preload bridge,
 * the browser-mode bridge and main's handlers are all type-checked against it.
 *
 * Arguments arrive as a list (`window.plant.equipment.stateAt(id, t)` sends `[id, t]`).
 * `parse` throws an Error whose message names the bad argument; main answers it with the
 * error envelope and the handler never runs.
 */
import { z } from 'zod';
import { arity, check, id, ids, method, time, type Method } from './contractKit';
import { auditContract } from './contractAudit';
import { filesContract } from './contractFiles';
import { opcuaContract } from './contractOpcua';
import { operationsContract } from './contractOps';
import { plantLinkContract } from './contractPlantLink';
import type { EquipmentState } from '../domain/equipment';
import type { StoredEvent } from '../events/event';
import { validatePattern } from '../events/patterns';
import { sealPublishInput } from '../events/sealed';
import { EventValidationError, type PublishInput } from '../events/validate';
import type { DeadLetter, EventPage, EventQuery } from '../store/eventStore';
import { validateEventQuery } from '../store/queryMatch';
import type { PlantMetrics } from './metrics';

/** At most this many events in one `publishBatch`. */
export const MAX_BATCH = 10_000;

/**
 * Checked here, at the boundary, once: the bus takes a sealed input without a second check.
 * An owned input's payload and metadata are checked and frozen where they are, not copied.
 */
function publishInput(value: unknown, name: string, owned: boolean): PublishInput {
  try {
    return sealPublishInput(value, owned);
  } catch (error) {
    if (error instanceof EventValidationError) throw new EventValidationError(`${name}.${error.field}`, error.rule);
    throw error;
  }
}

export const contract = {
  'events.publish': method<[PublishInput], StoredEvent>((args, owned) => {
    arity(args, 1);
    return [publishInput(args[0], 'event', owned)];
  }),
  'events.publishBatch': method<[PublishInput[]], StoredEvent[]>((args, owned) => {
    arity(args, 1);
    const inputs = args[0];
    if (!Array.isArray(inputs)) throw new TypeError('events: must be a list of events');
    if (inputs.length > MAX_BATCH) throw new RangeError(`events: at most ${MAX_BATCH} in one batch (got ${inputs.length})`);
    return [inputs.map((input, i) => publishInput(input, `events[${i}]`, owned))];
  }),
  'events.query': method<[EventQuery], EventPage>((args) => {
    arity(args, 0, 1);
    return [validateEventQuery(args[0] ?? {})];
  }),
  'events.get': method<[string], StoredEvent | null>((args) => {
    arity(args, 1);
    return [check(id, args[0], 'id')];
  }),
  'events.subscribe': method<[string], { subscriptionId: string }>((args) => {
    arity(args, 1);
    return [validatePattern(args[0])];
  }),
  'events.unsubscribe': method<[string], boolean>((args) => {
    arity(args, 1);
    return [check(id, args[0], 'subscriptionId')];
  }),
  'equipment.list': method<[], EquipmentState[]>((args) => {
    arity(args, 0);
    return [];
  }),
  'equipment.stateAt': method<[string, number], EquipmentState>((args) => {
    arity(args, 2);
    return [check(id, args[0], 'equipmentId'), check(time, args[1], 'timestampMs')];
  }),
  'deadLetters.list': method<[], DeadLetter[]>((args) => {
    arity(args, 0);
    return [];
  }),
  'deadLetters.redrive': method<[string[]], number>((args) => {
    arity(args, 1);
    return [check(ids, args[0], 'ids')];
  }),
  'deadLetters.discard': method<[string[], string], number>((args) => {
    arity(args, 1, 2);
    const reason = check(z.string().trim().min(1, 'a discard needs a reason').max(500), args[1] ?? 'discarded by operator', 'reason');
    return [check(ids, args[0], 'ids'), reason];
  }),
  'metrics.get': method<[], PlantMetrics>((args) => {
    arity(args, 0);
    return [];
  }),
  ...operationsContract,
  ...auditContract,
  ...filesContract,
  ...opcuaContract,
  ...plantLinkContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ArgsOf<M extends MethodName> = ReturnType<Contract[M]['parse']>;
export type ResultOf<M extends MethodName> = Contract[M] extends Method<unknown[], infer R> ? R : never;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What crosses the boundary: a value, or an error message meant for the operator. */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };
