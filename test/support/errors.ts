import { EventValidationError } from '../../shared/events/validate';

/** The EventValidationError that `action` throws (anything else it throws is rethrown). */
export function validationErrorOf(action: () => unknown): EventValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError, got none');
}
