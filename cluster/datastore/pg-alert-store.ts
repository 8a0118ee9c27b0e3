/**
 * AlertStore on PostgreSQL (embedded or an existing server): alert tables in the SharedStore's
 * schema, on a small pool of their own. The evaluation state is one row whose version is checked
 * and bumped in the same UPDATE, with the alert history written in that transaction.
 */
import pg from 'pg';
import { keepClientErrorsHeard } from './bullmq-pg-backend.ts';
import type { AlertDelivery, AlertDeliveryInput } from '../../contract/alert-deliveries.ts';
import type { StoredAlertChannel } from '../../contract/alert-channels.ts';
import { DEFAULT_CLUSTER_ALERT_RULES, type Alert, type AlertSilence, type ClusterAlertRule } from '../../contract/alerts.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';
import type { StoredUserContact } from '../../contract/user-directory.ts';
import {
  EMPTY_ALERT_STATE,
  type AlertHistoryPage,
  type AlertHistoryWrite,
  type AlertListQuery,
  type AlertState,
  type AlertStore,
  type DeliveryListQuery,
  type VersionedAlertState,
} from '../alerts/alert-store.ts';
import { LOCK_CLASS } from './pg-store-schema.ts';
import { clampStoredId } from './shared-store.ts';

/** Advisory lock object of the alert tables' creation (class LOCK_CLASS, like the SharedStore's). */
const LOCK_ALERT_MIGRATE = 10;

