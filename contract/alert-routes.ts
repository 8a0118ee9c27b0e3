/**
 * The cluster API's alerting routes (spread into API_ROUTES): alerts and what an operator does to
 * them (acknowledge, silence), silences, rules, channels (secrets write-only) with "Send test", the
 * delivery log, the user directory for notes to a job's owner, and the cluster's thresholds.
 */
import { z } from 'zod';
import { AlertChannel, AlertChannelList, CreateAlertChannelRequest, UpdateAlertChannelRequest } from './alert-channels.ts';
import { AlertDeliveryPage, ListDeliveriesQuery } from './alert-deliveries.ts';
import {
  AcknowledgeAlertRequest,
  Alert,
  AlertPage,
  AlertSilence,
  ClusterAlertRule,
  ClusterAlertRuleList,
  CreateAlertRuleRequest,
  ListAlertsQuery,
  SilenceAlertRequest,
} from './alerts.ts';
import { defineApiRoute } from './api-route.ts';
import { DEFAULT_THRESHOLDS, METRICS, Threshold, Thresholds } from './thresholds.ts';
import { UserName } from './jobs.ts';
import { UserContact, UserContactList, UserContactRequest } from './user-directory.ts';

const NoQuery = z.strictObject({});

/** Ids of alerts, rules, channels and silences (opaque, printable). */
export const AlertRecordId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'an id: letters, digits and . _ : - only');
export const AlertRecordIdParams = z.strictObject({ id: AlertRecordId });
export const AlertUserParams = z.strictObject({ user: UserName });

/** What "Send test" answers: whether the receiver took the test message, in words. */
export const ChannelTestResult = z.object({ ok: z.boolean(), message: z.string() });
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

export const AlertSilenceList = z.object({ items: z.array(AlertSilence) });

/**
 * `PUT /api/v1/thresholds`: every metric's warning and critical boundary. Which way is worse and
 * the unit belong to the metric and cannot change; the boundaries must be in order (warning
 * before critical on the way to worse).
 */
export const ThresholdsUpdate = z.strictObject(Object.fromEntries(METRICS.map((m) => [m, Threshold.strict()])) as Record<(typeof METRICS)[number], ReturnType<typeof Threshold.strict>>).superRefine((t, ctx) => {
  for (const metric of METRICS) {
    const given = t[metric];
    const fixed = DEFAULT_THRESHOLDS[metric];
    if (given.higherIsWorse !== fixed.higherIsWorse) {
      ctx.addIssue({ code: 'custom', path: [metric, 'higherIsWorse'], message: `${metric}: higherIsWorse is ${fixed.higherIsWorse} for this metric and cannot change` });
    }
    if (given.unit !== fixed.unit) ctx.addIssue({ code: 'custom', path: [metric, 'unit'], message: `${metric}: the unit is ${fixed.unit} and cannot change` });
    if (fixed.higherIsWorse && given.warning > given.critical) {
      ctx.addIssue({ code: 'custom', path: [metric, 'warning'], message: `${metric}: warning (${given.warning}) must not be above critical (${given.critical}): higher is worse` });
    }
    if (!fixed.higherIsWorse && given.warning < given.critical) {
      ctx.addIssue({ code: 'custom', path: [metric, 'warning'], message: `${metric}: warning (${given.warning}) must not be below critical (${given.critical}): lower is worse` });
    }
    const max = fixed.unit === 'ratio' ? 1 : fixed.unit === 'percent' ? 100 : undefined;
    if (max !== undefined && (given.warning > max || given.critical > max)) {
      ctx.addIssue({ code: 'custom', path: [metric], message: `${metric}: boundaries are ${fixed.unit === 'ratio' ? 'ratios from 0 to 1, e.g. 0.05 for 5%' : 'percentages from 0 to 100'}` });
    }
  }
});

const tag = 'alerts';

