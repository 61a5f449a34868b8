/**
 * An in-memory store whose appends commit and become durable when the test says so (the two
 * stages of main/bus/stagedAppend.ts), for tests of the order in which the bus appends.
 */
import type { StagedAppend } from '../../main/bus/stagedAppend';
import type { AppendInput } from '../../shared/store/eventStore';
import { InMemoryEventStore } from '../../shared/store/inMemoryEventStore';

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** One append as the store saw it: what it was sent (each event named by `name`), and the test's hands on its two stages. */
export interface AppendCall {
  readonly names: string[];
  readonly commit: Deferred<void>;
  readonly durable: Deferred<void>;
}

export class StagedStore extends InMemoryEventStore {
  readonly calls: AppendCall[] = [];

  constructor(private readonly name: (event: AppendInput) => string = (event) => String((event.payload as { name: unknown }).name)) {
    super();
  }

  async appendStaged(events: readonly AppendInput[], deliveries?: readonly (readonly string[])[]): Promise<StagedAppend> {
    const call: AppendCall = { names: events.map(this.name), commit: deferred(), durable: deferred() };
    this.calls.push(call);
    await call.commit.promise;
    const stored = await this.append(events, deliveries);
    return { durable: call.durable.promise.then(() => stored) };
  }
}
