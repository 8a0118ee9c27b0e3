/**
 * Alerting on the cluster API: alerts (list, acknowledge, silence), silences, rules, channels
 * (secrets stored, never answered: publicAlertChannel), "Send test", the delivery log, the user
 * directory and the thresholds. Every mutating route is audited with ids and names only — never a
 * body, so no password, token or webhook URL reaches the audit.
 *
 * A node started without alerting (an API over a test engine) still serves every route of the
 * contract: these answer 503 and say so.
 */
import { randomUUID } from 'node:crypto';
import { ALERT_ROUTES } from '../../../contract/alert-routes.ts';
import { applyChannelUpdate, publicAlertChannel } from '../../../contract/alert-channels.ts';
import { ClusterAlertRule } from '../../../contract/alerts.ts';
import { applyUserContact, publicUserContact } from '../../../contract/user-directory.ts';
import { acknowledgeAlert, silenceAlert } from '../../alerts/alert-actions.ts';
import type { AlertEventSink } from '../../alerts/alert-events.ts';
import type { AlertStore } from '../../alerts/alert-store.ts';
import type { ThresholdCache } from '../../alerts/threshold-cache.ts';
import type { NotifyUser } from '../../alerts/delivery/owner-note.ts';
import { ApiFailure } from '../api-error.ts';
import { handle, type ServedRoute } from '../route.ts';
import { NO_CONTENT } from './common.ts';

/** What the alert routes work with on this node. */
export interface AlertApiDeps {
  alerts: AlertStore;
  events: AlertEventSink;
  thresholds: Pick<ThresholdCache, 'get' | 'set'>;
  /** "Send test" (the delivery queue); absent on a node that cannot send. */
  sendTest?: (channelId: string) => Promise<{ ok: boolean; message: string }>;
  /** Notes for a job's owner on job actions (the delivery queue); the job routes take it from here. */
  notifyUser?: NotifyUser;
  now?: () => number;
}

const nameOf = (body: unknown) => `name:${String((body as { name?: unknown } | null)?.name ?? '?').slice(0, 100)}`;

