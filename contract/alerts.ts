/**
 * Cluster alerting as data: the metrics a rule can watch, rules (their wire shape, checks and
 * labels), silences, and alerts as the API lists them. The cluster evaluates rules
 * (cluster/alerts), the desktop edits and shows them; both use these schemas and the label and
 * value formatters here, so "Failure rate > 10%" reads the same in Settings, the tray and a Slack
 * message. Channels (where notifications go) are in alert-channels.ts.
 */
import { z } from 'zod';
import { JobType } from './domain.ts';
import { Instant } from './jobs.ts';

// ---------------------------------------------------------------- metrics

/**
 * What a rule can watch. Queue metrics read one job type's queue (with a `queue` scope) or the
 * whole cluster; node metrics read one worker node (with a `node` scope) or each node on its own;
 * `workersLost` is cluster-wide. Failure rate is a ratio 0..1; the node metrics are percentages.
 */
export const ALERT_METRICS = [
  'queueLength',
  'waitTimeMs',
  'processingRatePerMin',
  'failureRate',
  'failedJobs',
  'stuckJobs',
  'workersLost',
  'cpuPercent',
  'memoryPercent',
  'diskIoPercent',
  'networkPercent',
] as const;
export const AlertMetric = z.enum(ALERT_METRICS);
export type AlertMetric = z.infer<typeof AlertMetric>;

export type AlertMetricScope = 'queue' | 'node' | 'cluster';
type ValueUnit = 'jobs' | 'count' | 'ms' | 'jobs/min' | 'ratio' | 'percent';

export const ALERT_METRIC_INFO: Record<AlertMetric, { label: string; scope: AlertMetricScope; unit: ValueUnit; description: string }> = {
  queueLength: { label: 'Queue', scope: 'queue', unit: 'jobs', description: 'Pending jobs' },
  waitTimeMs: { label: 'Wait time', scope: 'queue', unit: 'ms', description: 'Wait time, 95th percentile' },
  processingRatePerMin: { label: 'Processing rate', scope: 'queue', unit: 'jobs/min', description: 'Jobs finished per minute' },
  failureRate: { label: 'Failure rate', scope: 'queue', unit: 'ratio', description: 'Failed ÷ finished jobs in the metrics window' },
  failedJobs: { label: 'Failed jobs', scope: 'queue', unit: 'count', description: 'Jobs failed in the metrics window' },
  stuckJobs: { label: 'Stuck jobs', scope: 'queue', unit: 'count', description: 'Running jobs with no progress past the stuck threshold' },
  workersLost: { label: 'Workers lost', scope: 'cluster', unit: 'count', description: 'Worker nodes that stopped reporting' },
  cpuPercent: { label: 'CPU', scope: 'node', unit: 'percent', description: 'CPU use of a node' },
  memoryPercent: { label: 'Memory', scope: 'node', unit: 'percent', description: 'Memory use of a node' },
  diskIoPercent: { label: 'Disk I/O', scope: 'node', unit: 'percent', description: 'Disk I/O use of a node' },
  networkPercent: { label: 'Network', scope: 'node', unit: 'percent', description: 'Network use of a node' },
};

function trimNumber(n: number, digits = 1): string {
  return String(Number(n.toFixed(digits)));
}

