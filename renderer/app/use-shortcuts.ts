/**
 * Global keyboard shortcuts: Alt+1…9 open the sections in sidebar order, "/" focuses the page's
 * search field, "n" opens Submit job. Ignored while typing in a field or when a dialog is open.
 */
import { useEffect } from 'react';
import { useUiStore } from '../store/ui-store.ts';
import { navigate, sectionHref, type Section } from './router.ts';

export const SECTION_ORDER: readonly Section[] = ['dashboard', 'jobs', 'failures', 'alerts', 'queues', 'workers', 'schedules', 'clusters', 'settings'];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Installs the global shortcuts while mounted. */
export function useShortcuts(): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (document.querySelector('dialog[open]')) return;
      if (e.altKey && /^Digit[1-9]$/.test(e.code)) {
        e.preventDefault();
        navigate(sectionHref(SECTION_ORDER[Number(e.code.slice(5)) - 1]!));
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
