/**
 * A local store's refusal for good: it will not take the event however often it comes again
 * (PostgreSQL's PostgresRefusedError: a constraint or trigger of the database's owner, a value
 * it cannot hold). Told apart by the project's error class and its code, so any store that
 * declares such a refusal is treated alike; a store that is merely away is not one.
 */
import { ApiError } from '../../shared/api/errors';

export const STORE_REFUSED = 'store-refused';

export function isStoreRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code === STORE_REFUSED;
}

/** The store's own words for the refusal (PostgresRefusedError keeps them, without secrets, as `reason`). */
export function refusalReason(error: ApiError): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.length > 0 ? reason : error.message;
}
