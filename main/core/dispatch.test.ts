import { describe, expect, it } from 'vitest';
import type { AdminApi } from '../../contract/admin-api.ts';
import { AdminError } from './admin-error.ts';
import { ClusterRequestError } from './clusters/cluster-errors.ts';
import { dispatchAdminCall } from './dispatch.ts';

function apiWith(impl: Partial<Record<keyof AdminApi, (...args: unknown[]) => Promise<unknown>>>): AdminApi {
  return impl as unknown as AdminApi;
}

describe('dispatchAdminCall', () => {
  it('parses arguments with the method tuple (defaults filled) before calling', async () => {
    let seen: unknown[] = [];
    const api = apiWith({ queryJobs: async (...args) => ((seen = args), { items: [], nextCursor: null, total: 0, syncedAt: null }) });
    const r = await dispatchAdminCall(api, 'queryJobs', [{ filter: { state: 'failed,cancelled' } }]);
    expect(r.ok).toBe(true);
    expect(seen).toEqual([{ filter: { state: ['failed', 'cancelled'] }, sort: '-created', limit: 100 }]);
  });

  it('refuses bad arguments with 400 and words saying what is wrong', async () => {
    const api = apiWith({ getJob: async () => ({}) });
    const r = await dispatchAdminCall(api, 'getJob', ['Not A Cluster!', 'job 1']);
    expect(r).toMatchObject({ ok: false, status: 400, error: { code: 'invalid-arguments' } });
    if (!r.ok) expect(r.error.message).toMatch(/Invalid arguments for getJob:.*cluster id/s);
    expect(await dispatchAdminCall(api, 'getJob', 'nope')).toMatchObject({ ok: false, status: 400 });
    expect(await dispatchAdminCall(api, 'getJob', ['a'])).toMatchObject({ ok: false, status: 400 });
  });

  it('answers 404 for unknown methods, including Object builtins', async () => {
    const api = apiWith({});
    expect(await dispatchAdminCall(api, 'dropDatabase', [])).toMatchObject({ ok: false, status: 404, error: { code: 'unknown-method' } });
    expect(await dispatchAdminCall(api, 'constructor', [])).toMatchObject({ ok: false, status: 404 });
    expect(await dispatchAdminCall(api, '__proto__', [])).toMatchObject({ ok: false, status: 404 });
  });

  it('turns thrown errors into AdminErrorBody: admin errors, cluster refusals, unreachable, bugs', async () => {
    const throwing = (error: unknown) => apiWith({ listClusters: async () => Promise.reject(error) });
    expect(await dispatchAdminCall(throwing(new AdminError('unknown-cluster', 'There is no cluster "x".', 404)), 'listClusters', [])).toEqual({
      ok: false,
      status: 404,
      error: { code: 'unknown-cluster', message: 'There is no cluster "x".' },
    });
    const conflict = new ClusterRequestError('api', 'job is running: use stop', 409, { code: 'conflict', message: 'job is running: use stop' });
    expect(await dispatchAdminCall(throwing(conflict), 'listClusters', [])).toMatchObject({ status: 502, error: { code: 'conflict', message: 'job is running: use stop' } });
    const down = new ClusterRequestError('unreachable', 'nothing is listening at x:1 (connection refused)');
    expect(await dispatchAdminCall(throwing(down), 'listClusters', [])).toMatchObject({ status: 502, error: { code: 'cluster-unreachable' } });
    const logged: string[] = [];
    const bug = await dispatchAdminCall(throwing(new TypeError('x is undefined')), 'listClusters', [], (l) => logged.push(l));
    expect(bug).toMatchObject({ status: 500, error: { code: 'internal' } });
    expect(logged[0]).toMatch(/TypeError: x is undefined/);
  });
});
