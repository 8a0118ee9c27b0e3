/**
 * Keyboard and mouse behaviour of rows that open something (a job's detail, a queue's jobs): the
 * whole row is the target — a click anywhere but on its own controls, or Enter on the focused row,
 * opens it. Roving tabindex: the table is one tab stop (its active row), ArrowUp/ArrowDown (and
 * Home/End) move between rows, and Tab from the active row reaches that row's controls only, so a
 * keyboard user does not tab through four buttons per row.
 */
import { createContext, useContext, type KeyboardEvent, type MouseEvent } from 'react';

/** Whether the row a control sits in is the table's active row (null outside such tables). */
const RowActiveContext = createContext<boolean | null>(null);
export const RowActiveProvider = RowActiveContext.Provider;

/** tabIndex for a control inside a row: only the active row's controls are tab stops. */
export function useRowTabIndex(): -1 | undefined {
  return useContext(RowActiveContext) === false ? -1 : undefined;
}

/** Elements whose own click or key must not open the row (and dialogs opened from the row). */
const OWN_TARGETS = 'a, button, input, select, textarea, label, summary, dialog, [role="dialog"], [role="menu"]';

/** Rows arrow keys move between (not spacers or placeholders). */
export const NAV_ROW_SELECTOR = 'tr[data-nav-row]';

/** True when a click should open the row: on the row's own cells, not a control, not a text selection. */
function isRowClick(e: MouseEvent<HTMLElement>): boolean {
  if (e.defaultPrevented || e.button !== 0) return false;
  const target = e.target as Element;
  // Dialogs rendered inside a cell (confirmations) are in the row's DOM and React tree.
  if (!e.currentTarget.contains(target) || target.closest(OWN_TARGETS)) return false;
  const selection = window.getSelection?.();
  return !(selection && selection.type === 'Range' && selection.toString().length > 0);
}

/** Props of a row that opens with `open`, `active` being the table's current tab stop. */
export function openableRowProps(active: boolean, open: (() => void) | undefined, onFocus: () => void) {
  return {
    'data-nav-row': '',
    className: open ? 'row-openable' : undefined,
    tabIndex: active ? 0 : -1,
    onFocus(e: React.FocusEvent<HTMLElement>) {
      // Focus of the row or one of its controls makes it the active row.
      if (!(e.target as Element).closest('dialog')) onFocus();
    },
    onClick(e: MouseEvent<HTMLElement>) {
      if (open && isRowClick(e)) open();
    },
    onKeyDown(e: KeyboardEvent<HTMLElement>) {
      if (open && e.key === 'Enter' && e.target === e.currentTarget) {
        e.preventDefault();
        open();
      }
    },
  };
}

/**
 * tbody keydown: ArrowUp/ArrowDown move focus to the previous/next row (from the row or any of
 * its controls), Home/End to the first/last row shown.
 */
export function moveBetweenRows(e: KeyboardEvent<HTMLElement>): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const target = e.target as HTMLElement;
  // Keys inside a dialog, or text fields, keep their own meaning.
  if (target.closest('dialog') || target.matches('input:not([type="checkbox"]), textarea')) return;
  const row = target.closest<HTMLElement>(NAV_ROW_SELECTOR);
  if (!row) return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>(NAV_ROW_SELECTOR));
  const at = rows.indexOf(row);
  const next = e.key === 'Home' ? rows[0] : e.key === 'End' ? rows[rows.length - 1] : rows[at + (e.key === 'ArrowDown' ? 1 : -1)];
  if (next && next !== row) {
    e.preventDefault();
    next.focus();
  } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    // At the first/last row: keep a select's value from changing under the arrow.
    e.preventDefault();
  }
}