/** A duration in the largest unit it is a whole or one-decimal number of: "850 ms", "45 s", "10 min", "1.5 h". */
function compactDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1000)} s`;
  if (ms < 3_600_000) return `${trimNumber(ms / 60_000)} min`;
  return `${trimNumber(ms / 3_600_000)} h`;
}

/** A reading or threshold in its metric's unit: "120 jobs", "10%", "10 min", "4.5 jobs/min", "92%". */
export function formatAlertValue(metric: AlertMetric, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (ALERT_METRIC_INFO[metric].unit) {
    case 'jobs':
      return `${Math.round(value)} ${Math.round(value) === 1 ? 'job' : 'jobs'}`;
    case 'count':
      return trimNumber(value);
    case 'ms':
      return compactDuration(value);
    case 'jobs/min':
      return `${trimNumber(value)} jobs/min`;
    case 'ratio':
      return `${trimNumber(value * 100)}%`;
    case 'percent':
      return `${trimNumber(value)}%`;
  }
}

// ---------------------------------------------------------------- rules

export const ALERT_OPS = ['above', 'below'] as const;
export const AlertOp = z.enum(ALERT_OPS);
export type AlertOp = z.infer<typeof AlertOp>;

export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export const AlertSeverity = z.enum(ALERT_SEVERITIES);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** A worker node id as the cluster reports it. */
export const NodeId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:@-]+$/, 'a node id as the cluster lists it: letters, digits and . _ : @ -');

export const AlertChannelId = z.string().min(1).max(100);

/** Defaults a rule gets for what it leaves out (Grafana's 1 min pending, Alertmanager's 4 h repeat). */
export const ALERT_RULE_DEFAULTS = { forSeconds: 60, keepFiringForSeconds: 60, repeatMinutes: 240 } as const;

const ruleFields = {
  name: z.string().trim().min(1, 'a name, e.g. "Queue > 100 jobs"').max(100, 'a name of at most 100 characters'),
  metric: AlertMetric,
  /** Scope: one job type's queue (queue metrics only). */
  queue: JobType.optional(),
  /** Scope: one worker node (node metrics only); without it each node is watched on its own. */
  node: NodeId.optional(),
  op: AlertOp,
  threshold: z.number().finite('a finite number').min(0, 'a threshold of 0 or more'),
  /** How long the condition must hold before the alert fires (the pending period). */
  forSeconds: z.int().min(0).max(86_400, 'at most a day (86400 s)').default(ALERT_RULE_DEFAULTS.forSeconds),
  /** Hysteresis: a firing alert resolves only once the value is back past this (not just past the threshold). */
  clearThreshold: z.number().finite('a finite number').min(0, 'a clear threshold of 0 or more').optional(),
  /** A firing alert resolves only after the condition has stayed clear this long (flapping protection). */
  keepFiringForSeconds: z.int().min(0).max(86_400, 'at most a day (86400 s)').default(ALERT_RULE_DEFAULTS.keepFiringForSeconds),
  severity: AlertSeverity,
  channels: z.array(AlertChannelId).max(20, 'at most 20 channels').default([]),
  /** Notify again this often while firing and not acknowledged; 0 notifies once. */
  repeatMinutes: z.int().min(0).max(7 * 24 * 60, 'at most a week (10080 min)').default(ALERT_RULE_DEFAULTS.repeatMinutes),
  enabled: z.boolean().default(true),
};

type RuleFields = { metric: AlertMetric; queue?: string | undefined; node?: string | undefined; op: AlertOp; threshold: number; clearThreshold?: number | undefined; channels: string[] };

/** The checks one field cannot make alone; each message says what is wrong and what to do. */
function checkRule(rule: RuleFields, ctx: z.RefinementCtx): void {
  const info = ALERT_METRIC_INFO[rule.metric];
  if (rule.queue !== undefined && rule.node !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['node'], message: 'give a queue or a node as the scope, not both' });
  }
  if (rule.queue !== undefined && info.scope !== 'queue') {
    ctx.addIssue({ code: 'custom', path: ['queue'], message: `${rule.metric} is not a queue metric: leave out queue${info.scope === 'node' ? ' (use node to watch one node)' : ''}` });
  }
  if (rule.node !== undefined && info.scope !== 'node') {
    ctx.addIssue({ code: 'custom', path: ['node'], message: `${rule.metric} is not a node metric: leave out node${info.scope === 'queue' ? ' (use queue to watch one job type)' : ''}` });
  }
  const max = info.unit === 'ratio' ? 1 : info.unit === 'percent' ? 100 : undefined;
  const range = info.unit === 'ratio' ? 'a ratio from 0 to 1, e.g. 0.1 for 10%' : 'a percentage from 0 to 100';
  if (max !== undefined && rule.threshold > max) {
    ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${rule.metric} is ${range}` });
  }
  if (max !== undefined && rule.clearThreshold !== undefined && rule.clearThreshold > max) {
    ctx.addIssue({ code: 'custom', path: ['clearThreshold'], message: `${rule.metric} is ${range}` });
  }
  if (rule.clearThreshold !== undefined) {
    const shown = (v: number) => formatAlertValue(rule.metric, v);
    if (rule.op === 'above' && rule.clearThreshold >= rule.threshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearThreshold'],
        message: `must be below the threshold (${shown(rule.threshold)}) for an "above" rule: the alert resolves once the value falls to the clear threshold; ${shown(rule.clearThreshold)} is not below it`,
      });
    }
    if (rule.op === 'below' && rule.clearThreshold <= rule.threshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearThreshold'],
        message: `must be above the threshold (${shown(rule.threshold)}) for a "below" rule: the alert resolves once the value rises to the clear threshold; ${shown(rule.clearThreshold)} is not above it`,
      });
    }
  }
  if (new Set(rule.channels).size !== rule.channels.length) {
    ctx.addIssue({ code: 'custom', path: ['channels'], message: 'lists a channel twice: name each channel once' });
  }
}

/** `POST /api/v1/alerts/rules` and `PUT /api/v1/alerts/rules/:id` (admin). Unknown fields are refused. */
export const CreateAlertRuleRequest = z.strictObject(ruleFields).superRefine(checkRule);
export type CreateAlertRuleRequest = z.input<typeof CreateAlertRuleRequest>;

