import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { describeZodError } from './api.ts';
import { CreateAlertChannelRequest, publicAlertChannel, type StoredAlertChannel } from './alert-channels.ts';
import {
  AlertSilence,
  ClusterAlertRule,
  CreateAlertRuleRequest,
  DEFAULT_CLUSTER_ALERT_RULES,
  alertDedupKey,
  alertRuleLabel,
  formatAlertValue,
  silenceMatches,
  silenceUntilProblem,
} from './alerts.ts';
import { DEFAULT_ALERT_RULES } from './thresholds.ts';

function errorsOf(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a parse failure');
  return describeZodError(r.error);
}

const rule = { name: 'Failures', metric: 'failureRate', op: 'above', threshold: 0.1, severity: 'critical', channels: ['c1'] };

describe('alert rules', () => {
  it('fills in the pending period, resolve hold, repeat interval and enabled', () => {
    expect(CreateAlertRuleRequest.parse(rule)).toEqual({ ...rule, forSeconds: 60, keepFiringForSeconds: 60, repeatMinutes: 240, enabled: true });
  });

  it('says a clear threshold on the firing side of the threshold is wrong, and why', () => {
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, clearThreshold: 0.2 })).toBe(
      'clearThreshold: must be below the threshold (10%) for an "above" rule: the alert resolves once the value falls to the clear threshold; 20% is not below it',
    );
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, op: 'below', metric: 'processingRatePerMin', threshold: 5, clearThreshold: 4 })).toMatch(
      /^clearThreshold: must be above the threshold \(5 jobs\/min\) for a "below" rule/,
    );
    expect(CreateAlertRuleRequest.parse({ ...rule, clearThreshold: 0.05 }).clearThreshold).toBe(0.05);
  });

  it('refuses a scope the metric does not have, a ratio past 1 and unknown fields', () => {
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, metric: 'cpuPercent', threshold: 90, queue: 'backtest' })).toBe(
      'queue: cpuPercent is not a queue metric: leave out queue (use node to watch one node)',
    );
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, node: 'w1' })).toBe('node: failureRate is not a node metric: leave out node (use queue to watch one job type)');
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, threshold: 10 })).toBe('threshold: failureRate is a ratio from 0 to 1, e.g. 0.1 for 10%');
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, metric: 'memoryPercent', threshold: 120 })).toBe('threshold: memoryPercent is a percentage from 0 to 100');
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, treshold: 1 })).toMatch(/treshold/);
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, channels: ['c1', 'c1'] })).toBe('channels: lists a channel twice: name each channel once');
    expect(errorsOf(CreateAlertRuleRequest, { ...rule, queue: 'nope' })).toMatch(/^queue: /);
  });

  it('labels rules from their values, the way the default rules read', () => {
    expect(DEFAULT_CLUSTER_ALERT_RULES.map((r) => alertRuleLabel(r))).toEqual(['Queue > 100 jobs', 'Failure rate > 10%', 'Stuck jobs > 5', 'Wait time > 10 min']);
    // The desktop's local rules say the same words, so nothing reads differently while both exist.
    expect(DEFAULT_CLUSTER_ALERT_RULES.map((r) => r.name)).toEqual(DEFAULT_ALERT_RULES.map((r) => r.description));
    expect(alertRuleLabel({ metric: 'cpuPercent', op: 'above', threshold: 92.5, node: 'w-2' })).toBe('CPU > 92.5% (w-2)');
    expect(alertRuleLabel({ metric: 'processingRatePerMin', op: 'below', threshold: 5, queue: 'backtest' })).toBe('Processing rate < 5 jobs/min (backtest)');
    expect(DEFAULT_CLUSTER_ALERT_RULES.every((r) => ClusterAlertRule.safeParse(r).success && r.enabled)).toBe(true);
  });

  it('formats values in their unit', () => {
    expect(formatAlertValue('waitTimeMs', 90_000)).toBe('1.5 min');
    expect(formatAlertValue('waitTimeMs', 45_000)).toBe('45 s');
    expect(formatAlertValue('waitTimeMs', 2 * 3_600_000)).toBe('2 h');
    expect(formatAlertValue('queueLength', 1)).toBe('1 job');
    expect(formatAlertValue('failureRate', 0.2346)).toBe('23.5%');
    expect(formatAlertValue('stuckJobs', null)).toBe('—');
  });
});

