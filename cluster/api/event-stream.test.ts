import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../contract/api.ts';
import type { Actor } from '../engine/job-engine.ts';
import { apiFixture, type ApiFixture } from './testing/api-fixture.ts';
import { MemoryEngine } from './testing/memory-engine.ts';
import { openSse } from './testing/sse-client.ts';

const actor: Actor = { name: 't', role: 'admin', sourceAddress: '127.0.0.1' };
let engine: MemoryEngine;
let fx: ApiFixture;
let url: string;

async function submit(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await engine.submit({ type: 'signal', user: 'u', priority: 'normal', config: {} }, actor);
}

beforeEach(async () => {
  engine = new MemoryEngine(50);
  fx = await apiFixture(engine, { rateLimit: false, events: { heartbeatMs: 100, pollMs: 50, batchSize: 7 } });
  url = (await fx.server.listen('127.0.0.1', 0)) + '/api/v1/events';
});
afterEach(async () => {
  await fx.server.close();
});

describe('GET /api/v1/events', () => {
  it('needs a viewer token', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(ApiError.parse(await res.json()).error.code).toBe('unauthorized');
  });

  it('starts live without Last-Event-ID and streams new events with their ids', async () => {
    await submit(3);
    const sse = await openSse(url, fx.auth('viewer'));
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    await sse.waitForComment(/connected after 3/);
    await submit(2);
    const events = await sse.waitForEvents(2);
    expect(events.map((e) => e.id)).toEqual(['4', '5']);
    expect(sse.ids).toEqual(['4', '5']);
    expect(events.every((e) => e.kind === 'job')).toBe(true);
    sse.close();
  });

  it('delivers every missed event exactly once after a dropped connection, in order, across batches', async () => {
    const first = await openSse(url, fx.auth('viewer'));
    await first.waitForComment(/connected/);
    await submit(4);
    await first.waitForEvents(4);
    const lastSeen = first.ids.at(-1)!;
    first.close();
    await first.ended;
    await submit(20); // missed while disconnected: more than one batch of 7
    const second = await openSse(url, { ...fx.auth('viewer'), 'last-event-id': lastSeen });
    await second.waitForEvents(20);
    await submit(1);
    await second.waitForEvents(21);
    await new Promise((r) => setTimeout(r, 200)); // a few polls: nothing more may arrive
    const seen = [...first.ids, ...second.ids];
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    second.close();
  });

  it('resumes from ?lastEventId= for clients that cannot set headers; the header wins', async () => {
    await submit(5);
    const byQuery = await openSse(`${url}?lastEventId=2`, fx.auth('viewer'));
    await byQuery.waitForEvents(3);
    expect(byQuery.ids).toEqual(['3', '4', '5']);
    byQuery.close();
    const both = await openSse(`${url}?lastEventId=1`, { ...fx.auth('viewer'), 'last-event-id': '4' });
    await both.waitForEvents(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(both.ids).toEqual(['5']);
    both.close();
  });

  it('sends an explicit reset when the id is older than what is retained, then continues live', async () => {
    await submit(80); // retains the newest 50: events 31..80
    const sse = await openSse(url, { ...fx.auth('viewer'), 'last-event-id': '5' });
    const [reset] = await sse.waitForEvents(1);
    expect(reset).toMatchObject({ kind: 'reset', id: '80' });
    expect(reset?.kind === 'reset' && reset.reason).toMatch(/resync from \/api\/v1\/history/);
    await submit(1);
    await sse.waitForEvents(2);
    expect(sse.ids).toEqual(['80', '81']);
    sse.close();
  });

  it('keeps the connection alive with heartbeat comments', async () => {
    const sse = await openSse(url, fx.auth('viewer'));
    await sse.waitForComment(/^ ?heartbeat$/, 2000);
    sse.close();
  });

  it('rejects a malformed Last-Event-ID with 400', async () => {
    const res = await fetch(url, { headers: { ...fx.auth('viewer'), 'last-event-id': 'abc' } });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).error.message).toMatch(/event id/);
    const q = await fetch(`${url}?lastEventId=-1`, { headers: fx.auth('viewer') });
    expect(q.status).toBe(400);
  });

  it('cleans up when clients disconnect and ends open streams on shutdown', async () => {
    const a = await openSse(url, fx.auth('viewer'));
    const b = await openSse(url, fx.auth('viewer'));
    await a.waitForComment(/connected/);
    await b.waitForComment(/connected/);
    expect(fx.server.streams.size).toBe(2);
    a.close();
    await expect.poll(() => fx.server.streams.size).toBe(1);
    await fx.server.close();
    await b.ended;
    expect(fx.server.streams.size).toBe(0);
  });

  it('leaves no stream behind for clients that went away before it started', async () => {
    // Hold every request at its first engine read, so all 50 clients are gone when the streams start.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const realLastEventId = engine.lastEventId.bind(engine);
    let arrived = 0;
    engine.lastEventId = async () => {
      arrived++;
      await gate;
      return realLastEventId();
    };
    const closed: Array<Promise<void>> = [];
    const requests = Array.from({ length: 50 }, () => {
      const req = http.get(url, { headers: fx.auth('viewer') });
      req.on('error', () => undefined);
      closed.push(new Promise((r) => req.on('close', () => r())));
      return req;
    });
    await expect.poll(() => arrived, { timeout: 10_000 }).toBe(50);
    for (const req of requests) req.destroy();
    await Promise.all(closed);
    release();
    // The server saw every client go: a stream that starts now must not stay.
    await expect.poll(() => fx.server.streams.size).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(fx.server.streams.size).toBe(0);
    const metrics = await fetch(url.replace('/api/v1/events', '/metrics'), { headers: fx.auth('viewer') });
    expect(await metrics.text()).toMatch(/^sigmatiq_api_sse_clients 0$/m);
  });

  it('answers a Last-Event-ID from the future with exactly one reset, then streams normally', async () => {
    await submit(3);
    for (const future of ['99999999999', '99999999999999999999']) {
      const sse = await openSse(url, { ...fx.auth('viewer'), 'last-event-id': future });
      const [reset] = await sse.waitForEvents(1);
      expect(reset).toMatchObject({ kind: 'reset', id: await engine.lastEventId() });
      await new Promise((r) => setTimeout(r, 200)); // several polls: no second reset
      await submit(1);
      await sse.waitForEvents(2);
      expect(sse.events.map((e) => e.kind)).toEqual(['reset', 'job']);
      sse.close();
    }
  });

  it('keeps going when reading events fails for a while', async () => {
    const sse = await openSse(url, fx.auth('viewer'));
    await sse.waitForComment(/connected/);
    engine.failWith = new Error('datastore hiccup');
    await new Promise((r) => setTimeout(r, 150));
    engine.failWith = null;
    await submit(1);
    await sse.waitForEvents(1);
    sse.close();
  });
});
