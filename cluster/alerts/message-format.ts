/**
 * What a notification says on each channel, as pure functions of a batch (one alert or a group):
 * an email subject and body, a Slack Block Kit payload for an incoming webhook, an SMS text and a
 * generic webhook's JSON with its HMAC-SHA256 signature. Every form names the rule and says FIRING
 * or RESOLVED, lists each alert of a group, and links back to the admin app. Sending (SMTP, HTTP,
 * retries, rate limits) is the delivery code's job; nothing here does I/O or reads a clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatAlertValue, scopeKey, type Alert, type AlertNotification } from '../../contract/alerts.ts';

export interface MessageContext {
  /** The cluster's name, so an admin of several clusters knows which one speaks. */
  clusterName: string;
  /** The admin app, for the "open" link. */
  adminUrl: string;
  /** A link to one alert in the admin app; without it every link goes to `adminUrl`. */
  alertUrl?: (alertId: string) => string;
}

/** The header carrying a webhook body's signature: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Sigmatiq-Signature';

/** Slack allows 50 blocks per message; the rest of a large group is counted, not listed. */
const SLACK_MAX_LISTED = 40;
const SMS_MAX = 160;

/** No line breaks or control characters in one-line fields (an email subject must not grow headers). */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function statusOf(n: AlertNotification): 'FIRING' | 'RESOLVED' {
  return n.kind === 'resolved' ? 'RESOLVED' : 'FIRING';
}

/** "FIRING", "RESOLVED" or, for a mixed group, "FIRING 28, RESOLVED 2". */
export function headlineStatus(batch: readonly AlertNotification[]): string {
  const firing = batch.filter((n) => n.kind !== 'resolved').length;
  const resolved = batch.length - firing;
  if (batch.length === 1) return statusOf(batch[0]!);
  if (resolved === 0) return `FIRING ${firing}`;
  if (firing === 0) return `RESOLVED ${resolved}`;
  return `FIRING ${firing}, RESOLVED ${resolved}`;
}

/** The rule's name and where: "Queue > 100 jobs (backtest)" (a name already naming its scope is left as is). */
export function alertTitle(alert: Alert): string {
  const name = oneLine(alert.ruleName ?? alert.ruleId);
  const where = alert.scope === undefined || alert.scope.kind === 'cluster' ? undefined : scopeKey(alert.scope).replace(/^\w+:/, '');
  return where === undefined || name.includes(where) ? name : `${name} (${where})`;
}

function valueText(n: AlertNotification): string {
  // Without a metric (a test message) the alert's own message says what there is to say.
  if (n.alert.metric === undefined) return oneLine(n.alert.message);
  const value = formatAlertValue(n.alert.metric, n.alert.value);
  return n.kind === 'resolved' ? `back to ${value}` : value;
}

/** "2026-03-01 12:00 UTC": the same for every reader, whatever their locale. */
function utc(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
}

function linkOf(alert: Alert, ctx: MessageContext): string {
  return ctx.alertUrl ? ctx.alertUrl(alert.id) : ctx.adminUrl;
}

function whenText(n: AlertNotification): string {
  if (n.kind === 'resolved') return `resolved ${utc(n.alert.resolvedAt ?? n.at)}, fired ${utc(n.alert.startedAt)}`;
  return `${n.kind === 'repeat' ? 'still firing' : 'firing'} since ${utc(n.alert.startedAt)}`;
}

/** "Queue > 100 jobs, Failure rate > 10% and 28 more". */
function ruleList(batch: readonly AlertNotification[], shown: number): string {
  const titles = batch.slice(0, shown).map((n) => alertTitle(n.alert));
  const more = batch.length - titles.length;
  return more > 0 ? `${titles.join(', ')} and ${more} more` : titles.join(', ');
}

