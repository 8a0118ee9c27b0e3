/**
 * The Jobs view's table: TanStack Virtual windows the rows (only what is on screen is in the DOM,
 * so 100,000 jobs scroll like 100), TanStack Table renders the window with the shared column
 * definitions. Rows not loaded yet show as placeholders while their page loads. A real <table>
 * with spacer rows keeps table semantics; aria-rowcount/aria-rowindex give the true size.
 * A click on a row or Enter opens the job; the table is one tab stop (row-navigation.tsx).
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flexRender, useTable, type Row } from '@tanstack/react-table';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { tableFeaturesNone, type Features, type TableColumn } from '../../components/data-table.tsx';
import { moveBetweenRows, openableRowProps, RowActiveProvider } from '../../components/row-navigation.tsx';
import { jobHref, navigate } from '../../app/router.ts';
import { jobKey, useUiStore } from '../../store/ui-store.ts';
import { PAGE_SIZE } from './job-page-loader.ts';
import { RowSlots } from './row-slots.ts';
import type { JobPages } from './use-job-pages.ts';

export const ROW_HEIGHT = 34;
// Rows drawn beyond the scroller's edges: a few, since every drawn row costs each frame of a fast
// scroll. Pages are asked for a page ahead, so rows are loaded before they come in view.
const OVERSCAN = 3;
const PREFETCH_ROWS = PAGE_SIZE;
const ASSUMED_RECT = { width: 1200, height: 700 };

/**
 * The scroller's size, but a typical viewport while it has no layout (0×0: before the first
 * layout, in a hidden container, in tests) so a window of rows still renders instead of none.
 */
function observeRectWithFallback(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => cb(rect.width === 0 && rect.height === 0 ? ASSUMED_RECT : rect));
}

/** The virtualised job table. */
export function VirtualJobTable({ pages, columns, label }: { pages: JobPages; columns: TableColumn<CachedJob>[]; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;
  // The virtualizer's functions are not memoisable; this component re-renders on scroll anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: ASSUMED_RECT,
    observeElementRect: observeRectWithFallback,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1]!.index : 0;
  const { ensure } = pages;
  const [activeIndex, setActiveIndex] = useState(0);
  useEffect(() => {
    if (count > 0) ensure(last + PREFETCH_ROWS);
  }, [last, count, ensure]);

  const first = items.length ? items[0]!.index : 0;
  const windowRows = useMemo(() => pages.rows.slice(first, last + 1), [pages.rows, first, last]);
  const table = useTable({
    features: tableFeaturesNone,
    columns,
    data: windowRows as CachedJob[],
    getRowId: (j: CachedJob) => jobKey(j.clusterId, j.id),
  });
  const rowModel = table.getRowModel().rows;
  const before = items.length ? items[0]!.start : 0;
  const after = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  // The active row is the one tab stop; when it scrolled out of the window, the first loaded row
  // shown takes its place so the table stays reachable.
  const activeShown = activeIndex >= first && activeIndex < first + rowModel.length;
  const firstLoaded = items.find((item) => rowModel[item.index - first])?.index;
  const tabStop = activeShown ? activeIndex : firstLoaded;
  // Rows are keyed by slot, not by job: a job keeps its row while it stays in view, and a row
  // scrolled out hands its DOM to one scrolled in, so a fast scroll updates rows instead of
  // removing and creating every one of them each frame (row-slots.ts).
  const [rowSlots] = useState(() => new RowSlots());
  const slotOf = useMemo(() => rowSlots.assign(rowModel.map((r) => r.id)), [rowSlots, rowModel]);

  return (
    <div className="virtual-scroll" ref={scrollRef} data-testid="jobs-scroll">
      <table className="grid grid-sticky" aria-label={label} aria-rowcount={count + 1}>
        <colgroup>
          {columns.map((c, i) => (
            <col key={c.id ?? i} style={c.layout?.width ? { width: c.layout.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {table.getHeaderGroups()[0]!.headers.map((header) => (
              <th key={header.id} scope="col" className={alignClass(header.column.columnDef as TableColumn<CachedJob>)}>
                {header.id === 'select' ? <SelectAllLoaded rows={pages.rows} /> : <table.FlexRender header={header} />}
              </th>
            ))}
          </tr>
        </thead>
        <tbody onKeyDown={moveBetweenRows}>
          {before > 0 ? <tr className="spacer" style={{ height: before }} aria-hidden="true" /> : null}
          {items.map((item) => {
            const row = rowModel[item.index - first];
            return row ? (
              <VirtualRow key={slotOf.get(row.id)} row={row} original={row.original} index={item.index} active={item.index === tabStop} onActive={setActiveIndex} />
            ) : (
              <tr key={`loading-${item.index}`} className="placeholder-row" aria-rowindex={item.index + 2}>
                <td colSpan={columns.length}>
                  <div className="skeleton-row" />
                </td>
              </tr>
            );
          })}
          {after > 0 ? <tr className="spacer" style={{ height: after }} aria-hidden="true" /> : null}
        </tbody>
      </table>
    </div>
  );
}

function alignClass(def: TableColumn<CachedJob>): string | undefined {
  return def.layout?.align ? `align-${def.layout.align}` : undefined;
}

interface RowViewProps {
  row: Row<Features, CachedJob>;
  original: CachedJob;
  index: number;
  active: boolean;
  onActive: (index: number) => void;
}

function RowView({ row, index, active, onActive }: RowViewProps) {
  const job = row.original;
  const cls = job.state === 'stuck' ? 'row-stuck' : job.state === 'failed' ? 'row-failed' : undefined;
  const nav = openableRowProps(active, () => navigate(jobHref(job.clusterId, job.id)), () => onActive(index));
  const ref = useRef<HTMLTableRowElement>(null);
  // A recycled row now shows another job (its own scrolled out): focus inside it would point at the
  // new job, so it is let go, as when the row was removed.
  useLayoutEffect(() => {
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && focused !== document.body && ref.current?.contains(focused)) focused.blur();
  }, [row.id]);
  return (
    <tr {...nav} ref={ref} className={cls ? `${nav.className} ${cls}` : nav.className} aria-rowindex={index + 2}>
      <RowActiveProvider value={active}>
        {row.getAllCells().map((cell) => (
          // Cells are kept by column as the row is recycled, the actions too: their buttons drop an
          // action's state (its question, its spinner) when they are given another job
          // (ActionButton's target), so it never carries over to another job.
          <td key={cell.column.id} className={alignClass(cell.column.columnDef as TableColumn<CachedJob>)}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        ))}
      </RowActiveProvider>
    </tr>
  );
}

// A row re-renders only when its job record, its position or being the tab stop changed.
const VirtualRow = memo(RowView, (a, b) => a.original === b.original && a.index === b.index && a.active === b.active);

/** Header checkbox: selects or clears every loaded row. */
function SelectAllLoaded({ rows }: { rows: readonly CachedJob[] }) {
  const selectedCount = useUiStore((s) => Object.keys(s.selected).length);
  const setSelected = useUiStore((s) => s.setSelected);
  const all = rows.length > 0 && selectedCount >= rows.length;
  return (
    <input
      type="checkbox"
      className="checkbox"
      aria-label={all ? 'Clear selection' : `Select all ${rows.length} loaded jobs`}
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = selectedCount > 0 && !all;
      }}
      onChange={() => setSelected(rows.map((j) => jobKey(j.clusterId, j.id)), !all)}
    />
  );
}
