/**
 * Alerts as the desktop shows them: every connected cluster's alerts mirrored into the cache, plus
 * the desktop's own alerts that no cluster can raise about itself (it cannot be reached, or its
 * events reach the desktop late). The AdminApi's alert methods take and answer these shapes; the
 * cluster's own wire shapes (Alert, rules, channels, deliveries) are in alerts.ts,
 * alert-channels.ts and alert-deliveries.ts.
 */
import { z } from 'zod';
import { AlertChannel, CreateAlertChannelRequest, UpdateAlertChannelRequest } from './alert-channels.ts';
import { AlertDeliveryPage } from './alert-deliveries.ts';
import { ChannelTestResult, ThresholdsUpdate } from './alert-routes.ts';
import { AcknowledgeAlertRequest, Alert, AlertSeverity, AlertSilence, ClusterAlertRule, CreateAlertRuleRequest, SilenceAlertRequest } from './alerts.ts';
import { Instant, UserName } from './jobs.ts';
import { Thresholds } from './thresholds.ts';
import { UserContact, UserContactRequest } from './user-directory.ts';

/** A cluster id as the desktop names clusters (the same rule as admin-api.ts's ClusterId). */
const AlertClusterId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a cluster id: lower-case letters, digits and -');

/** Who raised an alert: the cluster's rule evaluation, or the desktop watching the cluster. */
export const ALERT_SOURCES = ['cluster', 'desktop'] as const;
export const AlertSource = z.enum(ALERT_SOURCES);
export type AlertSource = z.infer<typeof AlertSource>;

/** The desktop's own rules, one alert per cluster each. */
export const DESKTOP_ALERT_RULES = ['desktop.cluster-unreachable', 'desktop.sync-behind'] as const;
export type DesktopAlertRuleId = (typeof DESKTOP_ALERT_RULES)[number];

/** One alert of one cluster, as the desktop keeps and lists it. */
export const DesktopAlert = Alert.extend({ clusterId: AlertClusterId, source: AlertSource });
export type DesktopAlert = z.infer<typeof DesktopAlert>;

/** What the Alerts screen asks for: what fires now, or the history with filters. Works offline. */
export const AlertQuery = z.strictObject({
  /** Omit for every cluster. */
  clusterIds: z.array(AlertClusterId).min(1).optional(),
  /** `firing` (also the default) lists what fires now; `all` includes resolved ones (the history). */
  state: z.enum(['firing', 'resolved', 'all']).default('firing'),
  severity: AlertSeverity.optional(),
  source: AlertSource.optional(),
  /** Alerts active at some time in this period (started before `until`, not resolved before `since`). */
  since: Instant.optional(),
  until: Instant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.int().min(1).max(500).default(100),
});
export type AlertQuery = z.input<typeof AlertQuery>;

export const DesktopAlertPage = z.object({
  items: z.array(DesktopAlert),
  nextCursor: z.string().nullable(),
  /** Alerts matching the filters in all. */
  total: z.int().min(0),
});
export type DesktopAlertPage = z.infer<typeof DesktopAlertPage>;

/** What fires now over the clusters asked: for the banner and the tray (worst of the clusters). */
export const FiringAlertSummary = z.object({
  count: z.int().min(0),
  critical: z.int().min(0),
  worst: AlertSeverity.nullable(),
});
export type FiringAlertSummary = z.infer<typeof FiringAlertSummary>;

/** The summary of some alerts (what fires among them). */
export function firingSummaryOf(alerts: readonly Pick<Alert, 'state' | 'severity'>[]): FiringAlertSummary {
  const firing = alerts.filter((a) => a.state === 'firing');
  const critical = firing.filter((a) => a.severity === 'critical').length;
  return { count: firing.length, critical, worst: critical > 0 ? 'critical' : firing.length > 0 ? 'warning' : null };
}

/** Silence durations offered by the UI; any `until` up to a week is accepted. */
export const SILENCE_CHOICES_MINUTES = [15, 60, 4 * 60, 24 * 60] as const;

