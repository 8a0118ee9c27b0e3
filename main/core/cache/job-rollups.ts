/**
 * Roll-ups of the jobs table per UTC hour, kept by triggers (migration 11), so a month's report
 * reads thousands of roll-up rows instead of a million jobs:
 * - `job_hours_created`: per cluster, hour of creation, user, type and state — jobs, the run time of
 *   the finished ones, and waits (count and sum);
 * - `job_hours_finished`: per cluster, hour of ending, type and final state (completed, failed,
 *   cancelled) — jobs, run time, waits, and what their processes used (CPU, peak memory);
 * - `job_hour_histograms`: per cluster, metric, hour and type, how many values fell in each
 *   logarithmic bucket and their sum, for percentiles: `run` and `wait` of completed and failed jobs
 *   by the hour they ended, `wait_submitted` of every started job by the hour it was created (type '').
 * Hours are `YYYY-MM-DDTHH`, the first 13 characters of the ISO instant. Every write of a row
 * (insert, change of its state or times, delete) moves its contribution, so the roll-ups always
 * equal the same GROUP BY over the jobs. Rows that drop to zero stay until retention clears them.
 *
 * The SQL here is migration 11's: never edit it once shipped; append a new migration instead.
 */

/** Buckets per doubling of a value: bucket b ≥ 1 holds [2^((b-1)/8), 2^(b/8)) ms, bucket 0 below 1 ms. */
export const BUCKETS_PER_DOUBLING = 8;
/**
 * A percentile read from the buckets is the mean of the bucket the nearest rank falls in, so it is
 * within one bucket's width of the exact value: off by less than 2^(1/8) − 1 ≈ 9.1% of it.
 */
export const PERCENTILE_RELATIVE_ERROR = 2 ** (1 / BUCKETS_PER_DOUBLING) - 1;

/** SQL for the histogram bucket of a non-negative value in ms (needs SQLite's math functions). */
export function bucketSql(value: string): string {
  return `(CASE WHEN ${value} < 1 THEN 0 ELSE 1 + CAST(log2(${value}) * ${BUCKETS_PER_DOUBLING} AS INTEGER) END)`;
}

/** SQL for the UTC hour of an ISO instant column. */
export const hourSql = (column: string) => `substr(${column}, 1, 13)`;

const FINISHED_STATES = `('completed', 'failed', 'cancelled')`;
const runOf = (r: string) => `CASE WHEN ${r}.state IN ${FINISHED_STATES} THEN ifnull(${r}.duration_ms, 0) ELSE 0 END`;
const endedOf = (r: string) => `${r}.state IN ${FINISHED_STATES} AND ${r}.finished_at IS NOT NULL`;
const scoredOf = (r: string) => `${r}.state IN ('completed', 'failed') AND ${r}.finished_at IS NOT NULL`;
const cpuMsOf = (r: string) => `ifnull(${r}.cpu_percent / 100.0 * ifnull(${r}.duration_ms, 0), 0)`;

function addCreated(r: string): string {
  return `INSERT INTO job_hours_created (cluster_id, hour, user, type, state, n, run_ms, wait_n, wait_sum)
      VALUES (${r}.cluster_id, ${hourSql(`${r}.created_at`)}, ${r}.user, ${r}.type, ${r}.state, 1, ${runOf(r)}, ${r}.wait_ms IS NOT NULL, ifnull(${r}.wait_ms, 0))
      ON CONFLICT DO UPDATE SET n = n + 1, run_ms = run_ms + excluded.run_ms, wait_n = wait_n + excluded.wait_n, wait_sum = wait_sum + excluded.wait_sum;`;
}

function subtractCreated(r: string): string {
  return `UPDATE job_hours_created SET n = n - 1, run_ms = run_ms - ${runOf(r)}, wait_n = wait_n - (${r}.wait_ms IS NOT NULL), wait_sum = wait_sum - ifnull(${r}.wait_ms, 0)
      WHERE cluster_id = ${r}.cluster_id AND hour = ${hourSql(`${r}.created_at`)} AND user = ${r}.user AND type = ${r}.type AND state = ${r}.state;`;
}

