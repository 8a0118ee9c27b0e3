/**
 * Text for the reports' embedded font (pdf-fonts.ts), which has Latin letters only: characters it
 * lacks are spelled out where there is a plain equivalent and shown as '?' otherwise, so a user
 * name in another script never draws as empty boxes; control and format characters (Unicode
 * direction controls among them) become '?' for the same reason they are made visible in the app.
 */
import { fontHas } from './pdf-fonts.ts';

const SPELLED: Record<string, string> = { '≥': '>=', '≤': '<=', '→': '->', '←': '<-', '≈': '~', '✓': 'yes', '⟳': '(R)' };
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\n' || ch === '\t') out += ' ';
    else if (CONTROL_OR_FORMAT.test(ch)) out += '?';
    else if (fontHas(ch.codePointAt(0)!)) out += ch;
    else out += SPELLED[ch] ?? '?';
  }
  return out;
}

export function formatDurationMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const exact = ms / 1000;
  if (exact < 10) return `${exact.toFixed(1)} s`;
  const s = Math.round(exact);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s - min * 60} s`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min - h * 60} min`;
  return `${Math.round(h / 24)} days`;
}

export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

export function formatCount(n: number | null): string {
  return n === null ? '—' : Math.round(n).toLocaleString('en-US');
}

export function formatInstant(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export { formatBytes, formatPointChange, formatRelativeChange } from '../../../../contract/format.ts';
