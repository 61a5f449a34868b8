/** A call reached the store client after it was closed: expected while the application stops. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('store closed: the application is shutting down');
  }
}
