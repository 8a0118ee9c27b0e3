/**
 * Global keyboard shortcuts: Alt+1…9 and Alt+0 open the sections in sidebar order, "/" focuses the page's
 * search field, "n" opens Submit job. Ignored while typing in a field or when a dialog is open.
 */
import { useEffect } from 'react';
import { useUiStore } from '../store/ui-store.ts';
import { navigate, sectionHref, type Section } from './router.ts';

export const SECTION_ORDER: readonly Section[] = ['dashboard', 'jobs', 'failures', 'alerts', 'queues', 'workers', 'schedules', 'reports', 'clusters', 'settings'];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Installs the global shortcuts while mounted. */
export function useShortcuts(): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (document.querySelector('dialog[open]')) return;
      if (e.altKey && /^Digit[0-9]$/.test(e.code)) {
        // Alt+0 is the tenth section, as on a keyboard's number row.
        const section = SECTION_ORDER[(Number(e.code.slice(5)) + 9) % 10];
        if (!section) return;
        e.preventDefault();
        navigate(sectionHref(section));
        return;
      }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if (e.key === 'n') {
        useUiStore.getState().setSubmitOpen(true);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
