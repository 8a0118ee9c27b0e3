/**
 * The cache's SQL schema as versioned migrations (`PRAGMA user_version` is the applied count).
 * Admins open `cache.db` with `sqlite3` for ad-hoc analysis, so names are plain, instants are ISO
 * 8601 text (`2026-11-28T15:04:05.000Z`, which sorts as time) and JSON columns end in `_json`.
 * Never edit a shipped migration: append a new one.
 */
import { ROLLUP_MIGRATION } from './job-rollups.ts';

/** Position used in sort keys when a job has none (not pending): after every real position. */
export const NO_POSITION = 2147483647;

/** SQL for an ISO instant of a jobs row as whole ms since the epoch (null for null). */
const msOf = (instant: string) => `CAST(round((julianday(${instant}) - 2440587.5) * 86400000.0) AS INTEGER)`;
/**
 * A job's wait in ms since the epoch, as the capacity signals read it from migration 14's index:
 * from when it could run (created, or its run-at time if later) until it left the queue (started,
 * or ended without starting; null while it waits). A query must use these very expressions for
 * SQLite to read their values from the index, and the migration is frozen: never edit them.
 */
export const WAIT_FROM_MS = msOf(`max(created_at, ifnull(run_at, ''))`);
export const WAIT_UNTIL_MS = msOf(`coalesce(started_at, CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN finished_at END)`);