// ---------------------------------------------------------------- email

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function emailMessage(batch: readonly AlertNotification[], ctx: MessageContext): EmailMessage {
  const cluster = oneLine(ctx.clusterName);
  const first = batch[0]!;
  const subject =
    batch.length === 1
      ? `[${statusOf(first)}${first.kind === 'resolved' ? '' : ` ${first.alert.severity}`}] ${alertTitle(first.alert)}: ${valueText(first)} on ${cluster}`
      : `[${headlineStatus(batch)}] ${cluster}: ${ruleList(batch, 3)}`;
  const lines = batch.map((n) => `${statusOf(n)}  ${n.alert.severity}  ${alertTitle(n.alert)}: ${valueText(n)} (${whenText(n)})\n  ${linkOf(n.alert, ctx)}`);
  const text = [`Cluster ${cluster}: ${batch.length === 1 ? 'one alert' : `${batch.length} alerts`}.`, '', ...lines, '', `Open Sigmatiq Admin Jobs: ${ctx.adminUrl}`, ''].join('\n');
  const rows = batch
    .map(
      (n) =>
        `<tr><td><strong>${statusOf(n)}</strong></td><td>${escapeHtml(n.alert.severity)}</td><td><a href="${escapeHtml(linkOf(n.alert, ctx))}">${escapeHtml(alertTitle(n.alert))}</a></td><td>${escapeHtml(valueText(n))}</td><td>${escapeHtml(whenText(n))}</td></tr>`,
    )
    .join('');
  const html = `<p>Cluster <strong>${escapeHtml(cluster)}</strong>: ${batch.length === 1 ? 'one alert' : `${batch.length} alerts`}.</p><table cellpadding="4"><tr><th>Status</th><th>Severity</th><th>Rule</th><th>Value</th><th>When</th></tr>${rows}</table><p><a href="${escapeHtml(ctx.adminUrl)}">Open Sigmatiq Admin Jobs</a></p>`;
  return { subject, text, html };
}

// ---------------------------------------------------------------- Slack

/** Slack mrkdwn treats &, < and > as control characters; everything else is shown as written. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  text: string;
  blocks: Record<string, unknown>[];
}

/** An incoming-webhook body: a header, one section per alert, a context line and a link button. */
export function slackMessage(batch: readonly AlertNotification[], ctx: MessageContext): SlackMessage {
  const cluster = oneLine(ctx.clusterName);
  const title = batch.length === 1 ? `${statusOf(batch[0]!)}: ${alertTitle(batch[0]!.alert)}` : `${headlineStatus(batch)}: ${ruleList(batch, 2)}`;
  const header = `${title} (${cluster})`;
  const listed = batch.slice(0, SLACK_MAX_LISTED);
  const sections = listed.map((n) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${n.kind === 'resolved' ? ':large_green_circle:' : n.alert.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:'} *${statusOf(n)}* · *${escapeMrkdwn(alertTitle(n.alert))}*: ${escapeMrkdwn(valueText(n))}\n${n.alert.severity} · ${whenText(n)} · <${escapeMrkdwn(linkOf(n.alert, ctx))}|View alert>`,
    },
  }));
  const more = batch.length - listed.length;
  return {
    text: header,
    blocks: [
      // Header text is plain and at most 150 characters.
      { type: 'header', text: { type: 'plain_text', text: header.length > 150 ? `${header.slice(0, 149)}…` : header } },
      ...sections,
      ...(more > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more in the admin app` }] }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Cluster *${escapeMrkdwn(cluster)}* · ${batch.length === 1 ? 'one alert' : `${batch.length} alerts`}` }] },
      // A link button only for a web address: Slack is documented for http(s) links, and a block it
      // refuses makes it refuse the whole message (invalid_blocks), so the alert would not arrive.
      ...(/^https?:\/\//i.test(ctx.adminUrl) ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open Sigmatiq Admin Jobs' }, url: ctx.adminUrl }] }] : []),
    ],
  };
}

// ---------------------------------------------------------------- SMS

/**
 * One short text: "[prod] FIRING: Failure rate > 10% (backtest): 23% <link>". It is cut to fit
 * one 160-character SMS with its link; a link too long for that is left out rather than cut.
 */
