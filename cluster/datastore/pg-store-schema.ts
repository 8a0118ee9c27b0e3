/**
 * Tables of the SharedStore on PostgreSQL, in their own schema next to BullMQ's (`bullmq`).
 * Created idempotently at start (CREATE … IF NOT EXISTS under an advisory lock, so several nodes
 * starting at once do not race).
 */

/** Advisory lock keys (two-int form: class, object) — class 0x5349474d spells "SIGM". */
export const LOCK_CLASS = 0x5349474d;
export const LOCK_MIGRATE = 1;
/** Serializes event appends: ids are assigned and committed in order, so readers never see N+1 before N. */
export const LOCK_APPEND = 2;

export function schemaSql(schema: string): string {
  const s = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.counters (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO ${s}.counters (name, value) VALUES ('event', 0), ('job', 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS ${s}.event_log (id bigint PRIMARY KEY, at_ms bigint NOT NULL, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.event_dedup (key text PRIMARY KEY, event_id bigint NOT NULL);
CREATE INDEX IF NOT EXISTS event_dedup_event_idx ON ${s}.event_dedup (event_id);
CREATE TABLE IF NOT EXISTS ${s}.recorder_cursor (queue text PRIMARY KEY, position text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.job_index (
  id text PRIMARY KEY,
  type text NOT NULL,
  priority text NOT NULL,
  user_name text NOT NULL,
  base text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  progress_at bigint,
  created_seq bigint NOT NULL,
  queue_seq bigint NOT NULL,
  change_seq bigint NOT NULL,
  src text NOT NULL,
  s_position bigint NOT NULL,
  s_priority bigint NOT NULL,
  search text NOT NULL,
  record jsonb NOT NULL,
  payload jsonb,
  detached boolean NOT NULL DEFAULT false,
  cancel_intent jsonb,
  removed boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS job_index_created_idx ON ${s}.job_index (created_seq) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_base_created_idx ON ${s}.job_index (base, created_seq) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_finished_idx ON ${s}.job_index (finished_at, id) WHERE NOT removed AND finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS job_index_position_idx ON ${s}.job_index (type, s_position) WHERE NOT removed AND base = 'pending';
CREATE INDEX IF NOT EXISTS job_index_pending_idx ON ${s}.job_index (s_position, id) WHERE NOT removed AND base = 'pending';
CREATE INDEX IF NOT EXISTS job_index_priority_idx ON ${s}.job_index (s_priority, id) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_change_idx ON ${s}.job_index (change_seq);
CREATE INDEX IF NOT EXISTS job_index_type_base_idx ON ${s}.job_index (type, base) WHERE NOT removed;
CREATE TABLE IF NOT EXISTS ${s}.audit (id bigserial PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.settings (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.resource_sample (id bigserial PRIMARY KEY, node_id text NOT NULL, at_ms bigint NOT NULL, body jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS resource_sample_at_idx ON ${s}.resource_sample (at_ms);
`;
}
