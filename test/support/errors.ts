import { EventValidationError } from '../../shared/events/validate';

/** The error of class `kind` that `action` throws (anything else it throws is rethrown). */
export function thrownBy<E extends Error>(kind: abstract new (...args: never[]) => E, action: () => unknown): E {
  try {
    action();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name}, got none`);
}

/** The EventValidationError that `action` throws (anything else it throws is rethrown). */
export const validationErrorOf = (action: () => unknown): EventValidationError => thrownBy(EventValidationError, action);