export function smsText(batch: readonly AlertNotification[], ctx: MessageContext): string {
  const first = batch[0]!;
  const head =
    batch.length === 1
      ? `[${oneLine(ctx.clusterName)}] ${statusOf(first)}: ${alertTitle(first.alert)}: ${valueText(first)}`
      : `[${oneLine(ctx.clusterName)}] ${headlineStatus(batch)}: ${ruleList(batch, 2).replace(/ and (\d+) more$/, ' +$1 more')}`;
  const link = batch.length === 1 ? linkOf(first.alert, ctx) : ctx.adminUrl;
  if (head.length + 1 + link.length <= SMS_MAX) return `${head} ${link}`;
  const room = SMS_MAX - 1 - link.length;
  if (room >= 60) return `${head.slice(0, room - 1)}… ${link}`;
  return head.length <= SMS_MAX ? head : `${head.slice(0, SMS_MAX - 1)}…`;
}

// ---------------------------------------------------------------- webhook

export interface WebhookPayload {
  version: 1;
  /** "firing" while any alert in it fires, else "resolved". */
  status: 'firing' | 'resolved';
  cluster: string;
  /** The batch's key: a receiver can drop a delivery it has seen (retries resend the same key). */
  groupKey: string;
  summary: string;
  url: string;
  alerts: {
    id: string;
    dedupKey: string;
    ruleId: string;
    ruleName: string;
    notification: AlertNotification['kind'];
    status: 'firing' | 'resolved';
    severity: Alert['severity'];
    metric?: Alert['metric'];
    scope?: Alert['scope'];
    value: number;
    valueText: string;
    message: string;
    startedAt: string;
    resolvedAt?: string;
    acknowledgedBy?: string;
    url: string;
  }[];
}

export function webhookPayload(batch: readonly AlertNotification[], ctx: MessageContext, groupKey: string): WebhookPayload {
  return {
    version: 1,
    status: batch.some((n) => n.kind !== 'resolved') ? 'firing' : 'resolved',
    cluster: ctx.clusterName,
    groupKey,
    summary: `${headlineStatus(batch)}: ${ruleList(batch, 3)}`,
    url: ctx.adminUrl,
    alerts: batch.map((n) => ({
      id: n.alert.id,
      dedupKey: n.alert.dedupKey ?? `${n.alert.ruleId}/${n.alert.scope ? scopeKey(n.alert.scope) : 'cluster'}`,
      ruleId: n.alert.ruleId,
      ruleName: n.alert.ruleName ?? n.alert.ruleId,
      notification: n.kind,
      status: n.kind === 'resolved' ? 'resolved' : 'firing',
      severity: n.alert.severity,
      ...(n.alert.metric !== undefined ? { metric: n.alert.metric } : {}),
      ...(n.alert.scope !== undefined ? { scope: n.alert.scope } : {}),
      value: n.alert.value,
      valueText: valueText(n),
      message: n.alert.message,
      startedAt: n.alert.startedAt,
      ...(n.alert.resolvedAt !== undefined ? { resolvedAt: n.alert.resolvedAt } : {}),
      ...(n.alert.acknowledgedBy !== undefined ? { acknowledgedBy: n.alert.acknowledgedBy } : {}),
      url: linkOf(n.alert, ctx),
    })),
  };
}

/** The signature header value for a raw body: `sha256=` and the hex HMAC-SHA256 under the channel's secret. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does with the header: recompute and compare in constant time. */
export function verifyWebhookSignature(body: string, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------- test messages

/** What "Send test" sends: a made-up firing alert that says it is a test, through the same formatting. */
export function testNotification(channelId: string, now: number): AlertNotification {
  const at = new Date(now).toISOString();
  return {
    kind: 'firing',
    channels: [channelId],
    at,
    alert: {
      id: `test-${channelId}-${now}`,
      ruleId: 'test',
      ruleName: 'Test notification (no action needed)',
      state: 'firing',
      severity: 'warning',
      value: 0,
      startedAt: at,
      message: 'A test from Sigmatiq Admin Jobs: this channel works.',
    },
  };
}
