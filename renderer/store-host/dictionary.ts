/**
 * The store's dictionaries of names (event types, sources, subjects): each name kept once,
 * with a dense code that the columns (eventColumns.ts) and summaries hold instead.
 */

/** Interned strings with dense codes; additions can be rolled back to a mark. */
export class Dictionary {
  readonly names: string[] = [];
  private readonly codes = new Map<string, number>();

  codeOf(name: string): number | undefined {
    return this.codes.get(name);
  }

  intern(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(name);
      this.codes.set(name, code);
    }
    return code;
  }

  get size(): number {
    return this.names.length;
  }

  rollback(size: number): void {
    while (this.names.length > size) this.codes.delete(this.names.pop() as string);
  }
}
