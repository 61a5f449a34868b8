/**
 * The errors a handler raises on purpose, each with the code the caller sees in the result
 * envelope. Dispatch maps only these (and a few other project classes) to codes; anything
 * else thrown inside a handler is a bug and answers `internal`.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The caller's input is wrong in a way the contract's schema cannot see (an unknown id, a bad mode). */
export class InputError extends ApiError {
  constructor(message: string) {
    super('invalid-input', message);
    this.name = 'InputError';
  }
}
