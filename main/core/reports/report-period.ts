/**
 * The period a report covers, from a request's days (`from`/`to`, inclusive, in the local time
 * zone) or a relative span (`since: 7d`). Days and hours in reports are local: SQLite's
 * 'localtime' and JavaScript's Date both follow this process's time zone (TZ).
 */
import type { ReportPeriod, ReportRequest } from '../../../contract/reports.ts';
import { MAX_REPORT_DAYS } from '../../../contract/reports.ts';

export class ReportArgumentError extends Error {}

export interface ResolvedPeriod extends ReportPeriod {
  /** Local calendar days the period touches, oldest first. */
  days: string[];
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant in local time. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function localMidnight(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localDay(new Date(y, m - 1, d + 1).getTime());
}

function daysBetween(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  for (let day = localDay(fromMs); localMidnight(day) < toMs; day = nextDay(day)) days.push(day);
  return days;
}

export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

const fmt = (ms: number, withTime: boolean) =>
  new Date(ms).toLocaleString('en-GB', withTime ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', year: 'numeric' });

/** The period of a request; without from/to/since, the last 7 days. */
export function resolvePeriod(request: Pick<ReportRequest, 'from' | 'to' | 'since'>, now: number): ResolvedPeriod {
  let fromMs: number;
  let toMs: number;
  let label: string;
  if (request.from && request.to) {
    fromMs = localMidnight(request.from);
    toMs = localMidnight(nextDay(request.to));
    label = request.from === request.to ? fmt(fromMs, false) : `${fmt(fromMs, false)} – ${fmt(localMidnight(request.to), false)}`;
    if (fromMs > now) throw new ReportArgumentError(`the period starts on ${request.from}, in the future: choose days up to today`);
  } else {
    const spec = request.since ?? '7d';
    const n = Number(spec.slice(0, -1));
    const unitMs = spec.endsWith('h') ? 3_600_000 : DAY_MS;
    toMs = now;
    fromMs = now - n * unitMs;
    label = `last ${n} ${spec.endsWith('h') ? (n === 1 ? 'hour' : 'hours') : n === 1 ? 'day' : 'days'} (to ${fmt(now, true)})`;
  }
  const days = daysBetween(fromMs, toMs);
  if (days.length > MAX_REPORT_DAYS) {
    throw new ReportArgumentError(`the period spans ${days.length} days; a report covers at most ${MAX_REPORT_DAYS}: choose a shorter period`);
  }
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), timeZone: timeZoneName(), label, days, fromMs, toMs };
}

/** The period of the same length just before this one (for "change against the previous period"). */
export function previousPeriod(p: ResolvedPeriod): ResolvedPeriod {
  const length = p.toMs - p.fromMs;
  const fromMs = p.fromMs - length;
  return { ...p, from: new Date(fromMs).toISOString(), to: p.from, fromMs, toMs: p.fromMs, days: daysBetween(fromMs, p.fromMs), label: 'previous period' };
}

/**
 * Reports group rows by UTC time bucket in SQL and turn each bucket into a local day and hour in
 * JavaScript: SQLite's 'localtime' costs a time zone lookup per row where it is not cached (several
 * times the whole query). A bucket is the UTC hour (`2026-12-01T10`, a plain prefix of the ISO
 * text) when the time zone is a whole number of hours off UTC throughout the period, else the
 * quarter hour (`2026-12-01T10:45`): every time zone is a whole number of quarter hours off UTC.
 */
export class LocalBuckets {
  private readonly cache = new Map<string, { day: string; hour: number }>();
  readonly quarters: boolean;

  constructor(period: Pick<ResolvedPeriod, 'fromMs' | 'toMs'>) {
    this.quarters = offsetsOf(period).some((minutes) => minutes % 60 !== 0);
  }

  /** SQL for the bucket of an ISO instant column. */
  sql(column: string): string {
    return this.quarters ? `substr(${column}, 1, 14) || printf('%02d', (CAST(substr(${column}, 15, 2) AS INTEGER) / 15) * 15)` : `substr(${column}, 1, 13)`;
  }

  /** The local day and hour of a bucket as `sql` gives it (memoised per report). */
  of(bucket: string): { day: string; hour: number } {
    let hit = this.cache.get(bucket);
    if (!hit) {
      const d = new Date(bucket.length === 13 ? `${bucket}:00:00.000Z` : `${bucket}:00.000Z`);
      hit = { day: localDay(d.getTime()), hour: d.getHours() };
      this.cache.set(bucket, hit);
    }
    return hit;
  }
}

/** The local offsets from UTC (minutes) a period touches: at its ends and every day between. */
function offsetsOf({ fromMs, toMs }: Pick<ResolvedPeriod, 'fromMs' | 'toMs'>): number[] {
  const offsets = new Set<number>();
  for (let ms = fromMs; ms < toMs; ms += DAY_MS / 4) offsets.add(new Date(ms).getTimezoneOffset());
  offsets.add(new Date(toMs).getTimezoneOffset());
  return [...offsets];
}
