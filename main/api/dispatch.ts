/**
 * The one door into main's API, for every transport (Electron IPC, browser-mode socket):
 * checks the method name against the contract at run time, parses the arguments with the
 * method's schema, runs the handler, and wraps the outcome in the result envelope. Nothing
 * thrown escapes; a handler never sees unchecked input.
 */
import { contract, isMethodName, type Envelope, type MethodName } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { FieldError } from '../../shared/events/validate';
import { AuditImportRefusedError } from '../audit/importLog';
import { BusClosedError, BusOverloadError } from '../bus/errors';
import { ReviewModeError } from '../core/reviewMode';
import { StoreClosedError } from '../store/storeClosedError';
import type { ApiHandlers, CallContext } from './apiHandlers';

/**
 * `owned`: the arguments are fresh from `JSON.parse` and nothing else holds them (the
 * browser-mode socket), so the contract may check them in place instead of copying.
 */
export type Dispatch = (method: unknown, args: unknown, ctx: CallContext, owned?: boolean) => Promise<Envelope<unknown>>;

function failure(code: string, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

/**
 * The code a caller sees, by the project's own error classes only. A TypeError or RangeError
 * from inside a handler is a bug, not bad input (the schemas have checked the input), so it
 * is `internal` and logged like anything else unknown.
 */
function codeOf(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.code;
  if (error instanceof FieldError) return 'invalid-input';
  if (error instanceof BusOverloadError) return 'overloaded';
  if (error instanceof BusClosedError || error instanceof StoreClosedError) return 'closed';
  if (error instanceof ReviewModeError) return 'read-only';
  if (error instanceof AuditImportRefusedError) return 'refused';
  // How the operations and audit runners cancel (AbortController's reason).
  if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
  return undefined;
}

export function createDispatcher(handlers: ApiHandlers, onInternalError: (error: unknown) => void = console.error): Dispatch {
  return async (method, args, ctx, owned = false) => {
    if (!isMethodName(method)) return failure('unknown-method', `unknown method "${String(method).slice(0, 100)}"`);
    let parsed: unknown[];
    try {
      parsed = contract[method].parse(args, owned) as unknown[];
    } catch (error) {
      return failure('invalid-input', `${method}: ${(error as Error).message}`);
    }
    try {
      const handler = handlers[method as MethodName] as (ctx: CallContext, ...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await handler(ctx, ...parsed) };
    } catch (error) {
      const code = codeOf(error);
      if (!code) onInternalError(error);
      return failure(code ?? 'internal', `${method}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
