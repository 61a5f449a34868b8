/** Errors the bus raises to publishers. Each message says what happened and what to do. */

/** A subscriber's queue stayed full for longer than the publish timeout. Nothing was stored. */
export class BusOverloadError extends Error {
  override readonly name = 'BusOverloadError';
  constructor(
    readonly subscriber: string,
    readonly capacity: number,
    readonly waitedMs: number,
  ) {
    super(
      `bus overloaded: the queue of subscriber "${subscriber}" stayed full (${capacity} events) for ${waitedMs} ms; ` +
        'the event was not published, try again later',
    );
  }
}

/** The bus was closed; nothing more can be published on it. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  constructor() {
    super('bus closed: the event was not published');
  }
}
