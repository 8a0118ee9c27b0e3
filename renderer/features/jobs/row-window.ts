/**
 * Which rows of a long list of rows of one fixed height are drawn, and where. Browsers cap an
 * element's height (Chromium near 33.5 million px, and 1,000,000 jobs of 34 px are taller), so a
 * list taller than MAX_LIST_HEIGHT is laid out at that height and the scroller's range stands for
 * the rows' range: a scroll offset shows the same fraction of the list (the top the first row, the
 * bottom the last), and the drawn rows are placed where the offset shows them. A shorter list is
 * laid out at its own height, each offset its own rows.
 */

/** Well under Chromium's cap: the table's header and borders come on top of it. */
export const MAX_LIST_HEIGHT = 24_000_000;

export interface RowWindowInput {
  /** The scroller's offset from the list's top, px. */
  scrollTop: number;
  /** The height the rows are seen in (the scroller's, less a sticky header), px. */
  viewport: number;
  count: number;
  rowHeight: number;
  /** Rows drawn beyond each edge of the view, at least. */
  overscan: number;
  /**
   * The window starts and ends on multiples of this many rows, so an edge of it moves only when
   * the view's edge crosses such a boundary: a slow scroll changes the drawn rows once per `block`
   * rows at each edge instead of at every row (each change is a render, a layout and a paint of
   * the table).
   */
  block?: number;
  maxHeight?: number;
}

export interface RowWindow {
  /** The first and last row drawn; `last` < `first` when none is. */
  first: number;
  last: number;
  /** The space above the first row drawn and below the last, px. */
  before: number;
  after: number;
  /** The list's laid-out height, px. */
  height: number;
  /** The offset into the rows (as if laid out at full height) that the view starts at, px. */
  rowOffset: number;
}

/** The rows to draw at `scrollTop`, and the spacers around them. */
export function rowWindow({ scrollTop, viewport, count, rowHeight, overscan, block = 1, maxHeight = MAX_LIST_HEIGHT }: RowWindowInput): RowWindow {
  const full = count * rowHeight;
  const height = Math.min(full, maxHeight);
  if (count === 0) return { first: 0, last: -1, before: 0, after: 0, height: 0, rowOffset: 0 };
  const range = Math.max(0, height - viewport);
  const fullRange = Math.max(0, full - viewport);
  const rowOffset = Math.min(fullRange, Math.max(0, range > 0 && full > height ? scrollTop * (fullRange / range) : scrollTop));
  const first = Math.max(0, Math.floor((Math.floor(rowOffset / rowHeight) - overscan) / block) * block);
  const last = Math.min(count - 1, Math.ceil((Math.ceil((rowOffset + viewport) / rowHeight) + overscan) / block) * block - 1);
  // Row i is drawn at scrollTop + (i × rowHeight − rowOffset): where the view shows it, on a whole
  // pixel (table rows at a fraction of one are laid out a pixel taller or shorter, unevenly).
  const before = Math.min(Math.max(0, Math.round(scrollTop + first * rowHeight - rowOffset)), Math.max(0, height - (last - first + 1) * rowHeight));
  const after = Math.max(0, height - before - (last - first + 1) * rowHeight);
  return { first, last, before, after, height, rowOffset };
}
