/**
 * Where a report reads its jobs from: the per-hour roll-ups (job-rollups.ts) for every whole UTC
 * hour of the period, and the jobs themselves for what is left — a part hour at either end, or the
 * whole period where the time zone is not a whole number of hours off UTC (its local days and
 * hours split UTC hours, so there the reports group the jobs by quarter hour as before).
 */
import { BUCKETS_PER_DOUBLING } from '../cache/job-rollups.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import type { LocalBuckets } from './report-period.ts';
import { registerAggregate } from './sql-aggregate.ts';

const HOUR_MS = 3_600_000;


export interface ReadPlan {
  /** Whole UTC hours read from the roll-ups, [first, end) as `YYYY-MM-DDTHH`; null for none. */
  hours: [string, string] | null;
  /** Instant ranges [from, to) read from the jobs. */
  raw: [string, string][];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function readPlan(fromMs: number, toMs: number, local: Pick<LocalBuckets, 'quarters'>): ReadPlan {
  const first = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const end = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  if (local.quarters || first >= end) return { hours: null, raw: toMs > fromMs ? [[iso(fromMs), iso(toMs)]] : [] };
  const raw: [string, string][] = [];
  if (fromMs < first) raw.push([iso(fromMs), iso(first)]);
  if (end < toMs) raw.push([iso(end), iso(toMs)]);
  return { hours: [iso(first).slice(0, 13), iso(end).slice(0, 13)], raw };
}

/** Largest value a histogram bucket can hold (exclusive), in ms. */
export function bucketEnd(bucket: number): number {
  return bucket === 0 ? 1 : 2 ** (bucket / BUCKETS_PER_DOUBLING);
}

/**
 * Values counted per logarithmic bucket with their sum. A percentile is the mean of the bucket its
 * nearest rank falls in: exact where that bucket holds one distinct value, else within the bucket's
 * width (PERCENTILE_RELATIVE_ERROR).
 */
export class BucketCounts {
  private readonly buckets = new Map<number, [n: number, total: number]>();
  count = 0;

  add(bucket: number, n: number, total: number): void {
    if (n <= 0) return;
    const b = this.buckets.get(bucket);
    if (b) {
      b[0] += n;
      b[1] += total;
    } else this.buckets.set(bucket, [n, total]);
    this.count += n;
  }

  addAll(other: BucketCounts): void {
    for (const [bucket, [n, total]] of other.buckets) this.add(bucket, n, total);
  }

  /** Nearest-rank percentile (as percentileOf), from the buckets; null without values. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const [n, total] = this.buckets.get(bucket)!;
      seen += n;
      if (seen >= rank) return total / n;
    }
    return null;
  }
}

/**
 * The whole hours of a plan split at local midnights: [first hour, end hour, local day] for each
 * local day (whole-hour zones only). Summing histograms one day at a time groups a few thousand
 * rows per query; one query naming each hour's day groups them all in one sort, about twice as slow.
 */
export function localDayHours(hours: [string, string], local: LocalBuckets): [from: string, to: string, day: string][] {
  const days: [string, string, string][] = [];
  for (let ms = Date.parse(`${hours[0]}:00:00.000Z`), end = Date.parse(`${hours[1]}:00:00.000Z`); ms < end; ms += HOUR_MS) {
    const key = iso(ms).slice(0, 13);
    const { day } = local.of(key);
    const last = days[days.length - 1];
    if (last && last[2] === day) continue;
    if (last) last[1] = key;
    days.push([key, hours[1], day]);
  }
  return days;
}

/** The SQL aggregate bucket_sums(key, kind, bucket, n, total): n and total summed per key, kind and bucket. */
export const BUCKET_SUMS = 'bucket_sums';

/** Per key: n and total of bucket b and kind k at [2 * (2b + k)], [2 * (2b + k) + 1]; grown as buckets come. */
type KeySums = Map<string, Float64Array>;

/**
 * Runs `sql`, a SELECT of one bucket_sums(key, kind, bucket, n, total) over histogram rows (key a
 * text such as a type, kind 0 or 1 such as whether the row is of waits), and returns the sums per
 * key, kind and bucket as [key, kind, bucket, n, total]. The rows are summed as SQLite reads them:
 * a GROUP BY sorts every row of a day's histograms first, which took longer than reading them.
 */
export function bucketSums(db: SqliteDatabase, sql: string, params: readonly unknown[]): [key: string, kind: number, bucket: number, n: number, total: number][] {
  registerAggregate(db, BUCKET_SUMS, {
    start: (): KeySums => new Map(),
    step: (keys: KeySums, key: string, kind: number, bucket: number, n: number, total: number) => {
      if (kind !== 0 && kind !== 1) throw new Error(`bucket_sums: kind ${kind} is not 0 or 1`);
      const at = 2 * (2 * bucket + kind);
      let sums = keys.get(key);
      if (!sums || at >= sums.length) {
        const grown = new Float64Array(Math.max(1024, 2 * (at + 2)));
        if (sums) grown.set(sums);
        keys.set(key, (sums = grown));
      }
      sums[at]! += n;
      sums[at + 1]! += total;
      return keys;
    },
    result: (keys) => {
      const out: [string, number, number, number, number][] = [];
      for (const [key, sums] of keys) for (let at = 0; at < sums.length; at += 2) if (sums[at]! > 0) out.push([key, (at / 2) % 2, Math.floor(at / 4), sums[at]!, sums[at + 1]!]);
      return JSON.stringify(out);
    },
  });
  const json = db.prepare(sql).pluck().get(...params) as string | null;
  return json === null ? [] : (JSON.parse(json) as [string, number, number, number, number][]);
}