export const MIGRATIONS: readonly string[] = [
  // 1: jobs, per-cluster sync state, samples and snapshots.
  `
  CREATE TABLE jobs (
    cluster_id       TEXT    NOT NULL,
    job_id           TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    priority         TEXT    NOT NULL,
    priority_rank    INTEGER NOT NULL,          -- 0 critical … 3 low
    user             TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    duration_ms      INTEGER,
    attempts         INTEGER NOT NULL,
    max_attempts     INTEGER NOT NULL,
    progress         REAL,                      -- percent 0..100
    progress_json    TEXT,                      -- {percent, step, stepIndex, stepCount, message}
    position         INTEGER,                   -- place in line while pending
    eta              TEXT,
    run_at           TEXT,
    last_progress_at TEXT,
    parent_id        TEXT,
    worker_id        TEXT,
    error_message    TEXT,
    error_stack      TEXT,                      -- from the job detail, when fetched
    config_json      TEXT,                      -- from the job detail, when fetched
    result_json      TEXT,                      -- from the job detail, when fetched
    detail_json      TEXT,                      -- the last fetched detail, for offline viewing
    updated_at       TEXT    NOT NULL,          -- the cluster's time of the last change
    cached_at        TEXT    NOT NULL,          -- when this row was last written here
    PRIMARY KEY (cluster_id, job_id)
  );
  CREATE INDEX jobs_created          ON jobs (created_at, cluster_id, job_id);
  CREATE INDEX jobs_cluster_created  ON jobs (cluster_id, created_at, job_id);
  CREATE INDEX jobs_state_created    ON jobs (state, created_at, cluster_id, job_id);
  CREATE INDEX jobs_state_finished   ON jobs (state, ifnull(finished_at, ''), cluster_id, job_id);
  CREATE INDEX jobs_state_priority   ON jobs (state, priority_rank, ifnull(position, ${NO_POSITION}), created_at, cluster_id, job_id);
  CREATE INDEX jobs_type_created     ON jobs (type, created_at);
  CREATE INDEX jobs_user_created     ON jobs (user, created_at);

  -- Counts per (cluster, state, type, priority), kept by triggers, so totals and the summary
  -- never scan the jobs table.
  CREATE TABLE job_counts (
    cluster_id TEXT NOT NULL,
    state      TEXT NOT NULL,
    type       TEXT NOT NULL,
    priority   TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, state, type, priority)
  ) WITHOUT ROWID;
  CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_counts (cluster_id, state, type, priority, n)
      VALUES (new.cluster_id, new.state, new.type, new.priority, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_counts SET n = n - 1
      WHERE cluster_id = old.cluster_id AND state = old.state AND type = old.type AND priority = old.priority;
  END;
  CREATE TRIGGER jobs_count_update AFTER UPDATE OF state, type, priority ON jobs
    WHEN old.state IS NOT new.state OR old.type IS NOT new.type OR old.priority IS NOT new.priority
  BEGIN
    UPDATE job_counts SET n = n - 1
      WHERE cluster_id = old.cluster_id AND state = old.state AND type = old.type AND priority = old.priority;
    INSERT INTO job_counts (cluster_id, state, type, priority, n)
      VALUES (new.cluster_id, new.state, new.type, new.priority, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;

  -- Where each cluster's sync stands: the last applied event id and the history cursor.
  CREATE TABLE sync_state (
    cluster_id       TEXT PRIMARY KEY,
    last_event_id    TEXT,
    history_cursor   TEXT,
    history_complete INTEGER NOT NULL DEFAULT 0,  -- 1 once a full history pull finished
    last_sync_at     TEXT                         -- when the cluster was last heard from
  );

  -- Queue metrics over time (for charts and offline views), one row per queue per sample.
  CREATE TABLE queue_samples (
    cluster_id        TEXT    NOT NULL,
    at                TEXT    NOT NULL,
    type              TEXT    NOT NULL,
    queue_length      INTEGER NOT NULL,
    running           INTEGER NOT NULL,
    wait_p95_ms       REAL,
    rate_per_min      REAL,
    failure_rate      REAL,
    paused            INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, at, type)
  ) WITHOUT ROWID;

  -- System resource samples per node.
  CREATE TABLE resource_samples (
    cluster_id      TEXT NOT NULL,
    node_id         TEXT NOT NULL,
    host            TEXT NOT NULL,
    at              TEXT NOT NULL,
    cpu_percent     REAL NOT NULL,
    memory_percent  REAL NOT NULL,
    disk_io_percent REAL NOT NULL,
    network_percent REAL NOT NULL,
    sample_json     TEXT NOT NULL,
    PRIMARY KEY (cluster_id, node_id, at)
  ) WITHOUT ROWID;
  CREATE INDEX resource_samples_at ON resource_samples (cluster_id, at);

  -- The last live answer of each kind per cluster (summary, queues, workers, info), shown with its
  -- age while the cluster is offline.
  CREATE TABLE snapshots (
    cluster_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    body_json  TEXT NOT NULL,
    PRIMARY KEY (cluster_id, kind)
  ) WITHOUT ROWID;
  `,
  // 2: the table indexes carry the filter columns (state, type, priority, user) after their sort
  // keys, so a filtered page is decided inside the index and only the rows shown are read from the
  // table; user filters get (user, state, created_at) so their totals are index-only counts.
  `
  DROP INDEX jobs_created;
  CREATE INDEX jobs_created ON jobs (created_at, cluster_id, job_id, state, type, priority, user);
  DROP INDEX jobs_cluster_created;
  CREATE INDEX jobs_cluster_created ON jobs (cluster_id, created_at, job_id, state, type, priority, user);
  DROP INDEX jobs_state_created;
  CREATE INDEX jobs_state_created ON jobs (state, created_at, cluster_id, job_id, type, priority, user);
  DROP INDEX jobs_state_finished;
  CREATE INDEX jobs_state_finished ON jobs (state, ifnull(finished_at, ''), cluster_id, job_id, type, priority, user);
  DROP INDEX jobs_state_priority;
  CREATE INDEX jobs_state_priority ON jobs (state, priority_rank, ifnull(position, ${NO_POSITION}), created_at, cluster_id, job_id, type, user);
  DROP INDEX jobs_user_created;
  CREATE INDEX jobs_user_state ON jobs (user, state, created_at, cluster_id, job_id);
  `,
  // 3: alerts of every cluster (firing and resolved, mirrored from the cluster) and the desktop's
  // own alerts about a cluster (source 'desktop'), browsable offline. The Alert as the cluster
  // sent it is kept whole in alert_json; the columns are what the Alerts screen filters and sorts by.
  `
  CREATE TABLE alerts (
    cluster_id  TEXT NOT NULL,
    alert_id    TEXT NOT NULL,
    source      TEXT NOT NULL,              -- cluster | desktop
    rule_id     TEXT NOT NULL,
    state       TEXT NOT NULL,              -- firing | resolved
    severity    TEXT NOT NULL,              -- warning | critical
    started_at  TEXT NOT NULL,
    resolved_at TEXT,
    alert_json  TEXT NOT NULL,
    cached_at   TEXT NOT NULL,
    PRIMARY KEY (cluster_id, alert_id)
  );
  CREATE INDEX alerts_started ON alerts (started_at, cluster_id, alert_id);
  CREATE INDEX alerts_state_started ON alerts (state, started_at, cluster_id, alert_id);
  `,
  // 4: failure patterns. Each failed job names its group (`failure_group_id`); `failure_groups` is
  // one row per pattern an admin can join on; `failure_group_hours` counts arrivals per hour, cluster
  // and user (trend, filters, affected users) so the groups page never scans the jobs; the grouping's
  // own state (templates, merges) is one JSON row, loaded at start. `detail_updated_at` is the record
  // time the stored detail (config, stack, result) belongs to: a finished job whose detail is missing
  // or older than its row is in `jobs_detail_wanted`, which the sync works through in small batches.
  `
  ALTER TABLE jobs ADD COLUMN failure_group_id TEXT;
  ALTER TABLE jobs ADD COLUMN failure_seen_at TEXT;
  ALTER TABLE jobs ADD COLUMN detail_updated_at TEXT;
  CREATE INDEX jobs_failure_group ON jobs (failure_group_id, state, finished_at) WHERE failure_group_id IS NOT NULL;
  CREATE INDEX jobs_detail_wanted ON jobs (cluster_id, state, finished_at)
    WHERE state IN ('failed', 'completed') AND detail_updated_at IS NOT updated_at;
  CREATE TABLE failure_groups (
    group_id        TEXT PRIMARY KEY,
    signature       TEXT NOT NULL,              -- the message template, parameters masked
    category        TEXT NOT NULL,              -- invalid-parameters, data-not-available, limit-exceeded, timeout, worker-lost, other
    job_type        TEXT NOT NULL,
    error_kind      TEXT NOT NULL,
    top_frames_json TEXT NOT NULL,
    job_count       INTEGER NOT NULL DEFAULT 0, -- cached jobs that name this group
    first_seen_at   TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    merged_into     TEXT                        -- set when an admin merged it into another group
  );
  CREATE INDEX failure_groups_last_seen ON failure_groups (last_seen_at) WHERE merged_into IS NULL;
  CREATE TABLE failure_group_hours (
    group_id   TEXT NOT NULL,
    hour       TEXT NOT NULL,                   -- start of the hour, ISO 8601
    cluster_id TEXT NOT NULL,
    user       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (group_id, hour, cluster_id, user)
  ) WITHOUT ROWID;
  CREATE TABLE failure_grouping (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    state_json TEXT NOT NULL,
    saved_at   TEXT NOT NULL
  );
  CREATE TRIGGER jobs_failure_group_delete AFTER DELETE ON jobs WHEN old.failure_group_id IS NOT NULL BEGIN
    UPDATE failure_groups SET job_count = job_count - 1 WHERE group_id = old.failure_group_id;
  END;
  `,
  // 5: a running job whose worker node the cluster declared lost (1) until it is recovered or ends.
  `
  ALTER TABLE jobs ADD COLUMN worker_lost INTEGER NOT NULL DEFAULT 0;
  `,
  // 6: the Jobs view's text search (job-text-search.ts): an FTS5 trigram index of id, user, error
  // and configuration over the jobs table's own rows (external content, no second copy of the
  // text), kept in step by triggers so every writer keeps it right. Built here for the jobs already
  // cached. Should it ever disagree with the table: INSERT INTO jobs_search(jobs_search) VALUES('rebuild').
  `
  CREATE VIRTUAL TABLE jobs_search USING fts5(
    job_id, user, error_message, config_json,
    content = 'jobs', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 0'
  );
  INSERT INTO jobs_search (jobs_search) VALUES ('rebuild');
  CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_search (rowid, job_id, user, error_message, config_json)
      VALUES (new.rowid, new.job_id, new.user, new.error_message, new.config_json);
  END;
  CREATE TRIGGER jobs_search_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_search (jobs_search, rowid, job_id, user, error_message, config_json)
      VALUES ('delete', old.rowid, old.job_id, old.user, old.error_message, old.config_json);
  END;
  CREATE TRIGGER jobs_search_update AFTER UPDATE OF job_id, user, error_message, config_json ON jobs
    WHEN old.job_id IS NOT new.job_id OR old.user IS NOT new.user
      OR old.error_message IS NOT new.error_message OR old.config_json IS NOT new.config_json
  BEGIN
    INSERT INTO jobs_search (jobs_search, rowid, job_id, user, error_message, config_json)
      VALUES ('delete', old.rowid, old.job_id, old.user, old.error_message, old.config_json);
    INSERT INTO jobs_search (rowid, job_id, user, error_message, config_json)
      VALUES (new.rowid, new.job_id, new.user, new.error_message, new.config_json);
  END;
  `,
  // 7: failure patterns read at two grains, so the groups page reads a few thousand rows, not one
  // per hour, cluster and user: per group, hour and cluster (counts and trends), and per group, day,
  // cluster and user (the users column). failure_group_hours keeps the fine grain for user filters.
  `
  CREATE TABLE failure_group_trend (
    group_id   TEXT NOT NULL,
    hour       TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (group_id, hour, cluster_id)
  ) WITHOUT ROWID;
  CREATE INDEX failure_group_trend_hour ON failure_group_trend (hour, group_id, cluster_id, n);
  CREATE TABLE failure_group_users (
    group_id   TEXT NOT NULL,
    day        TEXT NOT NULL,                   -- YYYY-MM-DD (UTC)
    cluster_id TEXT NOT NULL,
    user       TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (group_id, day, cluster_id, user)
  ) WITHOUT ROWID;
  INSERT INTO failure_group_trend (group_id, hour, cluster_id, n)
    SELECT group_id, hour, cluster_id, sum(n) FROM failure_group_hours GROUP BY group_id, hour, cluster_id;
  INSERT INTO failure_group_users (group_id, day, cluster_id, user, n)
    SELECT group_id, substr(hour, 1, 10), cluster_id, user, sum(n) FROM failure_group_hours GROUP BY group_id, substr(hour, 1, 10), cluster_id, user;
  `,
  // 8: each queue sample also keeps the jobs ready to run (the backlog the load model forecasts;
  // queue_length counts pending jobs scheduled for later or waiting for others too). Null in
  // samples taken before, and from clusters that do not report it.
  `
  ALTER TABLE queue_samples ADD COLUMN ready INTEGER;
  `,
  // 9: what a job's process used (CPU % of one core, mean over its run, and peak memory, from its
  // last progress report), for the resource report's use by job type; and its wait in ms (from when
  // it could run, created or its run-at time if later, to its start), written with the row so
  // reports sum and rank waits without date arithmetic per row. Reports read a month of jobs at a
  // time, by creation or by end: these two indexes hold every column those reads use, so a report
  // walks one index instead of looking up a million wide rows (errors, configs and details make a
  // table row several times an index entry).
  `
  ALTER TABLE jobs ADD COLUMN cpu_percent REAL;
  ALTER TABLE jobs ADD COLUMN peak_rss_bytes INTEGER;
  ALTER TABLE jobs ADD COLUMN wait_ms INTEGER;
  UPDATE jobs SET wait_ms = CAST(max(0, round((julianday(started_at) - julianday(max(created_at, ifnull(run_at, '')))) * 86400000.0)) AS INTEGER)
    WHERE started_at IS NOT NULL;
  CREATE INDEX jobs_report_created  ON jobs (cluster_id, created_at, user, type, state, duration_ms, wait_ms, started_at, run_at, finished_at);
  CREATE INDEX jobs_report_finished ON jobs (cluster_id, finished_at, state, type, duration_ms, wait_ms, cpu_percent, peak_rss_bytes);
  `,
  // 10: each time a job got stuck, and how it left that state (what the daily summary reports as
  // "what was done about it"): the state it moved to and the job's error then (a force stop's
  // reason). Kept by triggers, so every way a row changes (events, history pages, live refresh)
  // records it; an episode stays open while the job is stuck. Jobs stuck when the table is made
  // start an episode now.
  `
  CREATE TABLE stuck_episodes (
    cluster_id TEXT NOT NULL,
    job_id     TEXT NOT NULL,
    stuck_at   TEXT NOT NULL,
    type       TEXT NOT NULL,
    user       TEXT NOT NULL,
    ended_at   TEXT,
    outcome    TEXT,                  -- the state it moved to; 'removed' when deleted; null while stuck
    reason     TEXT,                  -- the job's error message when it moved on
    PRIMARY KEY (cluster_id, job_id, stuck_at)
  ) WITHOUT ROWID;
  CREATE INDEX stuck_episodes_at ON stuck_episodes (stuck_at, cluster_id);
  CREATE TRIGGER jobs_stuck_insert AFTER INSERT ON jobs WHEN new.state = 'stuck' BEGIN
    INSERT INTO stuck_episodes (cluster_id, job_id, stuck_at, type, user)
      VALUES (new.cluster_id, new.job_id, new.updated_at, new.type, new.user)
      ON CONFLICT DO UPDATE SET ended_at = NULL, outcome = NULL, reason = NULL;
  END;
  CREATE TRIGGER jobs_stuck_begin AFTER UPDATE OF state ON jobs WHEN new.state = 'stuck' AND old.state IS NOT 'stuck' BEGIN
    INSERT OR IGNORE INTO stuck_episodes (cluster_id, job_id, stuck_at, type, user)
      VALUES (new.cluster_id, new.job_id, new.updated_at, new.type, new.user);
  END;
  CREATE TRIGGER jobs_stuck_end AFTER UPDATE OF state ON jobs WHEN old.state = 'stuck' AND new.state IS NOT 'stuck' BEGIN
    UPDATE stuck_episodes SET ended_at = new.updated_at, outcome = new.state, reason = new.error_message
      WHERE cluster_id = old.cluster_id AND job_id = old.job_id AND ended_at IS NULL;
  END;
  CREATE TRIGGER jobs_stuck_removed AFTER DELETE ON jobs WHEN old.state = 'stuck' BEGIN
    UPDATE stuck_episodes SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), outcome = 'removed'
      WHERE cluster_id = old.cluster_id AND job_id = old.job_id AND ended_at IS NULL;
  END;
  INSERT INTO stuck_episodes (cluster_id, job_id, stuck_at, type, user)
    SELECT cluster_id, job_id, updated_at, type, user FROM jobs WHERE state = 'stuck';
  `,
  // 11: per-hour roll-ups of the jobs (counts, sums, and histograms for percentiles) kept by
  // triggers, so reports over a month read thousands of rows instead of every job (job-rollups.ts).
  ROLLUP_MIGRATION,
  // 12: users are searched on their own (job-text-search.ts): a few hundred user names repeated
  // over every job would put their trigrams in nearly every row of jobs_search, and any text
  // sharing one (a user's name, "ser") would read the whole index. Each name is kept once in
  // job_users with the number of cached jobs that have it (kept by triggers; a name goes with its
  // last job), under its own trigram index; jobs_search is rebuilt over id, error and configuration.
  `
  DROP TRIGGER jobs_search_insert;
  DROP TRIGGER jobs_search_delete;
  DROP TRIGGER jobs_search_update;
  DROP TABLE jobs_search;
  CREATE VIRTUAL TABLE jobs_search USING fts5(
    job_id, error_message, config_json,
    content = 'jobs', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 0'
  );
  INSERT INTO jobs_search (jobs_search) VALUES ('rebuild');
  CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_search (rowid, job_id, error_message, config_json)
      VALUES (new.rowid, new.job_id, new.error_message, new.config_json);
  END;
  CREATE TRIGGER jobs_search_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_search (jobs_search, rowid, job_id, error_message, config_json)
      VALUES ('delete', old.rowid, old.job_id, old.error_message, old.config_json);
  END;
  CREATE TRIGGER jobs_search_update AFTER UPDATE OF job_id, error_message, config_json ON jobs
    WHEN old.job_id IS NOT new.job_id OR old.error_message IS NOT new.error_message OR old.config_json IS NOT new.config_json
  BEGIN
    INSERT INTO jobs_search (jobs_search, rowid, job_id, error_message, config_json)
      VALUES ('delete', old.rowid, old.job_id, old.error_message, old.config_json);
    INSERT INTO jobs_search (rowid, job_id, error_message, config_json)
      VALUES (new.rowid, new.job_id, new.error_message, new.config_json);
  END;

  CREATE TABLE job_users (
    user TEXT    NOT NULL UNIQUE,
    n    INTEGER NOT NULL              -- cached jobs of this user
  );
  CREATE VIRTUAL TABLE job_users_search USING fts5(
    user, content = 'job_users', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 0'
  );
  CREATE TRIGGER job_users_search_insert AFTER INSERT ON job_users BEGIN
    INSERT INTO job_users_search (rowid, user) VALUES (new.rowid, new.user);
  END;
  CREATE TRIGGER job_users_search_delete AFTER DELETE ON job_users BEGIN
    INSERT INTO job_users_search (job_users_search, rowid, user) VALUES ('delete', old.rowid, old.user);
  END;
  INSERT INTO job_users (user, n) SELECT user, count(*) FROM jobs GROUP BY user;
  CREATE TRIGGER jobs_user_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_users (user, n) VALUES (new.user, 1) ON CONFLICT (user) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER jobs_user_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_users SET n = n - 1 WHERE user = old.user;
    DELETE FROM job_users WHERE user = old.user AND n <= 0;
  END;
  CREATE TRIGGER jobs_user_update AFTER UPDATE OF user ON jobs WHEN old.user IS NOT new.user BEGIN
    UPDATE job_users SET n = n - 1 WHERE user = old.user;
    DELETE FROM job_users WHERE user = old.user AND n <= 0;
    INSERT INTO job_users (user, n) VALUES (new.user, 1) ON CONFLICT (user) DO UPDATE SET n = n + 1;
  END;
  `,
  // 13: the failed jobs by cluster and end, with their type and failure pattern, so the capacity
  // signals count a month's timeouts and limit failures from an index alone (a job's row is read
  // only while its failure is not grouped yet, for its message). Only failed jobs are in it.
  `
  CREATE INDEX jobs_failed ON jobs (cluster_id, finished_at, type, failure_group_id) WHERE state = 'failed';
  `,
  // 14: each job's wait as whole ms (WAIT_FROM_MS, WAIT_UNTIL_MS) by cluster and creation, so the
  // capacity signals merge a month of waits without parsing two instants of every job each time.
  `
  CREATE INDEX jobs_waits ON jobs (cluster_id, created_at, type, ${WAIT_FROM_MS}, ${WAIT_UNTIL_MS}, started_at IS NOT NULL);
  `,
];
