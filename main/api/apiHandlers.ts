/**
 * The shape of main's implementation of the API contract: one handler per contract method,
 * taking the caller's context and the arguments the contract's `parse` checked. Its own
 * file, so that the handler modules (handlers.ts, alarmHandlers.ts) and the dispatcher
 * all depend on it rather than on each other.
 */
import type { ArgsOf, MethodName, ResultOf } from '../../shared/api/contract';

/** Who is calling: a window, or a browser-mode socket. */
export interface CallContext {
  readonly clientId: string;
}

export type ApiHandlers = {
  readonly [M in MethodName]: (ctx: CallContext, ...args: ArgsOf<M>) => Promise<ResultOf<M>>;
};
