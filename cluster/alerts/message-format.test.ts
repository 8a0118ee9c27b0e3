import { describe, expect, it } from 'vitest';
import type { AlertNotification } from '../../contract/alerts.ts';
import { emailMessage, signWebhookBody, slackMessage, smsText, testNotification, verifyWebhookSignature, webhookPayload, type MessageContext } from './message-format.ts';

const ctx: MessageContext = { clusterName: 'prod', adminUrl: 'https://admin.example.com', alertUrl: (id) => `https://admin.example.com/#/alerts/${id}` };
const at = '2026-03-01T12:00:00.000Z';

function failureRate(kind: AlertNotification['kind'] = 'firing', queue = 'backtest'): AlertNotification {
  return {
    kind,
    channels: ['c'],
    at,
    alert: {
      id: `a-${queue}`,
      ruleId: 'failure-rate',
      ruleName: 'Failure rate > 10%',
      metric: 'failureRate',
      scope: { kind: 'queue', queue: queue as 'backtest' },
      dedupKey: `failure-rate/queue:${queue}`,
      state: kind === 'resolved' ? 'resolved' : 'firing',
      severity: 'critical',
      value: kind === 'resolved' ? 0.02 : 0.23,
      startedAt: '2026-03-01T11:58:00.000Z',
      ...(kind === 'resolved' ? { resolvedAt: at } : {}),
      message: 'Failure rate > 10% (backtest): 23%',
    },
  };
}

/** 30 alerts: 28 firing and 2 resolved, as one batch. */
const group: AlertNotification[] = Array.from({ length: 30 }, (_, i) => {
  const n = failureRate(i < 28 ? 'firing' : 'resolved', `q${String(i).padStart(2, '0')}`);
  return { ...n, alert: { ...n.alert, ruleName: `Rule ${i}` } };
});

describe('email', () => {
  it('names the rule and says FIRING or RESOLVED in the subject', () => {
    expect(emailMessage([failureRate()], ctx).subject).toBe('[FIRING critical] Failure rate > 10% (backtest): 23% on prod');
    expect(emailMessage([failureRate('resolved')], ctx).subject).toBe('[RESOLVED] Failure rate > 10% (backtest): back to 2% on prod');
    const body = emailMessage([failureRate()], ctx);
    expect(body.text).toContain('firing since 2026-03-01 11:58 UTC');
    expect(body.text).toContain('https://admin.example.com/#/alerts/a-backtest');
    expect(body.html).toContain('<a href="https://admin.example.com/#/alerts/a-backtest">Failure rate &gt; 10% (backtest)</a>');
  });

  it('lists every alert of a group, with a subject counting them', () => {
    const mail = emailMessage(group, ctx);
    expect(mail.subject).toBe('[FIRING 28, RESOLVED 2] prod: Rule 0 (q00), Rule 1 (q01), Rule 2 (q02) and 27 more');
    for (let i = 0; i < 30; i++) expect(mail.text).toContain(`Rule ${i} (q${String(i).padStart(2, '0')})`);
  });

  it('keeps line breaks out of the subject', () => {
    const n = failureRate();
    expect(emailMessage([{ ...n, alert: { ...n.alert, ruleName: 'x\r\nBcc: evil@example.com' } }], ctx).subject).not.toMatch(/[\r\n]/);
  });
});

describe('Slack', () => {
  it('is a Block Kit message: header, a section per alert, context and a link button', () => {
    const msg = slackMessage([failureRate()], ctx);
    expect(msg.text).toBe('FIRING: Failure rate > 10% (backtest) (prod)');
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(JSON.stringify(msg.blocks[1])).toContain('*FIRING* · *Failure rate &gt; 10% (backtest)*: 23%');
    expect(JSON.stringify(msg.blocks[1])).toContain('<https://admin.example.com/#/alerts/a-backtest|View alert>');
    expect(msg.blocks[3]).toMatchObject({ elements: [{ type: 'button', url: 'https://admin.example.com' }] });
    expect(slackMessage([failureRate('resolved')], ctx).text).toMatch(/^RESOLVED: Failure rate > 10%/);
  });

  it('leaves the link button out when the app has no web address, rather than have Slack refuse the message', () => {
    const msg = slackMessage([failureRate()], { clusterName: 'prod', adminUrl: 'sigmatiq://alerts' });
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('stays within Slack limits for a large group and counts what it leaves out', () => {
    const big = [...group, ...group.map((n) => ({ ...n, alert: { ...n.alert, id: `${n.alert.id}-b` } }))];
    const msg = slackMessage(big, ctx);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg.blocks)).toContain('…and 20 more in the admin app');
    expect((msg.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
    expect(slackMessage(group, ctx).blocks.filter((b) => b.type === 'section')).toHaveLength(30);
  });
});

describe('SMS', () => {
  it('says status and rule within 160 characters, with a link', () => {
    const text = smsText([failureRate()], ctx);
    expect(text).toBe('[prod] FIRING: Failure rate > 10% (backtest): 23% https://admin.example.com/#/alerts/a-backtest');
    expect(smsText(group, ctx)).toBe('[prod] FIRING 28, RESOLVED 2: Rule 0 (q00), Rule 1 (q01) +28 more https://admin.example.com');
  });

  it('cuts a long text to fit, keeping the link', () => {
    const n = failureRate();
    const text = smsText([{ ...n, alert: { ...n.alert, ruleName: 'A very long rule name '.repeat(10) } }], ctx);
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^\[prod\] FIRING: A very long.*… https:\/\/admin\.example\.com\/#\/alerts\/a-backtest$/);
  });
});

describe('webhook', () => {
  it('sends JSON listing each alert, with a status and group key', () => {
    const payload = webhookPayload(group, ctx, 'hook@2026-03-01T12:00:10.000Z');
    expect(payload).toMatchObject({ version: 1, status: 'firing', cluster: 'prod', groupKey: 'hook@2026-03-01T12:00:10.000Z', url: 'https://admin.example.com' });
    expect(payload.alerts).toHaveLength(30);
    expect(payload.alerts[29]).toMatchObject({ status: 'resolved', ruleName: 'Rule 29', valueText: 'back to 2%', resolvedAt: at, dedupKey: 'failure-rate/queue:q29' });
    expect(webhookPayload([failureRate('resolved')], ctx, 'k').status).toBe('resolved');
  });

  it('signs the raw body with HMAC-SHA256, and a receiver can check it', () => {
    const body = JSON.stringify(webhookPayload([failureRate()], ctx, 'k'));
    const signature = signWebhookBody(body, 'shared-secret-0001');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    // Known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signWebhookBody('The quick brown fox jumps over the lazy dog', 'key')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(verifyWebhookSignature(body, 'shared-secret-0001', signature)).toBe(true);
    expect(verifyWebhookSignature(`${body} `, 'shared-secret-0001', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 'another-secret-01', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 'shared-secret-0001', undefined)).toBe(false);
  });
});

describe('test messages', () => {
  it('say they are a test on every channel', () => {
    const test = [testNotification('c1', Date.parse(at))];
    expect(emailMessage(test, ctx).subject).toBe('[FIRING warning] Test notification (no action needed): A test from Sigmatiq Admin Jobs: this channel works. on prod');
    expect(smsText(test, ctx).length).toBeLessThanOrEqual(160);
    expect(slackMessage(test, ctx).text).toContain('Test notification');
  });
});
