/**
 * Applies the theme: the setting (system/light/dark) resolved against the OS preference, as
 * `data-theme` on <html> so the CSS variables of styles/theme.css switch. Follows OS changes live.
 */
import { useEffect } from 'react';
import type { Settings } from '../../contract/admin-api.ts';

/** Keeps <html data-theme> in step with the setting and the OS. */
export function useTheme(preference: Settings['theme'] | undefined): void {
  useEffect(() => {
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = preference === 'dark' || ((preference ?? 'system') === 'system' && media?.matches === true);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media?.addEventListener?.('change', apply);
    return () => media?.removeEventListener?.('change', apply);
  }, [preference]);
}
