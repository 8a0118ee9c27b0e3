/**
 * "Notify user" end to end over the cluster API on a real datastore: an operator cancels a job with
 * a note, the job's owner receives it by email and Slack (a real SMTP server and HTTP receiver),
 * the answer and the audit say what became of it; a note on an action that takes none is refused
 * before anything happens.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ActionResult, AuditPage, JobPage } from '../../../contract/api.ts';
import { JOB_TYPES } from '../../../contract/domain.ts';
import { Job } from '../../../contract/jobs.ts';
import type { Datastore } from '../../datastore/open-datastore.ts';
import { createEngine } from '../../engine/create-engine.ts';
import type { BullJobEngine } from '../../engine/bull-job-engine.ts';
import { eventually, testDatastore, type TestDatastore, type TestKind } from '../../engine/engine-test-support.ts';
import { apiFixture, type ApiFixture } from '../../api/testing/api-fixture.ts';
import { startAlerting, type Alerting } from '../alerting.ts';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './testing/receivers.ts';

export function jobNoteSuite(kind: TestKind): void {
  let t: TestDatastore;
  let ds: Datastore;
  let engine: BullJobEngine;
  let alerting: Alerting;
  let fx: ApiFixture;
  let bare: ApiFixture;
  let base: string;
  let bareBase: string;
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  const slackPath = '/services/T7/B7/ana-secret-path';

  beforeAll(async () => {
    t = await testDatastore(kind);
    ds = await t.open();
    engine = createEngine({ datastore: ds });
    await engine.start();
    alerting = await startAlerting({ datastore: ds, engine, clusterName: 'prod', adminUrl: 'http://127.0.0.1:9/admin', intervalMs: 3_600_000 });
    fx = await apiFixture(engine, { rateLimit: false }, { alerting: alerting.api });
    base = await fx.server.listen('127.0.0.1', 0);
    bare = await apiFixture(engine, { rateLimit: false });
    bareBase = await bare.server.listen('127.0.0.1', 0);
    [smtp, http] = await Promise.all([startSmtpReceiver(), startHttpReceiver()]);
    await ds.alerts.putChannel({ id: 'mail', name: 'Mail', kind: 'email', host: smtp.host, port: smtp.port, from: 'alerts@example.com', to: ['oncall@example.com'] });
    await ds.alerts.putUser({ user: 'ana', email: 'ana@example.com', slackWebhookUrl: `${http.url}${slackPath}` });
  });

  afterAll(async () => {
    await bare?.server.close();
    await fx?.server.close();
    await alerting?.close();
    await engine?.close();
    await ds?.close();
    await t?.cleanup();
    await Promise.all([smtp?.stop(), http?.stop()]);
  });

  async function call(at: string, method: string, path: string, role: 'operator' | 'admin', body?: unknown) {
    const res = await fetch(at + path, {
      method,
      headers: { ...fx.auth(role), ...(at === bareBase ? bare.auth(role) : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  async function submit(user: string): Promise<string> {
    const res = await call(base, 'POST', '/api/v1/jobs', 'operator', { type: 'signal', user, config: {}, runAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    return Job.parse(res.body).id;
  }

  const auditOf = async (jobId: string) => AuditPage.parse((await call(base, 'GET', '/api/v1/audit?limit=100', 'admin')).body).items.filter((r) => r.target === jobId);

  test("a cancel with a note reaches the job's owner by email and Slack, and is answered and audited", async () => {
    const id = await submit('ana');
    const note = 'Your signal build held the queue for an hour; please run it after 18:00.';
    const res = await call(base, 'POST', `/api/v1/jobs/${id}/actions/cancel`, 'operator', { note });
    expect(res.status).toBe(200);
    const answer = ActionResult.parse(res.body);
    expect(answer.outcome).toBe('ok');
    expect(answer.note).toBe('note for ana on its way by email and Slack');

    await eventually(async () => smtp.mails.length >= 1 && http.on(slackPath).length >= 1, 20_000, 'the note by email and Slack');
    expect(smtp.mails[0]!.to).toEqual(['ana@example.com']);
    expect(smtp.mails[0]!.subject).toBe(`[prod] Your job ${id} was cancelled by operator`);
    expect(smtp.mails[0]!.text).toContain(note);
    expect((JSON.parse(http.on(slackPath)[0]!.body) as { blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text).toContain(note.replace(/&/g, '&amp;'));

    // The delivery queue is internal: no queue of its own in the API, no delivery job among the jobs.
    const queues = (await call(base, 'GET', '/api/v1/queues', 'operator')).body as { type: string }[];
    expect(queues.map((q) => q.type).sort()).toEqual([...JOB_TYPES].sort());
    const jobs = JobPage.parse((await call(base, 'GET', '/api/v1/jobs?limit=500', 'operator')).body);
    expect(jobs.items.every((j) => (JOB_TYPES as readonly string[]).includes(j.type) && !j.id.startsWith('delivery-'))).toBe(true);

    const [record] = await auditOf(id);
    expect(record!.action).toBe('job.cancel');
    expect(record!.result).toBe(`ok; note for ana on its way by email and Slack: "${note}"`);
    expect(JSON.stringify(await auditOf(id))).not.toContain(slackPath);
  });

  test('a note on an action that takes none is refused before the action', async () => {
    const id = await submit('ana');
    const res = await call(base, 'POST', `/api/v1/jobs/${id}/actions/set-priority`, 'operator', { priority: 'high', note: 'moved up' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('a note goes with stop, force-stop, cancel, retry; set-priority does not take one — leave the note out');
    const job = Job.parse((await call(base, 'GET', `/api/v1/jobs/${id}`, 'operator')).body);
    expect(job.priority).toBe('normal');
  });

  test('the action still happens for an owner the directory does not know, and the answer says the note was not sent', async () => {
    const id = await submit('bob');
    const answer = ActionResult.parse((await call(base, 'POST', `/api/v1/jobs/${id}/actions/cancel`, 'operator', { note: 'hello' })).body);
    expect(answer.outcome).toBe('ok');
    expect(answer.note).toBe('note for bob not sent (the user directory has no entry for bob: add one (PUT /api/v1/alerts/users/bob) to reach them)');
  });

  test('a node without alerting refuses a note instead of dropping it, and acts without one', async () => {
    const id = await submit('ana');
    const refused = await call(bareBase, 'POST', `/api/v1/jobs/${id}/actions/cancel`, 'operator', { note: 'hello' });
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.body)).toContain('send the action without the note, or ask another node');
    const done = await call(bareBase, 'POST', `/api/v1/jobs/${id}/actions/cancel`, 'operator', {});
    expect(ActionResult.parse(done.body).outcome).toBe('ok');
  });
}
