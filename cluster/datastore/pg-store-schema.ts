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

export function schemaSql(schema: string, bullmqSchema: string): string {
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
  ready boolean NOT NULL DEFAULT true,
  bull_seq bigint,
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
-- Tables made before these columns counted every pending job in line: so do their rows until their
-- next change or reconciliation, which compares it with BullMQ; a row without BullMQ's seq that joins
-- the line goes to its back (adding a column with a constant default rewrites nothing).
ALTER TABLE ${s}.job_index ADD COLUMN IF NOT EXISTS ready boolean NOT NULL DEFAULT true;
ALTER TABLE ${s}.job_index ADD COLUMN IF NOT EXISTS bull_seq bigint;
CREATE INDEX IF NOT EXISTS job_index_created_idx ON ${s}.job_index (created_seq) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_base_created_idx ON ${s}.job_index (base, created_seq) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_finished_idx ON ${s}.job_index (finished_at, id) WHERE NOT removed AND finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS job_index_position_idx ON ${s}.job_index (type, s_position) WHERE NOT removed AND base = 'pending';
CREATE INDEX IF NOT EXISTS job_index_pending_idx ON ${s}.job_index (s_position, id) WHERE NOT removed AND base = 'pending';
CREATE INDEX IF NOT EXISTS job_index_priority_idx ON ${s}.job_index (s_priority, id) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_change_idx ON ${s}.job_index (change_seq);
CREATE INDEX IF NOT EXISTS job_index_tombstone_idx ON ${s}.job_index (change_seq) WHERE removed;
CREATE INDEX IF NOT EXISTS job_index_type_base_idx ON ${s}.job_index (type, base) WHERE NOT removed;
CREATE INDEX IF NOT EXISTS job_index_user_created_idx ON ${s}.job_index (user_name, created_seq) WHERE NOT removed;
CREATE TABLE IF NOT EXISTS ${s}.audit (id bigserial PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.settings (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.resource_sample (id bigserial PRIMARY KEY, node_id text NOT NULL, at_ms bigint NOT NULL, body jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS resource_sample_at_idx ON ${s}.resource_sample (at_ms);
CREATE TABLE IF NOT EXISTS ${s}.idempotency_key (key text PRIMARY KEY, entry jsonb NOT NULL, expires_at_ms bigint NOT NULL);
${recordChangeFunction(schema, bullmqSchema)}
`;
}

/**
 * recordChange(s) as server-side functions: `sq_apply_change` applies one change (dedup check, event
 * id, job-index upsert, event append) and `sq_record_batch` applies a list of them in one
 * transaction under the append lock, so a recorder pays one round trip and one commit per page of
 * BullMQ events instead of several per event. p_row carries the JobRowInput plus `rank`.
 */
function recordChangeFunction(schema: string, bullmqSchema: string): string {
  const s = `"${schema}"`;
  const bull = `"${bullmqSchema}"`;
  return `
DROP FUNCTION IF EXISTS ${s}.sq_apply_change(text[], text, text, bigint, jsonb, jsonb, text, boolean, boolean);
CREATE OR REPLACE FUNCTION ${s}.sq_record_batch(p_changes jsonb, p_cursor_queue text, p_cursor_pos text, p_want_rows boolean,
  p_channel text)
RETURNS TABLE (idx bigint, event_id bigint, row_json jsonb)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE
  v_c jsonb; v_i bigint; v_keys text[]; v_src text; v_mode text; v_row jsonb; v_clear boolean;
  v_id bigint; v_old ${s}.job_index%ROWTYPE; v_found boolean; v_live boolean; v_cs bigint; v_qs bigint;
  v_entering boolean; v_ready boolean; v_bull_seq bigint; v_rank bigint; v_line bigint; v_record jsonb; v_event jsonb; v_job_id text; v_seen bigint;
  v_event_counter bigint; v_job_counter bigint; v_event_start bigint; v_job_start bigint;
BEGIN
  -- One lock for the whole batch: ids are assigned and committed in order, never N+1 before N.
  PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, ${LOCK_APPEND});
  IF p_cursor_queue IS NOT NULL THEN
    INSERT INTO ${s}.recorder_cursor AS c (queue, position) VALUES (p_cursor_queue, p_cursor_pos)
    ON CONFLICT (queue) DO UPDATE SET position = EXCLUDED.position WHERE c.position < EXCLUDED.position;
  END IF;
  -- Counters are read once and written once: updating one row per change inside one transaction
  -- would leave a chain of row versions that every later update walks.
  SELECT value INTO v_event_counter FROM ${s}.counters WHERE name = 'event';
  SELECT value INTO v_job_counter FROM ${s}.counters WHERE name = 'job';
  v_event_start := v_event_counter; v_job_start := v_job_counter;
  FOR v_c, v_i IN SELECT e.value, e.ordinality FROM jsonb_array_elements(p_changes) WITH ORDINALITY AS e LOOP
    v_keys := ARRAY(SELECT jsonb_array_elements_text(v_c->'keys'));
    v_src := v_c->>'src'; v_mode := v_c->>'mode'; v_row := v_c->'row';
    v_clear := COALESCE((v_c->>'clearCancel')::boolean, false);
    v_job_id := NULL; v_seen := NULL;
    SELECT d.event_id INTO v_seen FROM ${s}.event_dedup d WHERE d.key = ANY(v_keys) LIMIT 1;
    -- Recorded already (by another recorder, or by submit under its added key): nothing to write,
    -- so a batch that only repeats another recorder's work commits without a WAL flush.
    IF v_seen IS NOT NULL THEN CONTINUE; END IF;
    v_event_counter := v_event_counter + 1; v_id := v_event_counter;
    IF v_mode = 'job' THEN
      v_job_id := v_row->>'id';
      SELECT * INTO v_old FROM ${s}.job_index WHERE id = v_job_id FOR UPDATE;
      v_found := FOUND;
      IF v_found AND NOT v_old.removed AND v_old.src > v_src THEN
        UPDATE ${s}.job_index SET change_seq = v_id WHERE id = v_job_id;
        v_record := v_old.record;
      ELSE
        v_live := v_found AND NOT v_old.removed;
        IF v_live THEN v_cs := v_old.created_seq;
        ELSE v_job_counter := v_job_counter + 1; v_cs := v_job_counter; END IF;
        -- A row without the flag comes from a node that counted every pending job in line.
        v_ready := COALESCE((v_row->>'ready')::boolean, true);
        -- BullMQ's place of the job in its line (its seq, claimed in (priority, seq) order).
        v_bull_seq := NULL;
        IF (v_row->>'base') = 'pending' THEN
          SELECT b.seq INTO v_bull_seq FROM ${bull}.job b WHERE b.queue = v_row->>'type' AND b.id = v_job_id;
        END IF;
        -- A job joining the line goes to the back of it when BullMQ gave it a new place (run-now's
        -- promote); one whose delay ran out keeps the place it had (BullMQ promotes it with its seq).
        v_entering := (v_row->>'base') = 'pending' AND (NOT v_live OR v_old.base <> 'pending' OR v_old.priority <> (v_row->>'priority')
          OR (v_ready AND NOT v_old.ready AND v_bull_seq IS DISTINCT FROM v_old.bull_seq));
        IF v_entering AND v_live THEN v_job_counter := v_job_counter + 1; v_qs := v_job_counter;
        ELSIF v_live THEN v_qs := v_old.queue_seq;
        ELSE v_qs := v_cs; END IF;
        v_rank := (v_row->>'rank')::bigint;
        -- Jobs out of line sort after every job in line (sortScore), so a count of the range ahead
        -- of a ready job counts only ready jobs.
        v_line := v_rank + CASE WHEN v_ready THEN 0 ELSE ${OUT_OF_LINE_RANK} END;
        v_record := v_row->'record';
        INSERT INTO ${s}.job_index AS j (id, type, priority, user_name, base, paused, ready, bull_seq, created_at, started_at, finished_at,
          progress_at, created_seq, queue_seq, change_seq, src, s_position, s_priority, search, record, payload, detached,
          cancel_intent, removed)
        VALUES (v_job_id, v_row->>'type', v_row->>'priority', v_row->>'user', v_row->>'base', (v_row->>'paused')::boolean, v_ready, v_bull_seq,
          (v_row->>'createdAt')::bigint, (v_row->>'startedAt')::bigint, (v_row->>'finishedAt')::bigint,
          (v_row->>'progressAt')::bigint, v_cs, v_qs, v_id, v_src, v_line * ${SCORE_BAND_SQL} + v_qs, v_rank * ${SCORE_BAND_SQL} + v_cs,
          v_row->>'search', v_record, CASE WHEN jsonb_typeof(v_row->'payload') = 'null' THEN NULL ELSE v_row->'payload' END,
          (v_row->>'detached')::boolean, NULL, false)
        ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, priority = EXCLUDED.priority, user_name = EXCLUDED.user_name,
          base = EXCLUDED.base, paused = EXCLUDED.paused, ready = EXCLUDED.ready, bull_seq = EXCLUDED.bull_seq, created_at = EXCLUDED.created_at, started_at = EXCLUDED.started_at,
          finished_at = EXCLUDED.finished_at, progress_at = EXCLUDED.progress_at, created_seq = EXCLUDED.created_seq,
          queue_seq = EXCLUDED.queue_seq, change_seq = EXCLUDED.change_seq, src = EXCLUDED.src, s_position = EXCLUDED.s_position,
          s_priority = EXCLUDED.s_priority, search = EXCLUDED.search, record = EXCLUDED.record, payload = EXCLUDED.payload,
          detached = EXCLUDED.detached, cancel_intent = CASE WHEN j.removed OR v_clear THEN NULL ELSE j.cancel_intent END,
          removed = false;
      END IF;
      v_event := (v_c->'event') || jsonb_build_object('id', v_id::text, 'job', v_record);
    ELSIF v_mode = 'removed' THEN
      UPDATE ${s}.job_index SET removed = true, change_seq = v_id, src = GREATEST(src, v_src) WHERE id = v_c->>'removedId';
      v_event := (v_c->'event') || jsonb_build_object('id', v_id::text);
    ELSE
      v_event := (v_c->'event') || jsonb_build_object('id', v_id::text);
    END IF;
    INSERT INTO ${s}.event_dedup (key, event_id) SELECT k, v_id FROM unnest(v_keys) k ON CONFLICT DO NOTHING;
    INSERT INTO ${s}.event_log (id, at_ms, body) VALUES (v_id, (v_c->>'at')::bigint, v_event);
    idx := v_i; event_id := v_id;
    row_json := CASE WHEN p_want_rows AND v_job_id IS NOT NULL THEN (SELECT to_jsonb(x) FROM ${s}.job_index x WHERE x.id = v_job_id) END;
    RETURN NEXT;
  END LOOP;
  IF v_event_counter > v_event_start THEN
    UPDATE ${s}.counters SET value = v_event_counter WHERE name = 'event';
    PERFORM pg_notify(p_channel, v_event_counter::text);
  END IF;
  IF v_job_counter > v_job_start THEN UPDATE ${s}.counters SET value = v_job_counter WHERE name = 'job'; END IF;
END;
$fn$;
`;
}

/** SCORE_BAND and OUT_OF_LINE_RANK of shared-store.ts as SQL literals. */
const SCORE_BAND_SQL = '1000000000000000';
const OUT_OF_LINE_RANK = 4;
