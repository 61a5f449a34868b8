/** The typed-array columns of the Dexie store's in-memory index, grown as events are appended. */
export type Growable = Int32Array | Uint32Array | Float64Array | Uint16Array | Uint8Array;

/** `array` itself when it holds `capacity` items, else a copy at least twice as long (1,024 at least). */
export function grown<T extends Growable>(array: T, capacity: number): T {
  if (array.length >= capacity) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(capacity, array.length * 2, 1024));
  next.set(array);
  return next;
}
