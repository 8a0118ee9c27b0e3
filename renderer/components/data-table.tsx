/**
 * A compact table for a few hundred rows at most (dashboard tables, child jobs), on TanStack
 * Table v9. Rows are memoised on their record: after a refresh only rows whose record changed
 * re-render (the query cache keeps unchanged records' identity). Rows open with a click or Enter
 * and are one tab stop with arrow keys between them (row-navigation.tsx).
 */
import { memo, useState, type ReactNode } from 'react';
import { flexRender, tableFeatures, useTable, type ColumnDef, type Row, type RowData } from '@tanstack/react-table';
import { moveBetweenRows, openableRowProps, RowActiveProvider } from './row-navigation.tsx';
import { EmptyState, LoadingRows } from './states.tsx';

/** Layout hints per column: width (CSS) and alignment. */
export interface ColumnLayout {
  width?: string;
  align?: 'right' | 'center';
}

export const tableFeaturesNone = tableFeatures({});
export type Features = typeof tableFeaturesNone;
export type TableColumn<T extends RowData> = ColumnDef<Features, T, any> & { layout?: ColumnLayout }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DataTableProps<T extends RowData> {
  /** Accessible name of the table. */
  label: string;
  columns: TableColumn<T>[];
  data: readonly T[] | undefined;
  getRowId: (row: T) => string;
  loading?: boolean;
  empty: ReactNode;
  /** Extra class per row (e.g. stuck jobs). */
  rowClass?: (row: T) => string | undefined;
  caption?: ReactNode;
  /** What a click on a row, or Enter on it, opens (e.g. the job's detail). */
  onOpenRow?: (row: T) => void;
}

const NO_ROWS: never[] = [];

/** A small TanStack table with memoised rows, designed empty/loading states and row keyboard navigation. */
export function DataTable<T extends RowData>(props: DataTableProps<T>) {
  const { label, columns, data, getRowId, loading, empty, rowClass, caption, onOpenRow } = props;
  const [activeId, setActiveId] = useState<string | null>(null);
  const table = useTable({
    features: tableFeaturesNone,
    columns,
    data: (data ?? NO_ROWS) as T[],
    getRowId: (row: T) => getRowId(row),
  });
  const rows = table.getRowModel().rows;
  // The active row is the table's one tab stop; the first row until another is focused.
  const activeShown = rows.some((r) => r.id === activeId);
  return (
    <div className="table-wrap">
      <table className="grid" aria-label={label} aria-rowcount={data ? rows.length + 1 : undefined}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <colgroup>
          {columns.map((c, i) => (
            <col key={c.id ?? i} style={c.layout?.width ? { width: c.layout.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={alignClass((header.column.columnDef as TableColumn<T>).layout)}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody onKeyDown={moveBetweenRows}>
          {rows.map((row, i) => (
            <MemoRow
              key={row.id}
              row={row}
              original={row.original}
              className={rowClass?.(row.original)}
              active={activeShown ? row.id === activeId : i === 0}
              onOpen={onOpenRow}
              onActive={setActiveId}
            />
          ))}
        </tbody>
      </table>
      {!data && loading !== false ? <LoadingRows rows={4} label={`Loading ${label}`} /> : null}
      {data && rows.length === 0 ? (typeof empty === 'string' ? <EmptyState title={empty} /> : empty) : null}
    </div>
  );
}

function alignClass(layout: ColumnLayout | undefined): string | undefined {
  return layout?.align ? `align-${layout.align}` : undefined;
}

interface RowProps<T extends RowData> {
  row: Row<Features, T>;
  original: T;
  className?: string;
  active: boolean;
  onOpen?: (row: T) => void;
  onActive: (id: string) => void;
}

function TableRow<T extends RowData>({ row, className, active, onOpen, onActive }: RowProps<T>) {
  const nav = openableRowProps(active, onOpen && (() => onOpen(row.original)), () => onActive(row.id));
  return (
    <tr {...nav} className={[nav.className, className].filter(Boolean).join(' ') || undefined}>
      <RowActiveProvider value={active}>
        {row.getAllCells().map((cell) => {
          const def = cell.column.columnDef as TableColumn<T>;
          return (
            <td key={cell.id} className={alignClass(def.layout)}>
              {flexRender(def.cell, cell.getContext())}
            </td>
          );
        })}
      </RowActiveProvider>
    </tr>
  );
}

// Re-render a row only when its record, class or being the active row changed.
const MemoRow = memo(
  TableRow,
  (a, b) => a.original === b.original && a.className === b.className && a.active === b.active && a.onOpen === b.onOpen,
) as typeof TableRow;