function addFinished(r: string): string {
  return `INSERT INTO job_hours_finished (cluster_id, hour, type, state, n, dur_n, run_ms, wait_n, wait_sum, cpu_n, cpu_ms, cpu_sum, rss_n, rss_sum, rss_max)
      SELECT ${r}.cluster_id, ${hourSql(`${r}.finished_at`)}, ${r}.type, ${r}.state, 1, ${r}.duration_ms IS NOT NULL, ifnull(${r}.duration_ms, 0),
             ${r}.wait_ms IS NOT NULL, ifnull(${r}.wait_ms, 0), ${r}.cpu_percent IS NOT NULL, ${cpuMsOf(r)}, ifnull(${r}.cpu_percent, 0),
             ${r}.peak_rss_bytes IS NOT NULL, ifnull(${r}.peak_rss_bytes, 0), ${r}.peak_rss_bytes
      WHERE ${endedOf(r)}
      ON CONFLICT DO UPDATE SET n = n + 1, dur_n = dur_n + excluded.dur_n, run_ms = run_ms + excluded.run_ms,
        wait_n = wait_n + excluded.wait_n, wait_sum = wait_sum + excluded.wait_sum,
        cpu_n = cpu_n + excluded.cpu_n, cpu_ms = cpu_ms + excluded.cpu_ms, cpu_sum = cpu_sum + excluded.cpu_sum,
        rss_n = rss_n + excluded.rss_n, rss_sum = rss_sum + excluded.rss_sum,
        rss_max = CASE WHEN rss_max IS NULL OR excluded.rss_max > rss_max THEN excluded.rss_max ELSE rss_max END;`;
}

/** The largest peak memory is not subtractable: when the job holding it leaves, its hour's is read again (from an index). */
function subtractFinished(r: string): string {
  const key = `cluster_id = ${r}.cluster_id AND hour = ${hourSql(`${r}.finished_at`)} AND type = ${r}.type AND state = ${r}.state`;
  return `UPDATE job_hours_finished SET n = n - 1, dur_n = dur_n - (${r}.duration_ms IS NOT NULL), run_ms = run_ms - ifnull(${r}.duration_ms, 0),
        wait_n = wait_n - (${r}.wait_ms IS NOT NULL), wait_sum = wait_sum - ifnull(${r}.wait_ms, 0),
        cpu_n = cpu_n - (${r}.cpu_percent IS NOT NULL), cpu_ms = cpu_ms - ${cpuMsOf(r)}, cpu_sum = cpu_sum - ifnull(${r}.cpu_percent, 0),
        rss_n = rss_n - (${r}.peak_rss_bytes IS NOT NULL), rss_sum = rss_sum - ifnull(${r}.peak_rss_bytes, 0)
      WHERE ${endedOf(r)} AND ${key};
    UPDATE job_hours_finished SET rss_max = (
        SELECT max(peak_rss_bytes) FROM jobs
        WHERE cluster_id = ${r}.cluster_id AND finished_at >= ${hourSql(`${r}.finished_at`)} AND finished_at < ${hourSql(`${r}.finished_at`)} || ';'
          AND state = ${r}.state AND type = ${r}.type)
      WHERE ${endedOf(r)} AND ${key} AND rss_max = ${r}.peak_rss_bytes;`;
}

interface Histogram {
  metric: string;
  when: (r: string) => string;
  hour: (r: string) => string;
  type: (r: string) => string;
  value: (r: string) => string;
}

