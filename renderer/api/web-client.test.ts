import { expect, it } from 'vitest';
import { createWebClient, withoutTrailingUndefined } from './web-client.ts';

function fakeFetch(status: number, body: unknown, seen: { url: string; init: RequestInit }[]) {
  return (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

it('posts {"args"} with the bearer token and parses the result with the contract', async () => {
  const seen: { url: string; init: RequestInit }[] = [];
  const api = createWebClient({ baseUrl: 'http://h', token: 'tok123456', fetch: fakeFetch(200, { result: { ok: true } }, seen) });
  expect(await api.removeCluster('prod')).toEqual({ ok: true });
  expect(seen[0]!.url).toBe('http://h/admin-api/removeCluster');
  expect((seen[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok123456');
  expect(JSON.parse(String(seen[0]!.init.body))).toEqual({ args: ['prod'] });
});

it('leaves out trailing undefined arguments (JSON would turn them into null)', async () => {
  expect(withoutTrailingUndefined([undefined])).toEqual([]);
  expect(withoutTrailingUndefined(['a', undefined, 'b', undefined])).toEqual(['a', undefined, 'b']);
});

it("throws the host's error message, and says so when an answer does not fit the contract", async () => {
  const errApi = createWebClient({ baseUrl: 'http://h', token: 't', fetch: fakeFetch(502, { error: { code: 'conflict', message: 'job is running: use stop' } }, []) });
  await expect(errApi.removeCluster('x')).rejects.toThrow('job is running: use stop');
  const badApi = createWebClient({ baseUrl: 'http://h', token: 't', fetch: fakeFetch(200, { result: { ok: 'yes' } }, []) });
  await expect(badApi.removeCluster('x')).rejects.toThrow(/does not fit the contract/);
});
