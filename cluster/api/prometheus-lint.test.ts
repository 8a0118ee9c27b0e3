import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Actor } from '../engine/job-engine.ts';
import { apiFixture, type ApiFixture } from './testing/api-fixture.ts';
import { MemoryEngine } from './testing/memory-engine.ts';

let engine: MemoryEngine;
let fx: ApiFixture;
const actor: Actor = { name: 't', role: 'admin', sourceAddress: '127.0.0.1' };

beforeEach(async () => {
  engine = new MemoryEngine();
  fx = await apiFixture(engine, { rateLimit: false });
});
afterEach(async () => {
  await fx.server.close();
});

// promtool comes from Debian's `prometheus` package (.ci/run installs it).
it('passes `promtool check metrics` without lint warnings on a real /metrics answer', async () => {
  await engine.submit({ type: 'signal', user: 'u', priority: 'normal', config: {} }, actor);
  await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: fx.auth('viewer') });
  const res = await fx.server.app.inject({ method: 'GET', url: '/metrics', headers: fx.auth('viewer') });
  expect(res.statusCode).toBe(200);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: res.body, encoding: 'utf8' });
  expect(check.error, 'promtool not found: install the Debian package `prometheus`').toBeUndefined();
  expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
  expect(check.status).toBe(0);
});
