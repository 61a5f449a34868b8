/**
 * The one door into main's API, for every transport (Electron IPC, browser-mode socket):
 * checks the method name against the contract at run time, parses the arguments with the
 * method's schema, runs the handler, and wraps the outcome in the result envelope. Nothing
 * thrown escapes; a handler never sees unchecked input.
 */
import { contract, isMethodName, type Envelope, type MethodName } from '../../shared/api/contract';
import type { ApiHandlers, CallContext } from './handlers';

export type Dispatch = (method: unknown, args: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

function failure(code: string, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

/** Error codes by error class name; anything else is an internal error. */
const CODES: Record<string, string> = {
  EventValidationError: 'invalid-input',
  TypeError: 'invalid-input',
  RangeError: 'invalid-input',
  BusOverloadError: 'overloaded',
  BusClosedError: 'closed',
  StoreClosedError: 'closed',
  AbortError: 'cancelled',
  AuditImportRefusedError: 'refused',
  NotNdjsonExportError: 'invalid-input',
  ReviewModeError: 'read-only',
  IngestConfigError: 'invalid-input',
};

export function createDispatcher(handlers: ApiHandlers, onInternalError: (error: unknown) => void = console.error): Dispatch {
  return async (method, args, ctx) => {
    if (!isMethodName(method)) return failure('unknown-method', `unknown method "${String(method).slice(0, 100)}"`);
    let parsed: unknown[];
    try {
      parsed = contract[method].parse(args) as unknown[];
    } catch (error) {
      return failure('invalid-input', `${method}: ${(error as Error).message}`);
    }
    try {
      const handler = handlers[method as MethodName] as (ctx: CallContext, ...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await handler(ctx, ...parsed) };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const code = CODES[name];
      if (!code) onInternalError(error);
      return failure(code ?? 'internal', `${method}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