describe('silences and dedup keys', () => {
  const silence = AlertSilence.parse({ id: 's1', queue: 'backtest', until: '2026-01-01T01:00:00.000Z', createdBy: 'ops', createdAt: '2026-01-01T00:00:00.000Z' });
  const at = (iso: string) => Date.parse(iso);

  it('matches by scope until its end, and not past it', () => {
    expect(silenceMatches(silence, 'any', { kind: 'queue', queue: 'backtest' }, at('2026-01-01T00:30:00Z'))).toBe(true);
    expect(silenceMatches(silence, 'any', { kind: 'queue', queue: 'training' }, at('2026-01-01T00:30:00Z'))).toBe(false);
    expect(silenceMatches(silence, 'any', { kind: 'cluster' }, at('2026-01-01T00:30:00Z'))).toBe(false);
    expect(silenceMatches(silence, 'any', { kind: 'queue', queue: 'backtest' }, at('2026-01-01T01:00:00Z'))).toBe(false);
  });

  it('refuses a silence that would match everything', () => {
    expect(errorsOf(AlertSilence, { id: 's', until: '2026-01-01T01:00:00Z', createdBy: 'x', createdAt: '2026-01-01T00:00:00Z' })).toMatch(/^ruleId: a silence needs a rule, a queue or a node/);
  });

  it('keys one alert per rule and scope', () => {
    expect(alertDedupKey('cpu', { kind: 'node', node: 'w1' })).not.toBe(alertDedupKey('cpu', { kind: 'node', node: 'w2' }));
    expect(alertDedupKey('r', { kind: 'cluster' })).toBe('r/cluster');
  });
});

describe('alert channels', () => {
  const email = { name: 'Ops mail', kind: 'email', host: '127.0.0.1', port: 2525, username: 'u', password: 'hunter2', from: 'Sigmatiq <alerts@example.com>', to: ['ops@example.com'] };
  const sms = { name: 'Pager', kind: 'sms', provider: 'twilio', accountSid: `AC${'a'.repeat(32)}`, authToken: 'tok-secret', from: '+15550001111', to: ['+15550002222'] };

  it('accepts each kind in its wire shape, with http to loopback and private hosts', () => {
    expect(CreateAlertChannelRequest.parse(email).kind).toBe('email');
    expect(CreateAlertChannelRequest.parse({ name: 'S', kind: 'slack', webhookUrl: 'http://127.0.0.1:9999/hook' }).kind).toBe('slack');
    expect(CreateAlertChannelRequest.parse({ ...sms, apiBaseUrl: 'http://10.0.0.5:8080' }).kind).toBe('sms');
    expect(CreateAlertChannelRequest.parse({ name: 'W', kind: 'webhook', url: 'http://192.168.1.20/h', secret: 'x'.repeat(16) }).kind).toBe('webhook');
  });

  it('says what is wrong with a bad channel', () => {
    expect(errorsOf(CreateAlertChannelRequest, { name: 'S', kind: 'slack', webhookUrl: 'http://hooks.slack.com/services/x' })).toBe(
      'webhookUrl: use https for hooks.slack.com: plain http is accepted only for loopback and private hosts',
    );
    expect(errorsOf(CreateAlertChannelRequest, { name: 'S', kind: 'slack', webhookUrl: 'ftp://x' })).toMatch(/^webhookUrl: an http\(s\) URL/);
    expect(errorsOf(CreateAlertChannelRequest, { ...sms, to: ['555-1234'] })).toBe('to.0: a phone number in international form, e.g. +15551234567');
    expect(errorsOf(CreateAlertChannelRequest, { ...email, to: [] })).toBe('to: at least one recipient');
    expect(errorsOf(CreateAlertChannelRequest, { name: 'P', kind: 'pigeon' })).toMatch(/kind/);
  });

  it('never shows a secret in the public shape', () => {
    const stored: StoredAlertChannel[] = [
      { ...CreateAlertChannelRequest.parse(email), id: 'e' },
      { ...CreateAlertChannelRequest.parse(sms), id: 's' },
      { ...CreateAlertChannelRequest.parse({ name: 'S', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T1/B2/SECRETPATH' }), id: 'k' },
      { ...CreateAlertChannelRequest.parse({ name: 'W', kind: 'webhook', url: 'https://ops.example.com/h?token=SECRETQ', secret: 'signing-secret-123' }), id: 'w' },
    ];
    const text = JSON.stringify(stored.map(publicAlertChannel));
    for (const secret of ['hunter2', 'tok-secret', 'SECRETPATH', 'SECRETQ', 'signing-secret-123']) expect(text).not.toContain(secret);
    expect(stored.map(publicAlertChannel)).toMatchObject([{ passwordSet: true }, { accountSid: sms.accountSid }, { webhookUrlHint: 'https://hooks.slack.com/…' }, { secretSet: true }]);
  });
});

describe('silence ends', () => {
  it('must lie ahead, within a week', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(silenceUntilProblem('2026-01-01T01:00:00Z', now)).toBeNull();
    expect(silenceUntilProblem('2025-12-31T23:00:00Z', now)).toBe('until (2025-12-31T23:00:00Z) has passed: give a time in the future');
    expect(silenceUntilProblem('2026-01-09T00:00:00Z', now)).toMatch(/^until is more than 7 days ahead/);
  });
});
