/** Sorting a table by one of its columns. Pure; the table keeps the column and direction as state. */

export type Direction = 'asc' | 'desc';
export type SortValue = string | number | null | undefined;

export interface Sort<K extends string> {
  readonly key: K;
  readonly direction: Direction;
}

/**
 * Rows ordered by `valueOf(row, key)`: numbers as numbers, text in natural order ("cnc-2"
 * before "cnc-10"), empty values last in both directions; ties keep their given order.
 */
export function sortRows<T, K extends string>(rows: readonly T[], sort: Sort<K>, valueOf: (row: T, key: K) => SortValue): T[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: valueOf(row, sort.key) }))
    .sort((a, b) => {
      const emptyA = a.value === null || a.value === undefined || a.value === '';
      const emptyB = b.value === null || b.value === undefined || b.value === '';
      if (emptyA || emptyB) return emptyA === emptyB ? a.index - b.index : emptyA ? 1 : -1;
      const order =
        typeof a.value === 'number' && typeof b.value === 'number'
          ? a.value - b.value
          : String(a.value).localeCompare(String(b.value), 'en', { numeric: true, sensitivity: 'base' });
      return order * sign || a.index - b.index;
    })
    .map((entry) => entry.row);
}

/** The sort after a click on `key`: the same column flips, another starts ascending. */
export function nextSort<K extends string>(current: Sort<K> | null, key: K): Sort<K> {
  return current?.key === key ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: 'asc' };
}
