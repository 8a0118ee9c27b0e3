/** Formatting of times, durations, sizes and metric readings, the same everywhere in the UI. */
import type { MetricName } from '../../contract/thresholds.ts';

/** "850 ms", "42 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Time into a run, for a chart axis: "start", "+0.4 s", "+12 s", "+2 min 5 s". */
export function formatElapsed(ms: number): string {
  if (ms === 0) return 'start';
  if (ms >= 60_000) return `+${formatDuration(ms)}`;
  return `+${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const RELATIVE_UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
] as const;

/**
 * "just now", "5 min ago", "in 3 min", "in 1 d 23 h". Rounded to its largest unit, which reads
 * best, except below three of that unit, where rounding would be off by up to a half ("in 1 d" for
 * 47 hours): there the next unit stays.
 */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  if (abs < 5000) return 'just now';
  const text = relativeSpan(abs, RELATIVE_UNITS.findIndex(([, ms]) => abs >= ms));
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

function relativeSpan(abs: number, i: number): string {
  const [unit, ms] = RELATIVE_UNITS[i]!;
  const next = RELATIVE_UNITS[i + 1];
  // Counted in the smallest unit shown, so rounding can carry into the larger one.
  const step = next && abs < 3 * ms ? next[1] : ms;
  const rounded = Math.round(abs / step) * step;
  // 59 min 45 s rounds to an hour: said in hours.
  if (i > 0 && rounded >= RELATIVE_UNITS[i - 1]![1]) return relativeSpan(rounded, i - 1);
  const whole = Math.floor(rounded / ms);
  const part = Math.round((rounded - whole * ms) / step);
  return part && next ? `${whole} ${unit} ${part} ${next[0]}` : `${whole} ${unit}`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Time of day for today's instants, date and time otherwise. */
export function formatTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return now - t < 20 * 3600_000 && t - now < 3600_000 ? timeFmt.format(t) : dateTimeFmt.format(t);
}

const minuteFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** As formatTime to the minute, for table columns sized to it (the full time goes in a tooltip). */
export function formatTimeToMinute(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return now - t < 20 * 3600_000 && t - now < 3600_000 ? minuteFmt.format(t) : dateTimeFmt.format(t);
}

/** Full date and time, for tooltips and detail views. */
export function formatFullTime(iso: string | null | undefined): string {
  return iso ? fullFmt.format(Date.parse(iso)) : '—';
}

export { formatBytes, formatRelativeChange } from '../../contract/format.ts';

/** 0.1234 → "12.3%". */
export function formatRatio(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

/** A reading in the unit of its metric. */
export function formatMetric(metric: MetricName, value: number | null): string {
  if (value === null) return '—';
  switch (metric) {
    case 'queueLength':
      return formatCountOf(Math.round(value), 'job');
    case 'waitTimeMs':
      return formatDuration(value);
    case 'processingRatePerMin':
      return `${value < 10 ? value.toFixed(1) : Math.round(value)}/min`;
    case 'failureRate':
      return formatRatio(value);
    default:
      return `${Math.round(value)}%`;
  }
}

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

/** (1, 'job') → "1 job"; (12345, 'job') → "12,345 jobs". */
export function formatCountOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** camelCase / kebab-case key → "Sentence case" label. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
