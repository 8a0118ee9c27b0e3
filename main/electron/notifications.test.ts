import { describe, expect, it, vi } from 'vitest';
import type { AdminApi, CachedJobDetail, ClusterView } from '../../contract/admin-api.ts';
import { DesktopNotifier, type NativeNotification, type NotifierMessage } from './desktop-notifier.ts';
import { NotificationTriggers } from './notification-triggers.ts';

function cluster(status: ClusterView['status'], enabled = true): ClusterView {
  return { id: 'prod', name: 'Production', url: 'https://prod.example', colour: '#4f7cff', local: false, enabled, status, lastError: status === 'online' ? null : 'connection refused', lastSyncAt: null, info: null };
}

describe('desktop notifier', () => {
  function setup(muted = false) {
    const shown: { options: object; click: () => void }[] = [];
    const focus = vi.fn();
    let now = 0;
    const notifier = new DesktopNotifier({
      isSupported: () => true,
      isMuted: () => muted,
      create: (options) => {
        const entry = { options, click: () => {} };
        const n: NativeNotification = { on: ((e: string, l: () => void) => void (e === 'click' && (entry.click = l))) as NativeNotification['on'], show: () => void shown.push(entry) };
        return n;
      },
      focus,
      now: () => now,
    });
    return { notifier, shown, focus, advance: (ms: number) => (now += ms) };
  }
  const msg: NotifierMessage = { title: 'Backtest job j-1 failed', body: 'boom', clusterId: 'prod', jobId: 'j-1', level: 'critical' };

  it('shows a native notification and focuses the job on click', () => {
    const t = setup();
    t.notifier.notify(msg);
    expect(t.shown).toHaveLength(1);
    expect(t.shown[0]!.options).toMatchObject({ title: msg.title, body: 'boom', urgency: 'critical' });
    t.shown[0]!.click();
    expect(t.focus).toHaveBeenCalledWith({ clusterId: 'prod', jobId: 'j-1' });
  });

  it('stays quiet while muted and does not repeat itself within a minute', () => {
    const muted = setup(true);
    muted.notifier.notify(msg);
    expect(muted.shown).toHaveLength(0);
    const t = setup();
    t.notifier.notify(msg);
    t.advance(30_000);
    t.notifier.notify(msg);
    expect(t.shown).toHaveLength(1);
    t.advance(31_000);
    t.notifier.notify(msg);
    expect(t.shown).toHaveLength(2);
  });
});

describe('notification triggers', () => {
  function setup(jobs: Record<string, Partial<CachedJobDetail>> = {}) {
    const notify = vi.fn();
    let now = Date.parse('2026-03-01T10:00:00Z');
    const getJob = vi.fn(async (_c: string, id: string) => ({ type: 'backtest', errorMessage: null, finishedAt: null, ...jobs[id] }) as CachedJobDetail);
    const triggers = new NotificationTriggers({ notifier: { notify }, api: { getJob } as unknown as AdminApi, now: () => now });
    return { triggers, notify, getJob, advance: (ms: number) => (now += ms) };
  }

  it('leaves a cluster going offline or refusing the token to the desktop\u2019s own alert (raised once it lasts)', async () => {
    const t = setup();
    await t.triggers.onEvent({ kind: 'cluster-status', cluster: cluster('online') });
    await t.triggers.onEvent({ kind: 'cluster-status', cluster: cluster('offline') });
    await t.triggers.onEvent({ kind: 'cluster-status', cluster: cluster('unauthorized') });
    expect(t.notify).not.toHaveBeenCalled();
  });

  it('notifies when a job the admin acted on fails, not for other jobs', async () => {
    const t = setup({
      'j-1': { state: 'failed', errorMessage: 'out of memory', finishedAt: '2026-03-01T10:01:00.000Z' },
      'j-2': { state: 'failed', finishedAt: '2026-03-01T10:01:00.000Z' },
      'j-3': { state: 'running' },
    });
    t.triggers.onAcceptedCall({ method: 'jobAction', args: ['prod', 'j-1', 'retry', {}], result: {} });
    t.triggers.onAcceptedCall({ method: 'jobAction', args: ['prod', 'j-3', 'pause', {}], result: {} });
    await t.triggers.onEvent({ kind: 'jobs-changed', clusterId: 'prod', jobIds: ['j-1', 'j-2', 'j-3'] });
    expect(t.getJob.mock.calls.map(([, id]) => id).sort()).toEqual(['j-1', 'j-3']);
    expect(t.notify).toHaveBeenCalledTimes(1);
    expect(t.notify.mock.calls[0]![0]).toEqual({ title: 'Backtest job j-1 failed', body: 'out of memory', clusterId: 'prod', jobId: 'j-1', level: 'critical' });
    // Reported once; a later change of the same job does not repeat it.
    await t.triggers.onEvent({ kind: 'jobs-changed', clusterId: 'prod', jobIds: ['j-1'] });
    expect(t.notify).toHaveBeenCalledTimes(1);
  });

  it('ignores a failure from before the action and jobs watched for over a day', async () => {
    const t = setup({ old: { state: 'failed', finishedAt: '2026-03-01T09:00:00.000Z' }, late: { state: 'failed', finishedAt: '2026-03-03T10:00:00.000Z' } });
    t.triggers.onAcceptedCall({ method: 'jobAction', args: ['prod', 'old', 'retry', {}], result: {} });
    t.triggers.onAcceptedCall({ method: 'submitJob', args: ['prod', {}], result: { id: 'late' } });
    await t.triggers.onEvent({ kind: 'jobs-changed', clusterId: 'prod', jobIds: ['old'] });
    t.advance(25 * 60 * 60_000);
    await t.triggers.onEvent({ kind: 'jobs-changed', clusterId: 'prod', jobIds: ['late'] });
    expect(t.notify).not.toHaveBeenCalled();
  });

  it('watches the jobs of a bulk action that went through', async () => {
    const t = setup({ a: { state: 'failed', finishedAt: '2026-03-01T10:05:00.000Z' }, b: { state: 'failed', finishedAt: '2026-03-01T10:05:00.000Z' } });
    t.triggers.onAcceptedCall({
      method: 'bulkAction',
      args: ['prod', { action: 'retry', ids: ['a', 'b'] }],
      result: { action: 'retry', dryRun: false, matched: 2, ok: 1, skipped: 1, failed: 0, results: [{ id: 'a', outcome: 'ok' }, { id: 'b', outcome: 'skipped' }] },
    });
    await t.triggers.onEvent({ kind: 'jobs-changed', clusterId: 'prod', jobIds: ['a', 'b'] });
    expect(t.notify.mock.calls.map(([m]) => m.jobId)).toEqual(['a']);
  });
});
