/**
 * Capacity signals over days of the cache, per cluster and queue (job type):
 * - jobs waiting: the hours in which jobs were ready and waiting (nearly) throughout, from each
 *   job's wait — from when it could run (created, or its run-at time) to its start — so the whole
 *   period counts, also while the app was closed; hours a queue sample saw it paused are left out;
 * - waits over the threshold: started jobs that waited longer than the cluster's wait threshold;
 * - timeouts and "limit exceeded" failures a day, the last days against the days before, by the
 *   cause of the job's failure pattern (or, before it is grouped, of its message).
 * The period is 24-hour spans back from its end; hours are whole UTC hours.
 */
import {
  CAPACITY_RULES,
  failureTrendSentence,
  recentDaysOf,
  spokenDuration,
  waitingSentence,
  waitsSentence,
  type CapacityFailureCause,
  type CapacitySignals,
  type ClusterWaitThreshold,
  type FailureTrendSignal,
  type QueueCapacity,
  type QueueWaitingSignal,
  type WaitsOverThresholdSignal,
} from '../../../contract/capacity.ts';
import type { FailureCause } from '../../../contract/failures.ts';
import { WAIT_FROM_MS, WAIT_UNTIL_MS } from '../cache/cache-schema.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import { classifyFailure } from '../failures/failure-causes.ts';
import { registerAggregate } from '../reports/sql-aggregate.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/**
 * Jobs created this long before the period are only read while still pending: a job that waited
 * longer than this and started inside the period is left out, which keeps each read on the index.
 */
const LOOKBACK_MS = 7 * DAY;