/**
 * A rule the cluster stores and evaluates (the desktop's own local rules are `AlertRule` in
 * thresholds.ts).
 */
export const ClusterAlertRule = z.object({ id: z.string().min(1).max(100), ...ruleFields }).superRefine(checkRule);
export type ClusterAlertRule = z.infer<typeof ClusterAlertRule>;

export const ClusterAlertRuleList = z.object({ items: z.array(ClusterAlertRule) });

/** What a rule's label is made of; a draft in a form qualifies as well as a stored rule. */
export type RuleLabelFields = Pick<ClusterAlertRule, 'metric' | 'op' | 'threshold'> & { queue?: string | undefined; node?: string | undefined };

/** A rule in words from its values: "Failure rate > 10%", "Queue > 100 jobs (backtest)", "CPU > 90% (node-2)". */
export function alertRuleLabel(rule: RuleLabelFields): string {
  const base = `${ALERT_METRIC_INFO[rule.metric].label} ${rule.op === 'above' ? '>' : '<'} ${formatAlertValue(rule.metric, rule.threshold)}`;
  const scope = rule.queue ?? rule.node;
  return scope === undefined ? base : `${base} (${scope})`;
}

function defaultRule(id: string, fields: Pick<ClusterAlertRule, 'metric' | 'threshold' | 'severity'>): ClusterAlertRule {
  const rule = { id, op: 'above' as const, ...fields };
  return ClusterAlertRule.parse({ ...rule, name: alertRuleLabel(rule) });
}

/** The rules every cluster starts with: queue > 100 jobs, failure rate > 10%, stuck jobs > 5, wait time > 10 min. */
export const DEFAULT_CLUSTER_ALERT_RULES: readonly ClusterAlertRule[] = [
  defaultRule('queue-length', { metric: 'queueLength', threshold: 100, severity: 'warning' }),
  defaultRule('failure-rate', { metric: 'failureRate', threshold: 0.1, severity: 'critical' }),
  defaultRule('stuck-jobs', { metric: 'stuckJobs', threshold: 5, severity: 'critical' }),
  defaultRule('wait-time', { metric: 'waitTimeMs', threshold: 10 * 60_000, severity: 'warning' }),
];

// ---------------------------------------------------------------- alerts

/** Where an alert instance applies: the whole cluster, one queue (job type) or one node. */
export const AlertScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cluster') }),
  z.object({ kind: z.literal('queue'), queue: JobType }),
  z.object({ kind: z.literal('node'), node: NodeId }),
]);
export type AlertScope = z.infer<typeof AlertScope>;

/** "cluster", "queue:backtest", "node:worker-2": one part of an alert's dedup key. */
export function scopeKey(scope: AlertScope): string {
  return scope.kind === 'cluster' ? 'cluster' : scope.kind === 'queue' ? `queue:${scope.queue}` : `node:${scope.node}`;
}

/**
 * One alert per rule and scope at a time (PagerDuty's dedup key): a rule watching each node has
 * one key per node, so node-1 firing and node-2 firing are two alerts, and the same one firing on
 * every evaluation is one.
 */
export function alertDedupKey(ruleId: string, scope: AlertScope): string {
  return `${ruleId}/${scopeKey(scope)}`;
}

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export const AlertState = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof AlertState>;

/** One alert as `GET /api/v1/alerts` lists it. */
export const Alert = z.object({
  id: z.string().min(1),
  ruleId: z.string().min(1),
  state: AlertState,
  severity: AlertSeverity,
  /** The reading at the last evaluation. */
  value: z.number(),
  /** When it started firing (for a pending alert: when the condition first held). */
  startedAt: Instant,
  resolvedAt: Instant.optional(),
  acknowledgedBy: z.string().optional(),
  /** What fired, in words: "Failure rate > 10% (backtest): 23%". */
  message: z.string(),
  ruleName: z.string().optional(),
  metric: AlertMetric.optional(),
  scope: AlertScope.optional(),
  dedupKey: z.string().optional(),
  acknowledgedAt: Instant.optional(),
  /** Set while a silence covers it: notifications are held back until then. */
  silencedUntil: Instant.optional(),
});
export type Alert = z.infer<typeof Alert>;

export const ListAlertsQuery = z.strictObject({
  state: z.enum(['pending', 'firing', 'resolved', 'all']).default('firing'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 500))
    .default(50),
});
export type ListAlertsQuery = z.infer<typeof ListAlertsQuery>;

export const AlertPage = z.object({ items: z.array(Alert), nextCursor: z.string().nullable() });
export type AlertPage = z.infer<typeof AlertPage>;

