/** A bounded cache of rows by first seq that drops the least recently used one when full. */
export class RecentCache<V> {
  private readonly rows = new Map<number, V>();

  constructor(private readonly capacity: number) {}

  get(first: number): V | undefined {
    return this.rows.get(first);
  }

  /** Keeps `row` as the most recently used. */
  remember(first: number, row: V): void {
    this.rows.delete(first);
    this.rows.set(first, row);
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value as number);
  }

  delete(first: number): void {
    this.rows.delete(first);
  }

  clear(): void {
    this.rows.clear();
  }

  /** The cached rows of `firsts`, and the firsts not cached (in the order given). */
  lookUp(firsts: readonly number[]): { found: Map<number, V>; missing: number[] } {
    const found = new Map<number, V>();
    const missing: number[] = [];
    for (const first of firsts) {
      const cached = this.rows.get(first);
      if (cached) found.set(first, cached);
      else missing.push(first);
    }
    return { found, missing };
  }
}
