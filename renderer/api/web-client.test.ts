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

/** An EventSource stand-in whose connection the test drives. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((m: MessageEvent<string>) => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** The host went away: the browser keeps reconnecting (CONNECTING). */
  drop() {
    this.readyState = 0;
    this.onerror?.();
  }
  /** Answered with something other than a stream (401): closed for good. */
  refuse() {
    this.readyState = 2;
    this.onerror?.();
  }
  close() {
    this.readyState = 2;
  }
}

it('tells when the event stream opens, drops and is refused, and opens a refused stream again', async () => {
  FakeEventSource.opened = [];
  const links: string[] = [];
  const api = createWebClient({
    baseUrl: 'http://h',
    token: 't',
    fetch: fakeFetch(200, {}, []),
    createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    onLinkChange: (link) => links.push(link),
    reopenAfterMs: 10,
  });
  const stop = api.onEvent(() => {});
  const first = FakeEventSource.opened[0]!;
  first.open();
  first.drop();
  first.drop();
  first.open();
  expect(links).toEqual(['up', 'lost', 'lost', 'up']);
  first.refuse();
  expect(links.at(-1)).toBe('refused');
  await new Promise((r) => setTimeout(r, 30));
  expect(FakeEventSource.opened).toHaveLength(2);
  FakeEventSource.opened[1]!.open();
  expect(links.at(-1)).toBe('up');
  stop();
  expect(FakeEventSource.opened[1]!.readyState).toBe(2);
});