/** The desktop's own rules' settings: how long a problem must last before it is an alert. */
export const DesktopAlertSettings = z.object({
  /** A cluster unreachable or refusing the token this long raises an alert (0 switches it off). */
  unreachableMinutes: z.int().min(0).max(1440).default(5),
  /** Events arriving this late (their time vs. when the desktop received them) raise an alert (0 switches it off). */
  syncBehindMinutes: z.int().min(0).max(1440).default(5),
});
export type DesktopAlertSettings = z.infer<typeof DesktopAlertSettings>;
export const DEFAULT_DESKTOP_ALERT_SETTINGS: DesktopAlertSettings = { unreachableMinutes: 5, syncBehindMinutes: 5 };

// ---------------------------------------------------------------- the AdminApi's alert methods

const Ok = z.object({ ok: z.literal(true) });
const RuleId = z.string().min(1).max(100);
const AlertId = z.string().min(1).max(200);

/** Which deliveries of a cluster's log to list (newest first). */
export const DeliveryLogQuery = z.strictObject({
  channelId: z.string().min(1).max(100).optional(),
  cursor: z.string().regex(/^\d{1,19}$/, 'a cursor as a previous page returned it (nextCursor)').optional(),
  limit: z.int().min(1).max(500).default(50),
});
export type DeliveryLogQuery = z.input<typeof DeliveryLogQuery>;


/**
 * The alert methods of the AdminApi (spread into ADMIN_API). Alerts are read from the cache;
 * acknowledge and silence, rules, channels, deliveries and thresholds go to the cluster named
 * (its token's role decides what it allows: operator for acknowledge and silence, admin for the rest).
 */
export const ALERT_ADMIN_API = {
  listAlerts: { args: z.tuple([AlertQuery.prefault({})]), result: DesktopAlertPage },
  acknowledgeAlert: { args: z.tuple([AlertClusterId, AlertId, AcknowledgeAlertRequest.default({})]), result: DesktopAlert },
  silenceAlert: { args: z.tuple([AlertClusterId, AlertId, SilenceAlertRequest]), result: DesktopAlert },
  /** The cluster's silences (ended ones too, until it forgets them a day later). */
  listAlertSilences: { args: z.tuple([AlertClusterId]), result: z.array(AlertSilence) },
  /** Ends a silence now: what it held back notifies again from the cluster's next evaluation. */
  endAlertSilence: { args: z.tuple([AlertClusterId, z.string().min(1).max(100)]), result: Ok },
  listAlertRules: { args: z.tuple([AlertClusterId]), result: z.array(ClusterAlertRule) },
  createAlertRule: { args: z.tuple([AlertClusterId, CreateAlertRuleRequest]), result: ClusterAlertRule },
  updateAlertRule: { args: z.tuple([AlertClusterId, RuleId, CreateAlertRuleRequest]), result: ClusterAlertRule },
  deleteAlertRule: { args: z.tuple([AlertClusterId, RuleId]), result: Ok },
  listAlertChannels: { args: z.tuple([AlertClusterId]), result: z.array(AlertChannel) },
  createAlertChannel: { args: z.tuple([AlertClusterId, CreateAlertChannelRequest]), result: AlertChannel },
  /** Secrets left out are kept on the cluster (the app never has them to send back). */
  updateAlertChannel: { args: z.tuple([AlertClusterId, z.string().min(1).max(100), UpdateAlertChannelRequest]), result: AlertChannel },
  deleteAlertChannel: { args: z.tuple([AlertClusterId, z.string().min(1).max(100)]), result: Ok },
  testAlertChannel: { args: z.tuple([AlertClusterId, z.string().min(1).max(100)]), result: ChannelTestResult },
  listAlertDeliveries: { args: z.tuple([AlertClusterId, DeliveryLogQuery.prefault({})]), result: AlertDeliveryPage },
  /** The cluster's user directory: how notes reach a job's owner (Slack URLs as hints only). */
  listAlertUsers: { args: z.tuple([AlertClusterId]), result: z.array(UserContact) },
  /** Sets how to reach a user; a Slack URL left out stays as stored, null removes it. */
  putAlertUser: { args: z.tuple([AlertClusterId, UserName, UserContactRequest]), result: UserContact },
  deleteAlertUser: { args: z.tuple([AlertClusterId, UserName]), result: Ok },
  /** The cluster's thresholds: the levels every view shows come from them. */
  getClusterThresholds: { args: z.tuple([AlertClusterId]), result: Thresholds },
  updateClusterThresholds: { args: z.tuple([AlertClusterId, ThresholdsUpdate]), result: Thresholds },
} as const;