export const AcknowledgeAlertRequest = z.strictObject({ note: z.string().max(500).optional() });

/** Longest silence: a week, so a forgotten silence cannot hide a problem for good. */
export const MAX_SILENCE_MS = 7 * 24 * 3600_000;

/** `POST /api/v1/alerts/:id/actions/silence`: hold back this alert's rule and scope until `until`. */
export const SilenceAlertRequest = z.strictObject({ until: Instant, comment: z.string().max(500).optional() });
export type SilenceAlertRequest = z.infer<typeof SilenceAlertRequest>;

/**
 * A silence: notifications of alerts it matches are held back until `until`. It matches by rule,
 * by scope (a queue or a node) or both; each given field must match.
 */
export const AlertSilence = z
  .object({
    id: z.string().min(1),
    ruleId: z.string().min(1).optional(),
    queue: JobType.optional(),
    node: NodeId.optional(),
    until: Instant,
    createdBy: z.string(),
    createdAt: Instant,
    comment: z.string().max(500).optional(),
  })
  .refine((s) => s.ruleId !== undefined || s.queue !== undefined || s.node !== undefined, {
    message: 'a silence needs a rule, a queue or a node to match: one that matches everything would hide every alert',
    path: ['ruleId'],
  })
  .refine((s) => s.queue === undefined || s.node === undefined, { message: 'give a queue or a node, not both', path: ['node'] });
export type AlertSilence = z.infer<typeof AlertSilence>;

/** Whether a silence holds back alerts of this rule and scope at `now`. */
export function silenceMatches(silence: AlertSilence, ruleId: string, scope: AlertScope, now: number): boolean {
  if (Date.parse(silence.until) <= now) return false;
  if (silence.ruleId !== undefined && silence.ruleId !== ruleId) return false;
  if (silence.queue !== undefined && (scope.kind !== 'queue' || scope.queue !== silence.queue)) return false;
  if (silence.node !== undefined && (scope.kind !== 'node' || scope.node !== silence.node)) return false;
  return true;
}

// ---------------------------------------------------------------- evaluation state and notifications

/**
 * One alert the cluster is tracking (pending or firing), as it persists between evaluations. A
 * resolved alert leaves this set and lives on in the alert history.
 */
export const AlertInstance = z.object({
  /** This episode's alert id: a new one each time the condition starts to hold again. */
  id: z.string().min(1),
  dedupKey: z.string().min(1),
  ruleId: z.string().min(1),
  ruleName: z.string(),
  metric: AlertMetric,
  scope: AlertScope,
  severity: AlertSeverity,
  state: z.enum(['pending', 'firing']),
  value: z.number(),
  /** When the condition started to hold (the pending period counts from here). */
  activeSince: Instant,
  /** When it started firing. */
  startedAt: Instant.optional(),
  /** While firing: since when the value has been back past the clear threshold (the resolve hold counts from here). */
  clearSince: Instant.optional(),
  /** The last firing or repeat notification; absent while none went out (e.g. held back by a silence). */
  notifiedAt: Instant.optional(),
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: Instant.optional(),
  /** The channels it notifies, kept so a deleted rule's alert can still say it resolved. */
  channels: z.array(AlertChannelId),
  message: z.string(),
});
export type AlertInstance = z.infer<typeof AlertInstance>;

export const ALERT_NOTIFICATION_KINDS = ['firing', 'resolved', 'repeat'] as const;
export const AlertNotificationKind = z.enum(ALERT_NOTIFICATION_KINDS);
export type AlertNotificationKind = z.infer<typeof AlertNotificationKind>;

/** One alert to tell its channels about: it fired, it still fires (repeat) or it resolved. */
export const AlertNotification = z.object({
  kind: AlertNotificationKind,
  alert: Alert,
  channels: z.array(AlertChannelId),
  at: Instant,
});
export type AlertNotification = z.infer<typeof AlertNotification>;

/** A notification waiting to go out on one channel (grouped with others that arrive close together). */
export const QueuedAlertNotification = z.object({
  channelId: AlertChannelId,
  notification: AlertNotification,
  queuedAt: Instant,
});
export type QueuedAlertNotification = z.infer<typeof QueuedAlertNotification>;

/**
 * What is wrong with a silence's end, in words, or null when it is fine: it must lie ahead and
 * within MAX_SILENCE_MS of `now`.
 */
export function silenceUntilProblem(until: string, now: number): string | null {
  const end = Date.parse(until);
  if (end <= now) return `until (${until}) has passed: give a time in the future`;
  if (end - now > MAX_SILENCE_MS) return 'until is more than 7 days ahead: silence for at most a week, and silence again if needed';
  return null;
}
