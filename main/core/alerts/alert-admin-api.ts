/**
 * The AdminApi's alert methods. Alerts come from the cache's mirror (offline too); acknowledge and
 * silence go through the AlertService (a cluster's alert to its cluster, a desktop alert here);
 * rules, channels, the delivery log and thresholds are forwarded to the cluster named, whose
 * token's role decides what it allows.
 */
import { z } from 'zod';
import type { AdminApi } from '../../../contract/admin-api.ts';
import { AlertChannel } from '../../../contract/alert-channels.ts';
import { AlertDeliveryPage } from '../../../contract/alert-deliveries.ts';
import { ClusterAlertRule, ClusterAlertRuleList } from '../../../contract/alerts.ts';
import { AlertQuery, DeliveryLogQuery } from '../../../contract/desktop-alerts.ts';
import { Thresholds } from '../../../contract/thresholds.ts';
import { AdminError } from '../admin-error.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';
import { AlertCursorError, type AlertMirror } from './alert-mirror.ts';
import type { AlertService } from './alert-service.ts';

export type AlertAdminApi = Pick<
  AdminApi,
  | 'listAlerts'
  | 'acknowledgeAlert'
  | 'silenceAlert'
  | 'listAlertRules'
  | 'createAlertRule'
  | 'updateAlertRule'
  | 'deleteAlertRule'
  | 'listAlertChannels'
  | 'createAlertChannel'
  | 'deleteAlertChannel'
  | 'testAlertChannel'
  | 'listAlertDeliveries'
  | 'getClusterThresholds'
  | 'updateClusterThresholds'
>;

export interface AlertApiContext {
  mirror: () => AlertMirror;
  service: () => AlertService;
  /** The cluster's HTTP client; throws a clear error for an unknown or unconnected cluster. */
  http: (clusterId: string) => ClusterHttp;
  /** Checks that a cluster id is configured (throws a clear error otherwise). */
  known: (clusterId: string) => void;
}

/** A channel list answers `{ items }`; an older cluster may answer a bare array. */
const ChannelList = z.union([z.object({ items: z.array(AlertChannel) }).transform((l) => l.items), z.array(AlertChannel)]);
const RuleList = z.union([ClusterAlertRuleList.transform((l) => l.items), z.array(ClusterAlertRule)]);

/** What a test send answered, in words for the admin. */
function describeTest(answer: unknown, channel: string): string {
  const parsed = z.object({ result: z.string().optional(), error: z.string().optional(), message: z.string().optional() }).safeParse(answer);
  if (parsed.success) {
    if (parsed.data.error) return `The test to ${channel} failed: ${parsed.data.error}`;
    if (parsed.data.message) return parsed.data.message;
    if (parsed.data.result === 'sent') return `Test message sent to ${channel}.`;
    if (parsed.data.result) return `Test message to ${channel}: ${parsed.data.result}. The delivery log shows how it ends.`;
  }
  return `Test message to ${channel} queued: the delivery log shows whether it arrived.`;
}

export function createAlertAdminApi(ctx: AlertApiContext): AlertAdminApi {
  const enc = encodeURIComponent;
  return {
    async listAlerts(rawQuery) {
      const query = AlertQuery.parse(rawQuery ?? {});
      for (const id of query.clusterIds ?? []) ctx.known(id);
      try {
        return ctx.mirror().list(query);
      } catch (error) {
        if (error instanceof AlertCursorError) throw new AdminError('invalid-arguments', error.message, 400);
        throw error;
      }
    },
    async acknowledgeAlert(clusterId, alertId, body) {
      ctx.known(clusterId);
      return ctx.service().acknowledge(clusterId, alertId, body?.note);
    },
    async silenceAlert(clusterId, alertId, request) {
      ctx.known(clusterId);
      return ctx.service().silence(clusterId, alertId, request);
    },

    async listAlertRules(clusterId) {
      return ctx.http(clusterId).get('/api/v1/alerts/rules', RuleList);
    },
    async createAlertRule(clusterId, rule) {
      return ctx.http(clusterId).post('/api/v1/alerts/rules', rule, ClusterAlertRule);
    },
    async updateAlertRule(clusterId, ruleId, rule) {
      return ctx.http(clusterId).request('PUT', `/api/v1/alerts/rules/${enc(ruleId)}`, ClusterAlertRule, { body: rule });
    },
    async deleteAlertRule(clusterId, ruleId) {
      await ctx.http(clusterId).request('DELETE', `/api/v1/alerts/rules/${enc(ruleId)}`, z.unknown());
      return { ok: true as const };
    },

    async listAlertChannels(clusterId) {
      return ctx.http(clusterId).get('/api/v1/alerts/channels', ChannelList);
    },
    async createAlertChannel(clusterId, channel) {
      return ctx.http(clusterId).post('/api/v1/alerts/channels', channel, AlertChannel);
    },
    async deleteAlertChannel(clusterId, channelId) {
      await ctx.http(clusterId).request('DELETE', `/api/v1/alerts/channels/${enc(channelId)}`, z.unknown());
      return { ok: true as const };
    },
    async testAlertChannel(clusterId, channelId) {
      const answer = await ctx.http(clusterId).post(`/api/v1/alerts/channels/${enc(channelId)}/actions/test`, {}, z.unknown());
      return { message: describeTest(answer, channelId) };
    },
    async listAlertDeliveries(clusterId, rawQuery) {
      const query = DeliveryLogQuery.parse(rawQuery ?? {});
      return ctx.http(clusterId).get('/api/v1/alerts/deliveries', AlertDeliveryPage, { query });
    },

    async getClusterThresholds(clusterId) {
      return ctx.http(clusterId).get('/api/v1/thresholds', Thresholds);
    },
    async updateClusterThresholds(clusterId, thresholds) {
      return ctx.http(clusterId).request('PUT', '/api/v1/thresholds', Thresholds, { body: thresholds });
    },
  };
}