const HISTOGRAMS: Record<'run' | 'wait' | 'wait_submitted', Histogram> = {
  run: { metric: 'run', when: (r) => `${scoredOf(r)} AND ${r}.duration_ms IS NOT NULL`, hour: (r) => hourSql(`${r}.finished_at`), type: (r) => `${r}.type`, value: (r) => `max(0, ${r}.duration_ms)` },
  wait: { metric: 'wait', when: (r) => `${scoredOf(r)} AND ${r}.wait_ms IS NOT NULL`, hour: (r) => hourSql(`${r}.finished_at`), type: (r) => `${r}.type`, value: (r) => `max(0, ${r}.wait_ms)` },
  wait_submitted: { metric: 'wait_submitted', when: (r) => `${r}.wait_ms IS NOT NULL`, hour: (r) => hourSql(`${r}.created_at`), type: () => `''`, value: (r) => `max(0, ${r}.wait_ms)` },
};

function addToHistogram(h: Histogram, r: string): string {
  return `INSERT INTO job_hour_histograms (cluster_id, metric, hour, type, bucket, n, total)
      SELECT ${r}.cluster_id, '${h.metric}', ${h.hour(r)}, ${h.type(r)}, ${bucketSql(h.value(r))}, 1, ${h.value(r)} WHERE ${h.when(r)}
      ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total;`;
}

function subtractFromHistogram(h: Histogram, r: string): string {
  return `UPDATE job_hour_histograms SET n = n - 1, total = total - ${h.value(r)}
      WHERE ${h.when(r)} AND cluster_id = ${r}.cluster_id AND metric = '${h.metric}' AND hour = ${h.hour(r)} AND type = ${h.type(r)} AND bucket = ${bucketSql(h.value(r))};`;
}

function backfillHistogram(h: Histogram): string {
  return `INSERT INTO job_hour_histograms (cluster_id, metric, hour, type, bucket, n, total)
    SELECT j.cluster_id, '${h.metric}', ${h.hour('j')}, ${h.type('j')}, ${bucketSql(h.value('j'))} AS b, count(*), sum(${h.value('j')})
    FROM jobs j WHERE ${h.when('j')} GROUP BY 1, 3, 4, 5;`;
}

const CREATED_COLUMNS = ['cluster_id', 'created_at', 'user', 'type', 'state', 'duration_ms', 'wait_ms'];
const FINISHED_COLUMNS = ['cluster_id', 'finished_at', 'type', 'state', 'duration_ms', 'wait_ms', 'cpu_percent', 'peak_rss_bytes'];
const changed = (columns: string[]) => columns.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');

/**
 * The roll-ups of every job in the table, as GROUP BY over it: migration 11 fills the new tables
 * with it, and a bulk load (bulk-load.ts) refills them with it after writing without the triggers.
 */
export const ROLLUP_BACKFILL = `INSERT INTO job_hours_created (cluster_id, hour, user, type, state, n, run_ms, wait_n, wait_sum)
    SELECT j.cluster_id, ${hourSql('j.created_at')}, j.user, j.type, j.state, count(*), sum(${runOf('j')}), count(j.wait_ms), ifnull(sum(j.wait_ms), 0)
    FROM jobs j GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO job_hours_finished (cluster_id, hour, type, state, n, dur_n, run_ms, wait_n, wait_sum, cpu_n, cpu_ms, cpu_sum, rss_n, rss_sum, rss_max)
    SELECT j.cluster_id, ${hourSql('j.finished_at')}, j.type, j.state, count(*), count(j.duration_ms), ifnull(sum(j.duration_ms), 0),
           count(j.wait_ms), ifnull(sum(j.wait_ms), 0), count(j.cpu_percent), sum(${cpuMsOf('j')}), ifnull(sum(j.cpu_percent), 0),
           count(j.peak_rss_bytes), ifnull(sum(j.peak_rss_bytes), 0), max(j.peak_rss_bytes)
    FROM jobs j WHERE ${endedOf('j')} GROUP BY 1, 2, 3, 4;
  ${Object.values(HISTOGRAMS).map(backfillHistogram).join('\n  ')}
`;