export const ALERT_ROUTES = {
  listAlerts: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts',
    access: 'viewer',
    tag,
    summary: 'Alerts by state (firing by default), newest first, paged with cursor',
    query: ListAlertsQuery,
    response: AlertPage,
  }),
  acknowledgeAlert: defineApiRoute({
    method: 'POST',
    path: '/api/v1/alerts/:id/actions/acknowledge',
    access: 'operator',
    tag,
    summary: 'Acknowledge a firing alert: no repeat notifications until it resolves',
    params: AlertRecordIdParams,
    query: NoQuery,
    body: AcknowledgeAlertRequest,
    bodyOptional: true,
    response: Alert,
  }),
  silenceAlert: defineApiRoute({
    method: 'POST',
    path: '/api/v1/alerts/:id/actions/silence',
    access: 'operator',
    tag,
    summary: "Silence the alert's rule in its scope until a time (at most 7 days): notifications are held back",
    params: AlertRecordIdParams,
    query: NoQuery,
    body: SilenceAlertRequest,
    response: AlertSilence,
    status: 201,
  }),
  listSilences: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/silences',
    access: 'viewer',
    tag,
    summary: 'Silences, ended ones until they are cleaned up',
    query: NoQuery,
    response: AlertSilenceList,
  }),
  deleteSilence: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/silences/:id',
    access: 'operator',
    tag,
    summary: 'End a silence now',
    params: AlertRecordIdParams,
    query: NoQuery,
    status: 204,
  }),
  listAlertRules: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/rules',
    access: 'viewer',
    tag,
    summary: "The cluster's alert rules",
    query: NoQuery,
    response: ClusterAlertRuleList,
  }),
  createAlertRule: defineApiRoute({
    method: 'POST',
    path: '/api/v1/alerts/rules',
    access: 'admin',
    tag,
    summary: 'Create an alert rule',
    query: NoQuery,
    body: CreateAlertRuleRequest,
    response: ClusterAlertRule,
    status: 201,
  }),
  getAlertRule: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/rules/:id',
    access: 'viewer',
    tag,
    summary: 'One alert rule',
    params: AlertRecordIdParams,
    query: NoQuery,
    response: ClusterAlertRule,
  }),
  updateAlertRule: defineApiRoute({
    method: 'PUT',
    path: '/api/v1/alerts/rules/:id',
    access: 'admin',
    tag,
    summary: 'Replace an alert rule (what the body leaves out takes its default)',
    params: AlertRecordIdParams,
    query: NoQuery,
    body: CreateAlertRuleRequest,
    response: ClusterAlertRule,
  }),
  deleteAlertRule: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/rules/:id',
    access: 'admin',
    tag,
    summary: 'Delete an alert rule (its firing alerts resolve at the next evaluation)',
    params: AlertRecordIdParams,
    query: NoQuery,
    status: 204,
  }),
  listAlertChannels: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/channels',
    access: 'viewer',
    tag,
    summary: 'Alert channels, without their secrets',
    query: NoQuery,
    response: AlertChannelList,
  }),
  getAlertChannel: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/channels/:id',
    access: 'viewer',
    tag,
    summary: 'One alert channel, without its secrets',
    params: AlertRecordIdParams,
    query: NoQuery,
    response: AlertChannel,
  }),
  createAlertChannel: defineApiRoute({
    method: 'POST',
    path: '/api/v1/alerts/channels',
    access: 'admin',
    tag,
    summary: 'Add an alert channel (email, Slack, SMS or webhook); secrets are stored and never answered',
    query: NoQuery,
    body: CreateAlertChannelRequest,
    response: AlertChannel,
    status: 201,
  }),
  updateAlertChannel: defineApiRoute({
    method: 'PUT',
    path: '/api/v1/alerts/channels/:id',
    access: 'admin',
    tag,
    summary: 'Change an alert channel (same kind); secrets left out are kept, null removes an optional one',
    params: AlertRecordIdParams,
    query: NoQuery,
    body: UpdateAlertChannelRequest,
    response: AlertChannel,
  }),
  deleteAlertChannel: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/channels/:id',
    access: 'admin',
    tag,
    summary: 'Delete an alert channel (rules naming it stop notifying it)',
    params: AlertRecordIdParams,
    query: NoQuery,
    status: 204,
  }),
  testAlertChannel: defineApiRoute({
    method: 'POST',
    path: '/api/v1/alerts/channels/:id/actions/test',
    access: 'admin',
    tag,
    summary: 'Send a test message to a channel now and say whether the receiver took it',
    params: AlertRecordIdParams,
    query: NoQuery,
    response: ChannelTestResult,
  }),
  listAlertDeliveries: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/deliveries',
    access: 'viewer',
    tag,
    summary: 'The delivery log: every attempt to send a notification, newest first',
    query: ListDeliveriesQuery,
    response: AlertDeliveryPage,
  }),
  listAlertUsers: defineApiRoute({
    method: 'GET',
    path: '/api/v1/alerts/users',
    access: 'admin',
    tag,
    summary: 'The user directory: how to reach the owner of a job (Slack URLs as hints)',
    query: NoQuery,
    response: UserContactList,
  }),
  putAlertUser: defineApiRoute({
    method: 'PUT',
    path: '/api/v1/alerts/users/:user',
    access: 'admin',
    tag,
    summary: "Set how to reach a user (email, phone, Slack webhook) for notes about their jobs",
    params: AlertUserParams,
    query: NoQuery,
    body: UserContactRequest,
    response: UserContact,
  }),
  deleteAlertUser: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/alerts/users/:user',
    access: 'admin',
    tag,
    summary: 'Remove a user from the directory',
    params: AlertUserParams,
    query: NoQuery,
    status: 204,
  }),
  getThresholds: defineApiRoute({
    method: 'GET',
    path: '/api/v1/thresholds',
    access: 'viewer',
    tag: 'metrics',
    summary: "The cluster's thresholds: every level it reports is decided by them",
    query: NoQuery,
    response: Thresholds,
  }),
  putThresholds: defineApiRoute({
    method: 'PUT',
    path: '/api/v1/thresholds',
    access: 'admin',
    tag: 'metrics',
    summary: "Replace the cluster's thresholds (every API node uses them within one evaluation interval)",
    query: NoQuery,
    body: ThresholdsUpdate,
    response: Thresholds,
  }),
};