export interface CapacityScope {
  db: SqliteDatabase;
  clusters: readonly string[];
  fromMs: number;
  toMs: number;
  /** Each cluster's wait threshold (see wait-thresholds.ts). */
  thresholds: readonly ClusterWaitThreshold[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** When the cache's history of a cluster starts: its oldest job (null without jobs). */
function historyStart(db: SqliteDatabase, clusterId: string): number | null {
  const at = db.prepare('SELECT min(created_at) FROM jobs WHERE cluster_id = ?').pluck().get(clusterId) as string | null;
  return at === null ? null : Date.parse(at);
}

/** The queues a cluster has: types with cached jobs, and types sampled in the period. */
function queuesOf(db: SqliteDatabase, clusterId: string, from: string, to: string): string[] {
  return db
    .prepare(
      `SELECT type FROM job_counts WHERE cluster_id = ? AND n > 0
       UNION SELECT DISTINCT type FROM queue_samples WHERE cluster_id = ? AND at >= ? AND at < ?
       ORDER BY 1`,
    )
    .pluck()
    .all(clusterId, clusterId, from, to) as string[];
}

/** A type's waits in the period: the stretches in which its jobs waited, and its started jobs' waits. */
interface TypeWaits {
  /** Disjoint stretches [from, to) in ms, in order of time, as pairs. */
  stretches: Float64Array;
  started: number;
  over: number;
}

/**
 * Merges a type's waits into stretches as they arrive. The jobs come in order of creation, and a
 * job's wait starts when it is created (or later, at its run-at time), so nearly every wait starts
 * at or after the current stretch's start and extends it or opens the next one; the few that start
 * before it are kept apart and merged in at the end. Any order gives the same stretches.
 */
class WaitStretches {
  private closed: number[] = [];
  private early: number[] = [];
  private from = Number.NaN;
  private to = Number.NaN;
  started = 0;
  over = 0;

  add(ready: number, left: number): void {
    if (left <= ready) return;
    if (ready >= this.from) {
      if (ready <= this.to) {
        if (left > this.to) this.to = left;
        return;
      }
      this.closed.push(this.from, this.to);
    } else if (!Number.isNaN(this.from)) {
      this.early.push(ready, left);
      return;
    }
    this.from = ready;
    this.to = left;
  }

  finish(): TypeWaits {
    const open = Number.isNaN(this.from) ? [] : [this.from, this.to];
    const pairs = [...this.closed, ...open];
    const stretches = this.early.length === 0 ? Float64Array.from(pairs) : mergeIntervals(Float64Array.from([...pairs, ...this.early]));
    return { stretches, started: this.started, over: this.over };
  }
}

/**
 * The union of intervals given as pairs [from, to) (each non-empty), as disjoint stretches in order:
 * starts and ends sorted apart as numbers, then swept — a stretch ends where as many waits have
 * ended as started. Waits that touch make one stretch.
 */
export function mergeIntervals(pairs: Float64Array): Float64Array {
  const n = pairs.length / 2;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = pairs[2 * i]!;
    ends[i] = pairs[2 * i + 1]!;
  }
  starts.sort();
  ends.sort();
  const out: number[] = [];
  let open = 0;
  let from = 0;
  for (let i = 0, j = 0; j < n; ) {
    if (i < n && starts[i]! <= ends[j]!) {
      if (open++ === 0) from = starts[i]!;
      i++;
    } else {
      if (--open === 0) out.push(from, ends[j]!);
      j++;
    }
  }
  return Float64Array.from(out);
}

/** The SQL aggregate scanWaits hands each job's wait to. */
const WAITS_AGGREGATE = 'capacity_waits';

function registerWaitsAggregate(db: SqliteDatabase): void {
  registerAggregate(db, WAITS_AGGREGATE, {
    start: () => new Map<string, WaitStretches>(),
    // from, until: ms; counted: 0 or null not started in the period, 1 started in it, 2 started in
    // it after waiting longer than the threshold.
    step: (types: Map<string, WaitStretches>, type: string, from: number, until: number, counted: number | null) => {
      let t = types.get(type);
      if (!t) types.set(type, (t = new WaitStretches()));
      t.add(from, until);
      if (counted !== null && counted > 0) {
        t.started++;
        if (counted === 2) t.over++;
      }
      return types;
    },
    result: (types) =>
      JSON.stringify(
        [...types].map(([type, t]) => {
          const w = t.finish();
          return [type, [...w.stretches], w.started, w.over];
        }),
      ),
  });
}

/**
 * One pass over the jobs whose wait overlaps [fromMs, toMs): each job waits from when it could
 * run until it starts (one that ended without starting, until it ended; one still pending, until
 * the end). The rows are not returned: SQLite hands each wait to an aggregate written in JavaScript
 * (registerWaitsAggregate), which merges them as they come — returning a million rows costs several
 * times reading them. The waits' ends are whole ms kept in an index (WAIT_FROM_MS, WAIT_UNTIL_MS).
 */
function scanWaits(db: SqliteDatabase, clusterId: string, fromMs: number, toMs: number, thresholdMs: number): Map<string, TypeWaits> {
  registerWaitsAggregate(db);
  const waitsOf = (rows: string, counted: string) =>
    db
      .prepare(
        `SELECT ${WAITS_AGGREGATE}(type, ${WAIT_FROM_MS}, ifnull(${WAIT_UNTIL_MS}, :toMs), ${counted})
         FROM jobs WHERE ${rows} AND ${WAIT_FROM_MS} < :toMs AND ifnull(${WAIT_UNTIL_MS} > :fromMs, 1)`,
      )
      .pluck()
      .get({ cluster: clusterId, lookback: iso(fromMs - LOOKBACK_MS), to: iso(toMs), fromMs, toMs, threshold: thresholdMs }) as string | null;
  // Two reads, each along one index: as one OR, SQLite collects the rowids of both and reads every row from the table.
  const recent = waitsOf(
    'cluster_id = :cluster AND created_at >= :lookback AND created_at < :to',
    // As arithmetic: a CASE's condition is compiled as a jump, which the index's 'started_at IS NOT NULL' does not match.
    `(started_at IS NOT NULL) * (${WAIT_UNTIL_MS} >= :fromMs AND ${WAIT_UNTIL_MS} < :toMs) * (1 + (${WAIT_UNTIL_MS} - ${WAIT_FROM_MS} > :threshold))`,
  );
  const stillPending = waitsOf(`state = 'pending' AND created_at < :lookback AND cluster_id = :cluster`, '0');
  const out = new Map<string, TypeWaits>();
  for (const json of [recent, stillPending]) {
    for (const [type, pairs, started, over] of JSON.parse(json ?? '[]') as [string, number[], number, number][]) {
      const before = out.get(type);
      const stretches = before ? mergeIntervals(Float64Array.from([...before.stretches, ...pairs])) : Float64Array.from(pairs);
      out.set(type, { stretches, started: started + (before?.started ?? 0), over: over + (before?.over ?? 0) });
    }
  }
  return out;
}

/**
 * Ms of each whole hour in [startMs, endMs) during which at least one job of a type was ready
 * and not started, from the type's stretches of waiting.
 */
function waitingCoverage(w: TypeWaits | undefined, startMs: number, endMs: number): Float64Array {
  const hours = Math.max(0, Math.round((endMs - startMs) / HOUR));
  const cover = new Float64Array(hours);
  if (!w || hours === 0) return cover;
  for (let k = 0; k < w.stretches.length; k += 2) {
    const from = Math.max(w.stretches[k]!, startMs);
    const to = Math.min(w.stretches[k + 1]!, endMs);
    for (let h = Math.floor((from - startMs) / HOUR); h < hours && startMs + h * HOUR < to; h++) {
      const hs = startMs + h * HOUR;
      cover[h]! += Math.max(0, Math.min(to, hs + HOUR) - Math.max(from, hs));
    }
  }
  return cover;
}

/** Hour indexes (from startMs) in which a queue sample saw the queue paused, per type. */
function pausedHours(db: SqliteDatabase, clusterId: string, startMs: number, endMs: number): Map<string, Set<number>> {
  const rows = db
    .prepare(
      `SELECT DISTINCT type, substr(at, 1, 13) FROM queue_samples
       WHERE cluster_id = ? AND at >= ? AND at < ? AND paused = 1`,
    )
    .raw()
    .all(clusterId, iso(startMs), iso(endMs)) as [string, string][];
  const out = new Map<string, Set<number>>();
  for (const [type, hour] of rows) {
    const h = Math.floor((Date.parse(`${hour}:00:00.000Z`) - startMs) / HOUR);
    if (!out.has(type)) out.set(type, new Set());
    out.get(type)!.add(h);
  }
  return out;
}

function waitingSignal(type: string, cover: Float64Array, paused: Set<number> | undefined, days: number): QueueWaitingSignal {
  let hoursWaiting = 0;
  let hoursCovered = 0;
  let hoursPaused = 0;
  for (let h = 0; h < cover.length; h++) {
    if (paused?.has(h)) {
      hoursPaused++;
      continue;
    }
    hoursCovered++;
    if (cover[h]! >= CAPACITY_RULES.waitingHourCoverage * HOUR) hoursWaiting++;
  }
  const value = hoursCovered >= CAPACITY_RULES.minHours ? hoursWaiting / hoursCovered : null;
  const s = { value, hoursWaiting, hoursCovered, hoursPaused };
  return { ...s, moreCapacityNeeded: value !== null && value >= CAPACITY_RULES.waitingHoursShare, sentence: waitingSentence(type, s, days) };
}

function waitsSignal(type: string, counts: { started: number; over: number } | undefined, thresholdMs: number, days: number): WaitsOverThresholdSignal {
  const started = counts?.started ?? 0;
  const over = counts?.over ?? 0;
  const value = started >= CAPACITY_RULES.minStartedJobs ? over / started : null;
  const s = { value, started, over, thresholdMs };
  return { ...s, moreCapacityNeeded: value !== null && value > CAPACITY_RULES.overThresholdShare, sentence: waitsSentence(type, s, days) };
}

/** Finish times of the failed jobs of the period whose cause is a timeout or a limit, per type and cause. */
function capacityFailures(db: SqliteDatabase, clusterId: string, fromMs: number, toMs: number): Map<string, number[]> {
  // The failed jobs' own index holds all this reads but a message; the planner, not knowing how
  // few jobs fail, might walk the wider index of every job by state and end and read each row.
  const rows = db
    .prepare(
      `SELECT jobs.type, jobs.finished_at, g.category, CASE WHEN g.category IS NULL THEN jobs.rowid END
       FROM jobs INDEXED BY jobs_failed LEFT JOIN failure_groups g ON g.group_id = jobs.failure_group_id
       WHERE jobs.state = 'failed' AND jobs.cluster_id = ? AND jobs.finished_at >= ? AND jobs.finished_at < ?
         AND (g.category IS NULL OR g.category IN ('timeout', 'limit-exceeded'))`,
    )
    .raw()
    .all(clusterId, iso(fromMs), iso(toMs)) as [string, string, FailureCause | null, number | null][];
  const messageOf = db.prepare('SELECT error_message FROM jobs WHERE rowid = ?').pluck();
  const out = new Map<string, number[]>();
  for (const [type, finishedAt, category, rowid] of rows) {
    // The pattern's cause also saw the error's kind and stack; a job not grouped yet has its message.
    const cause = category ?? classifyFailure((messageOf.get(rowid) as string | null) ?? '');
    if (cause !== 'timeout' && cause !== 'limit-exceeded') continue;
    const key = `${type}\u0000${cause}`;
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(Date.parse(finishedAt));
  }
  return out;
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed in log space so large n does not underflow. */
export function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let logPmf = n * Math.log1p(-p);
  const odds = Math.log(p) - Math.log1p(-p);
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += Math.exp(logPmf);
    logPmf += Math.log((n - i) / (i + 1)) + odds;
  }
  return Math.min(1, tail);
}

