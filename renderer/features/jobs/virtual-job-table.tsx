/**
 * The Jobs view's table: only the rows in view are in the DOM (row-window.ts works out which, and
 * keeps a list of a million jobs within the height a browser can lay out), so 100,000 jobs scroll
 * like 100; TanStack Table renders them with the shared column definitions. Rows not loaded yet
 * show as placeholders while their page loads. A real <table> with spacer rows keeps table
 * semantics; aria-rowcount/aria-rowindex give the true size. A click on a row or Enter opens the
 * job; the table is one tab stop (row-navigation.tsx).
 */
import { memo, startTransition, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { flexRender, useTable, type Row } from '@tanstack/react-table';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { tableFeaturesNone, type Features, type TableColumn } from '../../components/data-table.tsx';
import { moveBetweenRows, openableRowProps, RowActiveProvider } from '../../components/row-navigation.tsx';
import { jobHref, navigate } from '../../app/router.ts';
import { jobKey, useUiStore } from '../../store/ui-store.ts';
import { PAGE_SIZE } from './job-page-loader.ts';
import { rowWindow } from './row-window.ts';
import { RowSlots } from './row-slots.ts';
import type { JobPages } from './use-job-pages.ts';

export const ROW_HEIGHT = 34;
// Rows drawn beyond the scroller's edges: a few, since every drawn row costs each frame of a fast
// scroll. Pages are asked for a page ahead, so rows are loaded before they come in view.
const OVERSCAN = 3;
// The drawn rows move in steps of this many rows (row-window.ts): at 20 px per frame a slow scroll
// redraws the table about every 7 frames (each edge of the window once per 8 rows) instead of
// nearly every frame.
const BLOCK = 8;
const PREFETCH_ROWS = PAGE_SIZE;
// A typical view's height while the scroller has no layout (before the first layout, in a hidden
// container, in tests), so a window of rows still renders instead of none.
const ASSUMED_VIEW_HEIGHT = 700;

// A fling: the view moves by more than its own height per scroll, again and again (jumps this close
// together). No row can be read at that speed, and drawing a whole new window of rows every frame
// (React, layout and paint of ~30 rows) cost more than a frame on a loaded machine: the rows drawn
// stay while the space passing by reads as rows loading, and the rows in view are drawn once the
// fling slows to less than a view per scroll, or when no scroll came for SETTLE_MS.
const FLING_GAP_MS = 500;
const SETTLE_MS = 150;

interface DrawnView {
  /** The scroller offset the drawn rows are for (during a fling, not where the view is), px. */
  top: number;
  /** The height the rows are seen in (the scroller's, less the sticky header), px. */
  viewport: number;
}

function windowAt(view: DrawnView, count: number) {
  return rowWindow({ scrollTop: view.top, viewport: view.viewport, count, rowHeight: ROW_HEIGHT, overscan: OVERSCAN, block: BLOCK });
}

/**
 * The offset and view height the rows are drawn for, following scrolls and resizes. A scroll that
 * changes the drawn rows renders at once (flushSync), before the frame is painted, so rows never lag
 * behind the scrollbar; a scroll within the drawn rows renders nothing. In a fling the rows drawn
 * stay until it slows. Pages are asked for where the view is, during a fling too, so rows are there
 * when it stops.
 */
function useDrawnView(
  scrollRef: RefObject<HTMLDivElement | null>,
  headRef: RefObject<HTMLTableSectionElement | null>,
  count: number,
  ensure: (index: number) => void,
): DrawnView {
  const [view, setView] = useState<DrawnView>({ top: 0, viewport: ASSUMED_VIEW_HEIGHT });
  // The view whose rows are on screen (committed); `view` can be ahead of it during a transition.
  const shown = useRef(view);
  useLayoutEffect(() => {
    shown.current = view;
  }, [view]);
  const latest = useRef({ count, ensure });
  // Scrolls that kept the drawn rows did not render, so the offset drawn for may be behind the
  // view's: the same rows for the count then, but not always for another count (a list that grows
  // at its end needs its overscan there).
  const redraw = useRef(() => {});
  useLayoutEffect(() => {
    const counted = count !== latest.current.count;
    latest.current = { count, ensure };
    if (counted) redraw.current();
  });
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let drawn = shown.current;
    let viewport = ASSUMED_VIEW_HEIGHT;
    let lastTop = el.scrollTop;
    let lastJumpAt = -Infinity;
    let settle: ReturnType<typeof setTimeout> | null = null;
    // The rows drawn for `a` are where `b` shows its rows and cover its view. Over the height cap
    // the rows drawn move with every offset (row-window.ts), so they never stand in for another's.
    const covers = (a: DrawnView, b: DrawnView) => {
      const w = windowAt(a, latest.current.count);
      if (w.height < latest.current.count * ROW_HEIGHT || b.viewport !== a.viewport) return false;
      return w.before <= b.top && w.before + (w.last - w.first + 1) * ROW_HEIGHT >= b.top + b.viewport;
    };
    const sameRows = (a: DrawnView, b: DrawnView) => {
      const x = windowAt(a, latest.current.count);
      const y = windowAt(b, latest.current.count);
      return x.first === y.first && x.last === y.last && x.before === y.before;
    };
    const draw = (sync: boolean) => {
      const next = { top: el.scrollTop, viewport };
      const moved = next.viewport !== drawn.viewport || !sameRows(drawn, next);
      if (moved) drawn = next;
      if (!sync) {
        if (moved) setView(next);
        return;
      }
      // The window moves a block ahead of the view's edge, so at a slow scroll the rows on screen
      // still cover the view: the new ones render in slices between frames (a transition), and no
      // frame pays for a block of rows at once. Once the rows on screen no longer cover the view
      // (a faster scroll, or a transition not done in time), the rows render before this frame.
      if (!covers(shown.current, next)) {
        if (shown.current !== drawn) flushSync(() => setView(drawn));
      } else if (moved) startTransition(() => setView(next));
    };
    const prefetch = () => {
      const { count, ensure } = latest.current;
      if (count > 0) ensure(windowAt({ top: el.scrollTop, viewport }, count).last + PREFETCH_ROWS);
    };
    const measure = () => {
      viewport = el.clientHeight > 0 ? Math.max(el.clientHeight - (headRef.current?.offsetHeight ?? 0), ROW_HEIGHT) : ASSUMED_VIEW_HEIGHT;
      draw(false);
    };
    const onScroll = (e: Event) => {
      const scrollTop = el.scrollTop;
      const jump = Math.abs(scrollTop - lastTop) > viewport;
      const flinging = jump && e.timeStamp - lastJumpAt < FLING_GAP_MS;
      lastTop = scrollTop;
      if (jump) lastJumpAt = e.timeStamp;
      if (settle) clearTimeout(settle);
      settle = null;
      prefetch();
      if (flinging) settle = setTimeout(() => draw(false), SETTLE_MS);
      else draw(true);
    };
    measure();
    redraw.current = () => draw(false);
    el.addEventListener('scroll', onScroll, { passive: true });
    const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    resizes?.observe(el);
    if (headRef.current) resizes?.observe(headRef.current);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resizes?.disconnect();
      if (settle) clearTimeout(settle);
    };
  }, [scrollRef, headRef]);
  return view;
}