export function alertRoutes(deps: AlertApiDeps | null): ServedRoute[] {
  const need = (): AlertApiDeps => {
    if (!deps) throw new ApiFailure('unavailable', 'alerting is not running on this API node; ask another node of the cluster or restart this one with `serve`');
    return deps;
  };
  const now = () => (deps?.now ?? Date.now)();
  const missing = (what: string, id: string, list: string) => new ApiFailure('not_found', `no ${what} '${id}': list them with GET ${list}`);

  return [
    handle(ALERT_ROUTES.listAlerts, {
      async handler({ query }) {
        return { body: await need().alerts.listAlerts({ state: query.state, limit: query.limit, ...(query.cursor !== undefined ? { cursor: checkedCursor(query.cursor) } : {}) }) };
      },
    }),
    handle(ALERT_ROUTES.acknowledgeAlert, {
      audit: { action: 'alert.acknowledge', target: (p) => p.id ?? '?' },
      async handler({ params, actor }) {
        const d = need();
        return { body: await acknowledgeAlert(d, params.id, actor!.name, now()) };
      },
    }),
    handle(ALERT_ROUTES.silenceAlert, {
      audit: { action: 'alert.silence', target: (p) => p.id ?? '?' },
      async handler({ params, body, actor }) {
        const silence = await silenceAlert(need(), params.id, body, actor!.name, now());
        return { status: 201, body: silence, auditResult: `ok: ${silence.id} until ${silence.until}` };
      },
    }),
    handle(ALERT_ROUTES.listSilences, {
      async handler() {
        return { body: { items: await need().alerts.listSilences() } };
      },
    }),
    handle(ALERT_ROUTES.deleteSilence, {
      audit: { action: 'alert.silence.delete', target: (p) => p.id ?? '?' },
      async handler({ params }) {
        if (!(await need().alerts.deleteSilence(params.id))) throw missing('silence', params.id, '/api/v1/alerts/silences');
        return NO_CONTENT;
      },
    }),

    handle(ALERT_ROUTES.listAlertRules, {
      async handler() {
        return { body: { items: await need().alerts.listRules() } };
      },
    }),
    handle(ALERT_ROUTES.getAlertRule, {
      async handler({ params }) {
        const rule = await need().alerts.getRule(params.id);
        if (!rule) throw missing('alert rule', params.id, '/api/v1/alerts/rules');
        return { body: rule };
      },
    }),
    handle(ALERT_ROUTES.createAlertRule, {
      audit: { action: 'alert-rule.create', target: (_p, body) => nameOf(body) },
      async handler({ body }) {
        const d = need();
        await checkChannels(d, body.channels);
        const rule = ClusterAlertRule.parse({ ...body, id: `rule-${randomUUID().replace(/-/g, '').slice(0, 12)}` });
        await d.alerts.putRule(rule);
        return { status: 201, body: rule, auditTarget: rule.id };
      },
    }),
    handle(ALERT_ROUTES.updateAlertRule, {
      audit: { action: 'alert-rule.update', target: (p) => p.id ?? '?' },
      async handler({ params, body }) {
        const d = need();
        if (!(await d.alerts.getRule(params.id))) throw missing('alert rule', params.id, '/api/v1/alerts/rules');
        await checkChannels(d, body.channels);
        const rule = ClusterAlertRule.parse({ ...body, id: params.id });
        await d.alerts.putRule(rule);
        return { body: rule };
      },
    }),
    handle(ALERT_ROUTES.deleteAlertRule, {
      audit: { action: 'alert-rule.delete', target: (p) => p.id ?? '?' },
      async handler({ params }) {
        if (!(await need().alerts.deleteRule(params.id))) throw missing('alert rule', params.id, '/api/v1/alerts/rules');
        return NO_CONTENT;
      },
    }),

    handle(ALERT_ROUTES.listAlertChannels, {
      async handler() {
        return { body: { items: (await need().alerts.listChannels()).map(publicAlertChannel) } };
      },
    }),
    handle(ALERT_ROUTES.getAlertChannel, {
      async handler({ params }) {
        const channel = await need().alerts.getChannel(params.id);
        if (!channel) throw missing('alert channel', params.id, '/api/v1/alerts/channels');
        return { body: publicAlertChannel(channel) };
      },
    }),
    handle(ALERT_ROUTES.createAlertChannel, {
      audit: { action: 'alert-channel.create', target: (_p, body) => nameOf(body) },
      async handler({ body }) {
        const stored = { ...body, id: `channel-${randomUUID().replace(/-/g, '').slice(0, 12)}` };
        await need().alerts.putChannel(stored);
        return { status: 201, body: publicAlertChannel(stored), auditTarget: `${stored.id} (${stored.kind})` };
      },
    }),
    handle(ALERT_ROUTES.updateAlertChannel, {
      audit: { action: 'alert-channel.update', target: (p) => p.id ?? '?' },
      async handler({ params, body }) {
        const d = need();
        const stored = await d.alerts.getChannel(params.id);
        if (!stored) throw missing('alert channel', params.id, '/api/v1/alerts/channels');
        const updated = applyChannelUpdate(stored, body);
        if ('problem' in updated) throw new ApiFailure('validation_failed', updated.problem, [{ path: updated.problem.split(':')[0]!, message: updated.problem }]);
        await d.alerts.putChannel(updated.channel);
        return { body: publicAlertChannel(updated.channel), auditTarget: `${stored.id} (${stored.kind}, ${nameOf(body)})` };
      },
    }),
    handle(ALERT_ROUTES.deleteAlertChannel, {
      audit: { action: 'alert-channel.delete', target: (p) => p.id ?? '?' },
      async handler({ params }) {
        if (!(await need().alerts.deleteChannel(params.id))) throw missing('alert channel', params.id, '/api/v1/alerts/channels');
        return NO_CONTENT;
      },
    }),
    handle(ALERT_ROUTES.testAlertChannel, {
      audit: { action: 'alert-channel.test', target: (p) => p.id ?? '?' },
      async handler({ params }) {
        const d = need();
        if (!(await d.alerts.getChannel(params.id))) throw missing('alert channel', params.id, '/api/v1/alerts/channels');
        if (!d.sendTest) throw new ApiFailure('unavailable', 'this API node cannot send alert notifications; try another node of the cluster');
        const result = await d.sendTest(params.id);
        return { body: result, auditResult: result.ok ? 'ok: test sent' : 'failed: the receiver did not take the test (see the delivery log)' };
      },
    }),
    handle(ALERT_ROUTES.listAlertDeliveries, {
      async handler({ query }) {
        return {
          body: await need().alerts.listDeliveries({
            limit: query.limit,
            ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
            ...(query.channelId !== undefined ? { channelId: query.channelId } : {}),
            ...(query.alertId !== undefined ? { alertId: query.alertId } : {}),
          }),
        };
      },
    }),

    handle(ALERT_ROUTES.listAlertUsers, {
      async handler() {
        return { body: { items: (await need().alerts.listUsers()).map(publicUserContact) } };
      },
    }),
    handle(ALERT_ROUTES.putAlertUser, {
      audit: { action: 'alert-user.put', target: (p) => p.user ?? '?' },
      async handler({ params, body }) {
        const d = need();
        const applied = applyUserContact(params.user, await d.alerts.getUser(params.user), body);
        if ('problem' in applied) throw new ApiFailure('validation_failed', applied.problem, [{ path: 'email', message: applied.problem }]);
        await d.alerts.putUser(applied.entry);
        return { body: publicUserContact(applied.entry) };
      },
    }),
    handle(ALERT_ROUTES.deleteAlertUser, {
      audit: { action: 'alert-user.delete', target: (p) => p.user ?? '?' },
      async handler({ params }) {
        if (!(await need().alerts.deleteUser(params.user))) throw new ApiFailure('not_found', `the user directory has no entry for '${params.user}'`);
        return NO_CONTENT;
      },
    }),

    handle(ALERT_ROUTES.getThresholds, {
      async handler() {
        return { body: await need().thresholds.get() };
      },
    }),
    handle(ALERT_ROUTES.putThresholds, {
      audit: { action: 'thresholds.update', target: () => 'cluster' },
      async handler({ body }) {
        await need().thresholds.set(body);
        return { body };
      },
    }),
  ];
}

/** An alert page cursor is a decimal position a previous page answered. */
function checkedCursor(cursor: string): string {
  if (!/^\d{1,19}$/.test(cursor)) throw new ApiFailure('validation_failed', 'cursor: pass the nextCursor of a previous page (a decimal number)', [{ path: 'cursor', message: 'a decimal number' }]);
  return cursor;
}

/** A rule may name only channels that exist: a typo would otherwise notify nobody, silently. */
async function checkChannels(deps: AlertApiDeps, channels: readonly string[]): Promise<void> {
  if (channels.length === 0) return;
  const known = new Set((await deps.alerts.listChannels()).map((c) => c.id));
  const unknown = channels.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    const message = `channels: no channel ${unknown.map((c) => `'${c}'`).join(', ')}; add it first (POST /api/v1/alerts/channels) or pick one from GET /api/v1/alerts/channels`;
    throw new ApiFailure('validation_failed', message, [{ path: 'channels', message }]);
  }
}