function trendSignal(
  type: string,
  cause: CapacityFailureCause,
  times: readonly number[],
  o: { fromMs: number; toMs: number; historyFromMs: number | null; days: number },
): FailureTrendSignal {
  const bins = Math.max(1, Math.ceil((o.toMs - o.fromMs) / DAY));
  const perDay = Array.from({ length: bins }, (_, i) => ({ from: iso(o.fromMs + i * DAY), count: 0 }));
  for (const t of times) perDay[Math.min(bins - 1, Math.floor((t - o.fromMs) / DAY))]!.count++;
  const recentDays = Math.min(recentDaysOf(Math.round(o.days)), o.days);
  const recentFrom = o.toMs - recentDays * DAY;
  const earlierFrom = Math.max(o.fromMs, o.historyFromMs ?? o.toMs);
  const earlierDays = Math.max(0, (recentFrom - earlierFrom) / DAY);
  const recent = times.filter((t) => t >= recentFrom).length;
  const earlier = times.filter((t) => t >= earlierFrom && t < recentFrom).length;
  const enough = earlierDays >= 1;
  const recentPerDay = recentDays > 0 ? recent / recentDays : 0;
  const earlierPerDay = enough ? earlier / earlierDays : null;
  const increasing =
    enough &&
    recent >= CAPACITY_RULES.minRecentFailures &&
    recentPerDay >= CAPACITY_RULES.increaseRatio * earlierPerDay! &&
    binomialTail(recent, recent + earlier, recentDays / (recentDays + earlierDays)) < CAPACITY_RULES.significance;
  const s = { value: enough ? recentPerDay : null, cause, total: times.length, recentDays, recentPerDay, earlierDays, earlierPerDay, increasing };
  return { ...s, perDay, moreCapacityNeeded: increasing, sentence: failureTrendSentence(type, s, o.days) };
}

