/**
 * Text for the PDF's built-in fonts (Helvetica, WinAnsi encoding): characters the encoding lacks
 * are spelled out where there is a plain equivalent and shown as '?' otherwise, so a user name in
 * another script never turns into garbage or breaks the layout; Unicode direction controls are
 * dropped as marks ('?') for the same reason they are made visible in the app.
 */

/** WinAnsi (cp1252) beyond Latin-1: the code points pdfkit's standard fonts can show. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SPELLED: Record<string, string> = { '≥': '>=', '≤': '<=', '→': '->', '←': '<-', '≈': '~', '−': '-', '✓': 'yes', '⟳': '(R)', '…': '…' };

export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch)) out += ch;
    else if (SPELLED[ch] !== undefined) out += SPELLED[ch];
    else if (ch === '\n' || ch === '\t') out += ' ';
    else out += '?';
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

export function formatChange(ratio: number | null): string {
  if (ratio === null) return '—';
  const pct = ratio * 100;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(0)}%`;
}

export function formatCount(n: number | null): string {
  return n === null ? '—' : Math.round(n).toLocaleString('en-US');
}

export function formatInstant(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export { formatBytes } from '../../../../contract/format.ts';
