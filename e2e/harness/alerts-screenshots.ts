/**
 * Test-only: screenshots of the alert screens against the dev harness at 1280 and 1440 px — with
 * nothing firing, and with two clusters and many alerts (critical and warning, acknowledged,
 * silenced, raised by the app), channels and a delivery log — saved under a folder it prints.
 * Run: `npx tsx e2e/harness/alerts-screenshots.ts [outDir]`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { startHarness } from './harness-server.ts';

const out = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'screenshots', 'alerts'));
mkdirSync(out, { recursive: true });

const SCREENS: { name: string; hash: string; click?: string; eval?: boolean }[] = [
  { name: 'dashboard', hash: '#/dashboard' },
  { name: 'firing', hash: '#/alerts' },
  { name: 'history', hash: '#/alerts/history' },
  { name: 'rules', hash: '#/alerts/rules' },
  { name: 'rule-edit', hash: '#/alerts/rules', click: 'Edit rule Queue > 100 jobs' },
  { name: 'channels', hash: '#/alerts/channels' },
  { name: 'channel-add', hash: '#/alerts/channels', click: 'Add channel' },
  { name: 'silence', hash: '#/alerts', click: 'Silence' },
  { name: 'silences', hash: '#/alerts/silences' },
  { name: 'channel-edit', hash: '#/alerts/channels', click: 'Edit channel On-call email' },
  { name: 'user-edit', hash: '#/alerts/channels', click: 'Edit user ana' },
  // A running job's force stop, with its note for the job's owner.
  { name: 'job-note', hash: `#/jobs/local/\${window.__fake.jobs.get('local').find((j) => j.state === 'running').id}`, click: 'Force stop job', eval: true },
  { name: 'settings', hash: '#/settings' },
];

/** Many alerts over two clusters, channels and deliveries, put into the page's fake AdminApi. */
const SEED = `(() => {
  const fake = window.__fake;
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const types = ['backtest', 'training', 'sweep', 'matrix-build', 'signal', 'report'];
  const alerts = [];
  for (let n = 0; n < 36; n++) {
    const clusterId = n % 3 === 0 ? 'research' : 'local';
    const type = types[n % types.length];
    const critical = n % 4 === 0;
    const resolved = n >= 20;
    const value = critical ? 0.12 + (n % 5) / 40 : 110 + n * 9;
    alerts.push({
      id: 'al-' + n, clusterId, source: 'cluster',
      ruleId: critical ? 'failure-rate' : 'queue-length', ruleName: critical ? 'Failure rate > 10%' : 'Queue > 100 jobs',
      metric: critical ? 'failureRate' : 'queueLength', scope: { kind: 'queue', queue: type },
      state: resolved ? 'resolved' : 'firing', severity: critical ? 'critical' : 'warning', value,
      startedAt: iso(now - (n + 1) * 7 * 60000), ...(resolved ? { resolvedAt: iso(now - n * 6 * 60000) } : {}),
      message: critical ? 'Failure rate > 10% (' + type + '): ' + Math.round(value * 100) + '%' : 'Queue > 100 jobs (' + type + '): ' + Math.round(value) + ' jobs',
      ...(n === 4 ? { acknowledgedBy: 'desktop-dana', acknowledgedAt: iso(now - 60000) } : {}),
      ...(n === 5 ? { silencedUntil: iso(now + 3600000) } : {}),
    });
  }
  alerts.push({ id: 'desktop.cluster-unreachable@1', clusterId: 'research', source: 'desktop', ruleId: 'desktop.cluster-unreachable', ruleName: 'Cluster unreachable',
    state: 'firing', severity: 'critical', value: 12 * 60000, startedAt: iso(now - 7 * 60000),
    message: 'Research cannot be reached for 12 min: connect ECONNREFUSED 10.0.4.12:7420 (is the cluster running and the URL right?)' });
  fake.alerts.alerts = alerts;
  fake.alerts.channels.set('local', [
    { id: 'ch-1', name: 'On-call email', kind: 'email', host: 'smtp.example.com', port: 587, username: 'alerts', password: 'x', from: 'Sigmatiq <alerts@example.com>', to: ['oncall@example.com', 'dana@example.com'] },
    { id: 'ch-2', name: 'Ops Slack', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX' },
    { id: 'ch-3', name: 'Pager SMS', kind: 'sms', provider: 'twilio', accountSid: 'AC' + '0'.repeat(32), authToken: 't', from: '+15551234567', to: ['+15557654321'] },
    { id: 'ch-4', name: 'Incident webhook', kind: 'webhook', url: 'https://ops.example.com/hooks/sigmatiq', secret: 'abcdefghijklmnopqrstuvwxyz' },
  ]);
  const log = [];
  for (let i = 0; i < 14; i++) {
    const failed = i % 5 === 3;
    log.push({ id: String(100 - i), channelId: 'ch-' + (1 + (i % 4)), channelName: ['On-call email', 'Ops Slack', 'Pager SMS', 'Incident webhook'][i % 4],
      channelKind: ['email', 'slack', 'sms', 'webhook'][i % 4], kind: i % 3 === 0 ? 'resolved' : 'firing', batchKey: 'b' + i, alertIds: ['al-' + i],
      attempt: failed ? 3 : 1, result: failed ? 'failed' : 'sent', ...(failed ? { error: 'the receiver answered 502 Bad Gateway three times; gave up after 3 attempts (last at ' + new Date(now - i * 60000).toLocaleTimeString() + ')' } : {}),
      at: iso(now - i * 4 * 60000) });
  }
  fake.alerts.deliveries.set('local', log);
  fake.alerts.users.set('local', [
    { user: 'ana', email: 'ana@example.com', phone: '+15551234567', slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/ANA' },
    { user: 'bartholomew.quantitative-research', email: 'bartholomew.quantitative-research@research.example.com' },
    { user: 'erin', slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/ERIN' },
  ]);
  fake.alerts.silences.set('local', [
    { id: 'silence-1', ruleId: 'queue-length', queue: 'training', until: iso(now + 3600000), createdBy: 'desktop-dana', createdAt: iso(now - 600000), comment: 'Retraining all models tonight; the queue is expected to back up until the run finishes' },
    { id: 'silence-2', ruleId: 'failure-rate', until: iso(now + 26 * 3600000), createdBy: 'ops-token', createdAt: iso(now - 7200000) },
    { id: 'silence-3', node: 'worker-node-eu-west-2.internal.example.com', until: iso(now + 15 * 60000), createdBy: 'desktop-lee', createdAt: iso(now - 60000), comment: 'Disk replacement' },
    { id: 'silence-4', ruleId: 'stuck-jobs', until: iso(now - 60000), createdBy: 'desktop-dana', createdAt: iso(now - 3600000) },
  ]);
  fake.setStatus('research', 'online');
  fake.emit({ kind: 'alerts-changed', clusterId: 'local' });
})()`;

async function shoot(page: Page, prefix: string, screens: typeof SCREENS) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    for (const s of screens) {
      await page.evaluate(s.eval ? `location.hash = \`${s.hash}\`` : `location.hash = ${JSON.stringify(s.hash)}`);
      await page.waitForTimeout(800);
      if (s.click) {
        await page.getByRole('button', { name: new RegExp(`^${s.click}`) }).first().click();
        await page.waitForTimeout(500);
      }
      const height = s.click ? 900 : await page.evaluate<number>(`document.getElementById('content').scrollHeight + 140`);
      await page.setViewportSize({ width, height: Math.max(900, Math.min(height, 4000)) });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, `${prefix}-${s.name}-${width}.png`), timeout: 180_000 });
      await page.setViewportSize({ width, height: 900 });
      if (s.click) await page.keyboard.press('Escape');
    }
  }
}

const server = await startHarness();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
  await page.goto(`${server.url}?jobs=120`);
  await page.waitForTimeout(1500);
  await shoot(page, 'empty', SCREENS.filter((s) => ['firing', 'history', 'channels'].includes(s.name)));
  await page.evaluate(SEED);
  await shoot(page, 'many', SCREENS);
  console.log(`alert screenshots: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