function alertSchemaSql(schema: string): string {
  const s = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.alert_meta (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.alert_rule (id text PRIMARY KEY, seq bigserial, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.alert_channel (id text PRIMARY KEY, seq bigserial, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.alert_state (id int PRIMARY KEY, version bigint NOT NULL, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.alert_history (id text PRIMARY KEY, seq bigserial, state text NOT NULL, resolved_ms bigint, body jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS alert_history_state_idx ON ${s}.alert_history (state, seq);
CREATE INDEX IF NOT EXISTS alert_history_seq_idx ON ${s}.alert_history (seq);
CREATE TABLE IF NOT EXISTS ${s}.alert_silence (id text PRIMARY KEY, seq bigserial, until_ms bigint NOT NULL, body jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.alert_delivery (id bigserial PRIMARY KEY, at_ms bigint NOT NULL, channel_id text, alert_ids text[] NOT NULL, body jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS alert_delivery_at_idx ON ${s}.alert_delivery (at_ms);
CREATE INDEX IF NOT EXISTS alert_delivery_channel_idx ON ${s}.alert_delivery (channel_id, id);
CREATE TABLE IF NOT EXISTS ${s}.alert_user (user_name text PRIMARY KEY, body jsonb NOT NULL);
`;
}

/** Opens the store on a pool of its own, creates the tables and, on a new cluster, the default rules. */
export async function openPgAlertStore(options: { connectionString: string; schema?: string; poolSize?: number }): Promise<AlertStore> {
  const schema = options.schema ?? 'sigmatiq';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema '${schema}': use lower-case letters, digits and _ only`);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 3, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query
  // A client checked out by transaction() has no listener of its own: a server stopping just as it
  // connects would throw from the socket and end the node. The next query reports the failure.
  keepClientErrorsHeard(pool);
  const t = (table: string) => `"${schema}".${table}`;
  try {
    await transaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_ALERT_MIGRATE]);
      await client.query(alertSchemaSql(schema));
      await client.query(`INSERT INTO ${t('alert_state')} (id, version, body) VALUES (1, 0, $1) ON CONFLICT DO NOTHING`, [JSON.stringify(EMPTY_ALERT_STATE)]);
      // Seeded once per cluster: a default rule an admin deleted stays deleted.
      const seeded = await client.query(`INSERT INTO ${t('alert_meta')} (key, value) VALUES ('rules-seeded', 'true') ON CONFLICT DO NOTHING`);
      if ((seeded.rowCount ?? 0) > 0) {
        for (const rule of DEFAULT_CLUSTER_ALERT_RULES) {
          await client.query(`INSERT INTO ${t('alert_rule')} (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [rule.id, JSON.stringify(rule)]);
        }
      }
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PgAlertStore(pool, t);
}

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

class PgAlertStore implements AlertStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly t: (table: string) => string,
  ) {}

  async getThresholds(): Promise<Thresholds> {
    const { rows } = await this.pool.query<{ value: Thresholds }>(`SELECT value FROM ${this.t('alert_meta')} WHERE key = 'thresholds'`);
    return rows[0]?.value ?? DEFAULT_THRESHOLDS;
  }

  async putThresholds(thresholds: Thresholds): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('alert_meta')} (key, value) VALUES ('thresholds', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(thresholds)],
    );
  }

  async listRules(): Promise<ClusterAlertRule[]> {
    return this.bodies<ClusterAlertRule>(`SELECT body FROM ${this.t('alert_rule')} ORDER BY seq`);
  }

  async getRule(id: string): Promise<ClusterAlertRule | null> {
    return (await this.bodies<ClusterAlertRule>(`SELECT body FROM ${this.t('alert_rule')} WHERE id = $1`, [id]))[0] ?? null;
  }

  async putRule(rule: ClusterAlertRule): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('alert_rule')} (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body`, [
      rule.id,
      JSON.stringify(rule),
    ]);
  }

  deleteRule(id: string): Promise<boolean> {
    return this.delete('alert_rule', 'id', id);
  }

  async listChannels(): Promise<StoredAlertChannel[]> {
    return this.bodies<StoredAlertChannel>(`SELECT body FROM ${this.t('alert_channel')} ORDER BY seq`);
  }

  async getChannel(id: string): Promise<StoredAlertChannel | null> {
    return (await this.bodies<StoredAlertChannel>(`SELECT body FROM ${this.t('alert_channel')} WHERE id = $1`, [id]))[0] ?? null;
  }

  async putChannel(channel: StoredAlertChannel): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.t('alert_channel')} (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body`, [
      channel.id,
      JSON.stringify(channel),
    ]);
  }

  deleteChannel(id: string): Promise<boolean> {
    return this.delete('alert_channel', 'id', id);
  }

  async readState(): Promise<VersionedAlertState> {
    const { rows } = await this.pool.query<{ version: string; body: AlertState }>(`SELECT version, body FROM ${this.t('alert_state')} WHERE id = 1`);
    const row = rows[0];
    return row ? { state: row.body, version: Number(row.version) } : { state: EMPTY_ALERT_STATE, version: 0 };
  }

  async writeState(version: number, state: AlertState, history: AlertHistoryWrite): Promise<number | null> {
    return transaction(this.pool, async (client) => {
      const updated = await client.query<{ version: string }>(
        `UPDATE ${this.t('alert_state')} SET version = version + 1, body = $2 WHERE id = 1 AND version = $1 RETURNING version`,
        [version, JSON.stringify(state)],
      );
      const next = updated.rows[0];
      if (!next) return null;
      if (history.upsert.length > 0) {
        await client.query(
          `INSERT INTO ${this.t('alert_history')} (id, state, resolved_ms, body)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])
           ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, resolved_ms = EXCLUDED.resolved_ms, body = EXCLUDED.body`,
          [
            history.upsert.map((a) => a.id),
            history.upsert.map((a) => a.state),
            history.upsert.map((a) => (a.resolvedAt === undefined ? null : Date.parse(a.resolvedAt))),
            history.upsert.map((a) => JSON.stringify(a)),
          ],
        );
      }
      if (history.drop.length > 0) {
        await client.query(`DELETE FROM ${this.t('alert_history')} WHERE id = ANY($1::text[]) AND state = 'pending'`, [history.drop]);
      }
      return Number(next.version);
    });
  }

  async listAlerts(query: AlertListQuery): Promise<AlertHistoryPage> {
    const { rows } = await this.pool.query<{ seq: string; body: Alert }>(
      `SELECT seq, body FROM ${this.t('alert_history')}
       WHERE ($1::text IS NULL OR state = $1) AND ($2::bigint IS NULL OR seq < $2)
       ORDER BY seq DESC LIMIT $3`,
      [query.state === 'all' ? null : query.state, query.cursor === undefined ? null : clampStoredId(query.cursor), query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    return { items: page.map((r) => r.body), nextCursor: rows.length > query.limit ? page.at(-1)!.seq : null };
  }

  async getAlert(id: string): Promise<Alert | null> {
    return (await this.bodies<Alert>(`SELECT body FROM ${this.t('alert_history')} WHERE id = $1`, [id]))[0] ?? null;
  }

  async trimAlerts(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('alert_history')} WHERE state = 'resolved' AND resolved_ms < $1`, [before]);
    return rowCount ?? 0;
  }

  async listSilences(): Promise<AlertSilence[]> {
    return this.bodies<AlertSilence>(`SELECT body FROM ${this.t('alert_silence')} ORDER BY seq`);
  }

  async putSilence(silence: AlertSilence): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('alert_silence')} (id, until_ms, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET until_ms = EXCLUDED.until_ms, body = EXCLUDED.body`,
      [silence.id, Date.parse(silence.until), JSON.stringify(silence)],
    );
  }

  deleteSilence(id: string): Promise<boolean> {
    return this.delete('alert_silence', 'id', id);
  }

  async trimSilences(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('alert_silence')} WHERE until_ms < $1`, [before]);
    return rowCount ?? 0;
  }

  async appendDelivery(record: AlertDeliveryInput): Promise<AlertDelivery> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO ${this.t('alert_delivery')} (at_ms, channel_id, alert_ids, body) VALUES ($1, $2, $3, $4) RETURNING id`,
      [Date.parse(record.at), record.channelId ?? null, record.alertIds, JSON.stringify(record)],
    );
    return { ...record, id: rows[0]!.id };
  }

  async listDeliveries(query: DeliveryListQuery): Promise<{ items: AlertDelivery[]; nextCursor: string | null }> {
    const { rows } = await this.pool.query<{ id: string; body: AlertDeliveryInput }>(
      `SELECT id, body FROM ${this.t('alert_delivery')}
       WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR channel_id = $2) AND ($3::text IS NULL OR $3 = ANY(alert_ids))
       ORDER BY id DESC LIMIT $4`,
      [query.cursor === undefined ? null : clampStoredId(query.cursor), query.channelId ?? null, query.alertId ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit).map((r) => ({ ...r.body, id: r.id }));
    return { items: page, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
  }

  async trimDeliveries(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('alert_delivery')} WHERE at_ms < $1`, [before]);
    return rowCount ?? 0;
  }

  async listUsers(): Promise<StoredUserContact[]> {
    return this.bodies<StoredUserContact>(`SELECT body FROM ${this.t('alert_user')} ORDER BY user_name`);
  }

  async getUser(user: string): Promise<StoredUserContact | null> {
    return (await this.bodies<StoredUserContact>(`SELECT body FROM ${this.t('alert_user')} WHERE user_name = $1`, [user]))[0] ?? null;
  }

  async putUser(entry: StoredUserContact): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('alert_user')} (user_name, body) VALUES ($1, $2) ON CONFLICT (user_name) DO UPDATE SET body = EXCLUDED.body`,
      [entry.user, JSON.stringify(entry)],
    );
  }

  deleteUser(user: string): Promise<boolean> {
    return this.delete('alert_user', 'user_name', user);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async bodies<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { rows } = await this.pool.query<{ body: T }>(sql, params);
    return rows.map((r) => r.body);
  }

  private async delete(table: string, column: string, key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t(table)} WHERE ${column} = $1`, [key]);
    return (rowCount ?? 0) > 0;
  }
}
