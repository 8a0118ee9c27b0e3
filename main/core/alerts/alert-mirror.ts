/**
 * AlertMirror: the cache's copy of every cluster's firing and resolved alerts, and of the
 * desktop's own alerts about a cluster (`source: 'desktop'`), in the `alerts` table. Read by the
 * Alerts screen, the banner and the tray — offline too. Pending alerts stay the cluster's business:
 * they are not mirrored until they fire.
 */
import type { Statement } from 'better-sqlite3';
import { Alert, type AlertSeverity } from '../../../contract/alerts.ts';
import { AlertQuery, DesktopAlert, type AlertSource, type DesktopAlertPage } from '../../../contract/desktop-alerts.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';

interface AlertRow {
  cluster_id: string;
  alert_id: string;
  source: AlertSource;
  alert_json: string;
  started_at: string;
}

/** Thrown for a cursor this mirror did not hand out; the message is for the admin. */
export class AlertCursorError extends Error {}

function encodeCursor(row: { started_at: string; cluster_id: string; alert_id: string }): string {
  return Buffer.from(JSON.stringify([row.started_at, row.cluster_id, row.alert_id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) return value as [string, string, string];
  } catch {
    // fall through
  }
  throw new AlertCursorError('the alerts cursor is not one this app handed out: reload the list and page again');
}

export class AlertMirror {
  private readonly upsertStatement: Statement;
  private readonly getStatement: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.upsertStatement = db.prepare(`
      INSERT INTO alerts (cluster_id, alert_id, source, rule_id, state, severity, started_at, resolved_at, alert_json, cached_at)
      VALUES (@cluster_id, @alert_id, @source, @rule_id, @state, @severity, @started_at, @resolved_at, @alert_json, @cached_at)
      ON CONFLICT (cluster_id, alert_id) DO UPDATE SET
        source = excluded.source, rule_id = excluded.rule_id, state = excluded.state, severity = excluded.severity,
        started_at = excluded.started_at, resolved_at = excluded.resolved_at, alert_json = excluded.alert_json,
        cached_at = excluded.cached_at
      WHERE alerts.alert_json IS NOT excluded.alert_json`);
    this.getStatement = db.prepare('SELECT * FROM alerts WHERE cluster_id = ? AND alert_id = ?');
  }

  /**
   * Store alerts of one cluster as the cluster (or the desktop) reports them. Pending ones are
   * skipped, and a resolved alert is never turned back into a firing one by an older report.
   * Returns whether anything changed.
   */
  upsert(clusterId: string, alerts: readonly Alert[], source: AlertSource): boolean {
    const now = new Date().toISOString();
    let changed = false;
    this.db.transaction(() => {
      for (const alert of alerts) {
        if (alert.state === 'pending') continue;
        if (alert.state === 'firing' && this.get(clusterId, alert.id)?.state === 'resolved') continue;
        const row = {
          cluster_id: clusterId,
          alert_id: alert.id,
          source,
          rule_id: alert.ruleId,
          state: alert.state,
          severity: alert.severity,
          started_at: alert.startedAt,
          resolved_at: alert.resolvedAt ?? null,
          alert_json: JSON.stringify(alert),
          cached_at: now,
        };
        if (this.upsertStatement.run(row).changes > 0) changed = true;
      }
    })();
    return changed;
  }

  /**
   * What fires on a cluster, as its full list says: mirrored cluster alerts of that cluster still
   * firing here but missing from `firing` resolved while the desktop was not listening; they are
   * marked resolved at `at` (when the desktop learned it), unless `resolved` tells when.
   */
  reconcile(clusterId: string, firing: readonly Alert[], resolved: readonly Alert[], at: string): boolean {
    let changed = false;
    this.db.transaction(() => {
      if (this.upsert(clusterId, [...resolved, ...firing], 'cluster')) changed = true;
      const current = new Set(firing.map((a) => a.id));
      const gone = this.list({ clusterIds: [clusterId], state: 'firing', source: 'cluster', limit: 500 }).items.filter((a) => !current.has(a.id));
      const ended = gone.map(({ clusterId: _c, source: _s, ...alert }) => ({ ...alert, state: 'resolved' as const, resolvedAt: at }));
      if (this.upsert(clusterId, ended, 'cluster')) changed = true;
    })();
    return changed;
  }

  get(clusterId: string, alertId: string): DesktopAlert | null {
    const row = this.getStatement.get(clusterId, alertId) as AlertRow | undefined;
    return row ? this.toAlert(row) : null;
  }

  /** Newest first (by start), filtered as the Alerts screen asks; keyset pages. */
  list(rawQuery: AlertQuery): DesktopAlertPage {
    const q = AlertQuery.parse(rawQuery);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.clusterIds) {
      where.push(`cluster_id IN (${q.clusterIds.map(() => '?').join(', ')})`);
      params.push(...q.clusterIds);
    }
    if (q.state !== 'all') {
      where.push('state = ?');
      params.push(q.state);
    }
    if (q.severity) {
      where.push('severity = ?');
      params.push(q.severity);
    }
    if (q.source) {
      where.push('source = ?');
      params.push(q.source);
    }
    if (q.until) {
      where.push('started_at < ?');
      params.push(q.until);
    }
    if (q.since) {
      where.push('(resolved_at IS NULL OR resolved_at >= ?)');
      params.push(q.since);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts ${filter}`).get(...params) as { n: number }).n;
    const pageWhere = [...where];
    const pageParams = [...params];
    if (q.cursor) {
      const [startedAt, clusterId, alertId] = decodeCursor(q.cursor);
      pageWhere.push('(started_at, cluster_id, alert_id) < (?, ?, ?)');
      pageParams.push(startedAt, clusterId, alertId);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM alerts ${pageWhere.length > 0 ? `WHERE ${pageWhere.join(' AND ')}` : ''}
         ORDER BY started_at DESC, cluster_id DESC, alert_id DESC LIMIT ?`,
      )
      .all(...pageParams, q.limit + 1) as AlertRow[];
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return { items: page.map((r) => this.toAlert(r)), nextCursor: more ? encodeCursor(page[page.length - 1]!) : null, total };
  }

  /** The firing alert a rule of the desktop holds on a cluster, if any. */
  firingOfRule(clusterId: string, ruleId: string): DesktopAlert | null {
    const row = this.db.prepare("SELECT * FROM alerts WHERE cluster_id = ? AND rule_id = ? AND state = 'firing' ORDER BY started_at DESC LIMIT 1").get(clusterId, ruleId) as
      | AlertRow
      | undefined;
    return row ? this.toAlert(row) : null;
  }

  /** How many alerts fire over some clusters and the worst severity among them. */
  firingSummary(clusterIds?: readonly string[]): { count: number; critical: number; worst: AlertSeverity | null } {
    const filter = clusterIds ? `AND cluster_id IN (${clusterIds.map(() => '?').join(', ')})` : '';
    const row = this.db
      .prepare(`SELECT count(*) AS n, sum(severity = 'critical') AS critical FROM alerts WHERE state = 'firing' ${filter}`)
      .get(...(clusterIds ?? [])) as { n: number; critical: number | null };
    const critical = row.critical ?? 0;
    return { count: row.n, critical, worst: critical > 0 ? 'critical' : row.n > 0 ? 'warning' : null };
  }

  /** Forget a cluster's alerts (the cluster was removed from the app). */
  removeCluster(clusterId: string): void {
    this.db.prepare('DELETE FROM alerts WHERE cluster_id = ?').run(clusterId);
  }

  private toAlert(row: AlertRow): DesktopAlert {
    const alert = Alert.parse(JSON.parse(row.alert_json));
    return DesktopAlert.parse({ ...alert, clusterId: row.cluster_id, source: row.source });
  }
}