function thresholdNote(t: ClusterWaitThreshold): string {
  const where = t.source === 'cluster' ? 'from the cluster' : t.source === 'cached' ? "the cluster's last answer" : 'the default: the cluster was never asked';
  return `${t.clusterId} ${spokenDuration(t.waitThresholdMs)} (${where})`;
}

/** The capacity signals of every queue of the scope's clusters over [fromMs, toMs). */
export function capacitySignals(scope: CapacityScope): CapacitySignals {
  const { db, fromMs, toMs } = scope;
  const days = (toMs - fromMs) / DAY;
  const from = iso(fromMs);
  const to = iso(toMs);
  const queues: QueueCapacity[] = [];
  for (const clusterId of scope.clusters) {
    const threshold = scope.thresholds.find((t) => t.clusterId === clusterId);
    if (!threshold) throw new Error(`no wait threshold given for cluster ${clusterId}`);
    const types = queuesOf(db, clusterId, from, to);
    if (types.length === 0) continue;
    const historyFromMs = historyStart(db, clusterId);
    // Whole hours the period and the cluster's cached history both cover.
    const startMs = Math.ceil(Math.max(fromMs, historyFromMs ?? toMs) / HOUR) * HOUR;
    const endMs = Math.max(startMs, Math.floor(toMs / HOUR) * HOUR);
    const waits = scanWaits(db, clusterId, fromMs, toMs, threshold.waitThresholdMs);
    const paused = pausedHours(db, clusterId, startMs, endMs);
    const failures = capacityFailures(db, clusterId, fromMs, toMs);
    const trend = { fromMs, toMs, historyFromMs, days };
    for (const type of types) {
      const q = {
        clusterId,
        type,
        waiting: waitingSignal(type, waitingCoverage(waits.get(type), startMs, endMs), paused.get(type), days),
        waitsOverThreshold: waitsSignal(type, waits.get(type), threshold.waitThresholdMs, days),
        timeouts: trendSignal(type, 'timeout', failures.get(`${type}\u0000timeout`) ?? [], trend),
        limitExceeded: trendSignal(type, 'limit-exceeded', failures.get(`${type}\u0000limit-exceeded`) ?? [], trend),
      };
      queues.push({ ...q, moreCapacityNeeded: q.waiting.moreCapacityNeeded || q.waitsOverThreshold.moreCapacityNeeded || q.timeouts.moreCapacityNeeded || q.limitExceeded.moreCapacityNeeded });
    }
  }
  const enoughHistory = queues.some((q) => [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded].some((s) => s.value !== null));
  const thresholds = scope.clusters.map((c) => scope.thresholds.find((t) => t.clusterId === c)!);
  const note = enoughHistory
    ? `Over ${Math.round(days * 10) / 10} days to ${to.slice(0, 16).replace('T', ' ')} UTC. Wait thresholds: ${thresholds.map(thresholdNote).join('; ')}.`
    : queues.length === 0
      ? `Not enough history: the cache holds no jobs of ${scope.clusters.length === 1 ? 'this cluster' : 'these clusters'} yet. The signals need at least a day of jobs.`
      : `Not enough history: the cache reaches back less than a day into this period. The signals need at least ${CAPACITY_RULES.minHours} hours of jobs, ${CAPACITY_RULES.minStartedJobs} started jobs, and a day before the days compared.`;
  return { from, to, days, enoughHistory, note, thresholds, queues };
}
