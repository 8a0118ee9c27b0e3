/**
 * The AdminApi's alert methods. Alerts come from the cache's mirror (offline too); acknowledge and
 * silence go through the AlertService (a cluster's alert to its cluster, a desktop alert here);
 * rules, channels, the delivery log, the user directory and thresholds are forwarded to the
 * cluster named, whose token's role decides what it allows.
 */
import type { AdminApi } from '../../../contract/admin-api.ts';
import { ALERT_ROUTES } from '../../../contract/alert-routes.ts';
import { AlertQuery, DeliveryLogQuery } from '../../../contract/desktop-alerts.ts';
import { AdminError } from '../admin-error.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';
import { AlertCursorError, type AlertMirror } from './alert-mirror.ts';
import type { AlertService } from './alert-service.ts';

export type AlertAdminApi = Pick<
  AdminApi,
  | 'listAlerts'
  | 'acknowledgeAlert'
  | 'silenceAlert'
  | 'listAlertSilences'
  | 'endAlertSilence'
  | 'listAlertRules'
  | 'createAlertRule'
  | 'updateAlertRule'
  | 'deleteAlertRule'
  | 'listAlertChannels'
  | 'createAlertChannel'
  | 'updateAlertChannel'
  | 'deleteAlertChannel'
  | 'testAlertChannel'
  | 'listAlertDeliveries'
  | 'listAlertUsers'
  | 'putAlertUser'
  | 'deleteAlertUser'
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

export function createAlertAdminApi(ctx: AlertApiContext): AlertAdminApi {
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
    async listAlertSilences(clusterId) {
      return (await ctx.http(clusterId).call(ALERT_ROUTES.listSilences)).items;
    },
    async endAlertSilence(clusterId, silenceId) {
      ctx.known(clusterId);
      await ctx.service().endSilence(clusterId, silenceId);
      return { ok: true as const };
    },

    async listAlertRules(clusterId) {
      return (await ctx.http(clusterId).call(ALERT_ROUTES.listAlertRules)).items;
    },
    async createAlertRule(clusterId, rule) {
      return ctx.http(clusterId).call(ALERT_ROUTES.createAlertRule, { body: rule });
    },
    async updateAlertRule(clusterId, ruleId, rule) {
      return ctx.http(clusterId).call(ALERT_ROUTES.updateAlertRule, { params: { id: ruleId }, body: rule });
    },
    async deleteAlertRule(clusterId, ruleId) {
      await ctx.http(clusterId).call(ALERT_ROUTES.deleteAlertRule, { params: { id: ruleId } });
      return { ok: true as const };
    },

    async listAlertChannels(clusterId) {
      return (await ctx.http(clusterId).call(ALERT_ROUTES.listAlertChannels)).items;
    },
    async createAlertChannel(clusterId, channel) {
      return ctx.http(clusterId).call(ALERT_ROUTES.createAlertChannel, { body: channel });
    },
    async updateAlertChannel(clusterId, channelId, channel) {
      return ctx.http(clusterId).call(ALERT_ROUTES.updateAlertChannel, { params: { id: channelId }, body: channel });
    },
    async deleteAlertChannel(clusterId, channelId) {
      await ctx.http(clusterId).call(ALERT_ROUTES.deleteAlertChannel, { params: { id: channelId } });
      return { ok: true as const };
    },
    async testAlertChannel(clusterId, channelId) {
      return ctx.http(clusterId).call(ALERT_ROUTES.testAlertChannel, { params: { id: channelId } });
    },
    async listAlertDeliveries(clusterId, rawQuery) {
      const query = DeliveryLogQuery.parse(rawQuery ?? {});
      return ctx.http(clusterId).call(ALERT_ROUTES.listAlertDeliveries, { query });
    },

    async listAlertUsers(clusterId) {
      return (await ctx.http(clusterId).call(ALERT_ROUTES.listAlertUsers)).items;
    },
    async putAlertUser(clusterId, user, contact) {
      return ctx.http(clusterId).call(ALERT_ROUTES.putAlertUser, { params: { user }, body: contact });
    },
    async deleteAlertUser(clusterId, user) {
      await ctx.http(clusterId).call(ALERT_ROUTES.deleteAlertUser, { params: { user } });
      return { ok: true as const };
    },

    async getClusterThresholds(clusterId) {
      return ctx.http(clusterId).call(ALERT_ROUTES.getThresholds);
    },
    async updateClusterThresholds(clusterId, thresholds) {
      return ctx.http(clusterId).call(ALERT_ROUTES.putThresholds, { body: thresholds });
    },
  };
}