/** Migration 11: the roll-up tables, their triggers, and the roll-ups of the jobs already cached. */
export const ROLLUP_MIGRATION = `
  CREATE TABLE job_hours_created (
    cluster_id TEXT    NOT NULL,
    hour       TEXT    NOT NULL,              -- UTC hour of creation, YYYY-MM-DDTHH
    user       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    run_ms     INTEGER NOT NULL,              -- run time of the finished ones (completed, failed, cancelled)
    wait_n     INTEGER NOT NULL,              -- jobs with a wait (started)
    wait_sum   INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, hour, user, type, state)
  ) WITHOUT ROWID;
  CREATE TABLE job_hours_finished (
    cluster_id TEXT    NOT NULL,
    hour       TEXT    NOT NULL,              -- UTC hour of ending
    type       TEXT    NOT NULL,
    state      TEXT    NOT NULL,              -- completed | failed | cancelled
    n          INTEGER NOT NULL,
    dur_n      INTEGER NOT NULL,              -- jobs with a run time
    run_ms     INTEGER NOT NULL,
    wait_n     INTEGER NOT NULL,
    wait_sum   INTEGER NOT NULL,
    cpu_n      INTEGER NOT NULL,              -- jobs whose process CPU was measured
    cpu_ms     REAL    NOT NULL,              -- CPU time: CPU % / 100 × run time
    cpu_sum    REAL    NOT NULL,              -- of CPU %
    rss_n      INTEGER NOT NULL,
    rss_sum    INTEGER NOT NULL,
    rss_max    INTEGER,
    PRIMARY KEY (cluster_id, hour, type, state)
  ) WITHOUT ROWID;
  CREATE TABLE job_hour_histograms (
    cluster_id TEXT    NOT NULL,
    metric     TEXT    NOT NULL,              -- run | wait (by hour ended) | wait_submitted (by hour created)
    hour       TEXT    NOT NULL,
    type       TEXT    NOT NULL,              -- '' for wait_submitted
    bucket     INTEGER NOT NULL,              -- see job-rollups.ts: 8 per doubling of the value in ms
    n          INTEGER NOT NULL,
    total      INTEGER NOT NULL,              -- sum of the values (ms), for the bucket's mean
    PRIMARY KEY (cluster_id, metric, hour, type, bucket)
  ) WITHOUT ROWID;
  CREATE TRIGGER jobs_rollup_insert AFTER INSERT ON jobs BEGIN
    ${addCreated('new')}
    ${addFinished('new')}
    ${Object.values(HISTOGRAMS)
      .map((h) => addToHistogram(h, 'new'))
      .join('\n    ')}
  END;
  CREATE TRIGGER jobs_rollup_delete AFTER DELETE ON jobs BEGIN
    ${subtractCreated('old')}
    ${subtractFinished('old')}
    ${Object.values(HISTOGRAMS)
      .map((h) => subtractFromHistogram(h, 'old'))
      .join('\n    ')}
  END;
  CREATE TRIGGER jobs_rollup_update_created AFTER UPDATE OF ${CREATED_COLUMNS.join(', ')} ON jobs
    WHEN ${changed(CREATED_COLUMNS)}
  BEGIN
    ${subtractCreated('old')}
    ${subtractFromHistogram(HISTOGRAMS.wait_submitted, 'old')}
    ${addCreated('new')}
    ${addToHistogram(HISTOGRAMS.wait_submitted, 'new')}
  END;
  CREATE TRIGGER jobs_rollup_update_finished AFTER UPDATE OF ${FINISHED_COLUMNS.join(', ')} ON jobs
    WHEN (old.state IN ${FINISHED_STATES} OR new.state IN ${FINISHED_STATES}) AND (${changed(FINISHED_COLUMNS)})
  BEGIN
    ${subtractFinished('old')}
    ${subtractFromHistogram(HISTOGRAMS.run, 'old')}
    ${subtractFromHistogram(HISTOGRAMS.wait, 'old')}
    ${addFinished('new')}
    ${addToHistogram(HISTOGRAMS.run, 'new')}
    ${addToHistogram(HISTOGRAMS.wait, 'new')}
  END;
  ${ROLLUP_BACKFILL}`;