/** The virtualised job table. */
export function VirtualJobTable({ pages, columns, label }: { pages: JobPages; columns: TableColumn<CachedJob>[]; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const count = pages.total ?? 0;
  const { ensure } = pages;
  const drawnView = useDrawnView(scrollRef, headRef, count, ensure);
  const { first, last, before, after } = windowAt(drawnView, count);
  const indexes = useMemo(() => Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i), [first, last]);
  const [activeIndex, setActiveIndex] = useState(0);
  useEffect(() => {
    if (count > 0) ensure(last + PREFETCH_ROWS);
  }, [last, count, ensure]);

  const windowRows = useMemo(() => pages.rows.slice(first, last + 1), [pages.rows, first, last]);
  const table = useTable({
    features: tableFeaturesNone,
    columns,
    data: windowRows as CachedJob[],
    getRowId: (j: CachedJob) => jobKey(j.clusterId, j.id),
  });
  const rowModel = table.getRowModel().rows;
  // The active row is the one tab stop; when it scrolled out of the window, the first loaded row
  // shown takes its place so the table stays reachable.
  const activeShown = activeIndex >= first && activeIndex < first + rowModel.length;
  const firstLoaded = indexes.find((index) => rowModel[index - first]);
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
        <thead ref={headRef}>
          <tr aria-rowindex={1}>
            {table.getHeaderGroups()[0]!.headers.map((header) => (
              <th key={header.id} scope="col" className={alignClass(header.column.columnDef as TableColumn<CachedJob>)}>
                {header.id === 'select' ? <SelectAllLoaded rows={pages.rows} /> : <table.FlexRender header={header} />}
              </th>
            ))}
          </tr>
        </thead>
        <tbody onKeyDown={moveBetweenRows}>
          {before > 0 ? <Spacer height={before} columns={columns.length} /> : null}
          {indexes.map((index) => {
            const row = rowModel[index - first];
            return row ? (
              <VirtualRow key={slotOf.get(row.id)} row={row} original={row.original} index={index} active={index === tabStop} onActive={setActiveIndex} />
            ) : (
              <tr key={`loading-${index}`} className="placeholder-row" aria-rowindex={index + 2}>
                <td colSpan={columns.length}>
                  <div className="skeleton-row" />
                </td>
              </tr>
            );
          })}
          {after > 0 ? <Spacer height={after} columns={columns.length} /> : null}
        </tbody>
      </table>
    </div>
  );
}

/** The space of the rows not drawn; what passes by in a fling, drawn as rows loading (CSS). */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr className="spacer" style={{ height }} aria-hidden="true">
      <td colSpan={columns} />
    </tr>
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
