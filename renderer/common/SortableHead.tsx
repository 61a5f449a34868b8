/** A table header whose columns sort the table when clicked (again to reverse), saying so to screen readers. */
import { TableCell, TableHead, TableRow, TableSortLabel } from '@mui/material';
import type { ReactNode } from 'react';
import { nextSort, type Sort } from './sorting';

export interface Column<K extends string> {
  readonly key: K | null;
  readonly label: ReactNode;
  readonly align?: 'left' | 'right';
  readonly padding?: 'checkbox';
}

export function SortableHead<K extends string>({ columns, sort, onSort, testIdPrefix }: { readonly columns: readonly Column<K>[]; readonly sort: Sort<K> | null; readonly onSort: (sort: Sort<K>) => void; readonly testIdPrefix: string }) {
  return (
    <TableHead>
      <TableRow>
        {columns.map((c, i) => {
          const key = c.key;
          const active = key !== null && sort?.key === key;
          return (
            <TableCell key={key ?? `col-${i}`} align={c.align} padding={c.padding} sortDirection={active ? sort.direction : false}>
              {key === null ? (
                c.label
              ) : (
                <TableSortLabel active={active} direction={active ? sort.direction : 'asc'} onClick={() => onSort(nextSort(sort, key))} data-testid={`${testIdPrefix}-sort-${key}`}>
                  {c.label}
                </TableSortLabel>
              )}
            </TableCell>
          );
        })}
      </TableRow>
    </TableHead>
  );
}
