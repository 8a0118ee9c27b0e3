// `serve --session-token` names the token after the OS user, so the audit log says who acted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { UsageError } from './parse-args.ts';
import { parseServeFlags } from './serve-flags.ts';
import { sessionTokenName, startServe, type ServeDeps } from './serve-command.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Stand-ins for the datastore, engine and workers: this test is about the token, not the jobs.
const deps = {
  openDatastore: async () => ({ kind: 'memory', description: path.join(dir, 'store'), close: async () => {} }),
  createEngine: () => ({ start: async () => {}, close: async () => {} }),
  startWorkers: async () => ({ stop: async () => {} }),
} as unknown as ServeDeps;

it('the session token an app starts the cluster with is named after the OS user, not "session"', { timeout: 60_000 }, async () => {
  const flags = parseServeFlags(['--datastore', `embedded:${path.join(dir, 'pg')}`, '--port', '0', '--session-token', '--log-level', 'silent', '--tokens', path.join(dir, 'tokens.json')]);
  const lines: string[] = [];
  const running = await startServe(flags, deps, { out: (l) => lines.push(l), err: () => {} }, '0.0.0');
  try {
    expect(running.ready.tokenName).toBe(`desktop-${userInfo().username}`);
    const health = await fetch(`${running.url}/api/v1/cluster`, { headers: { authorization: `Bearer ${running.ready.token}` } });
    expect(health.status).not.toBe(401);
  } finally {
    await running.shutdown();
  }
});

it('a user name a token name cannot hold is made safe; no user at all still gives a name', () => {
  expect(sessionTokenName(() => 'Jane Doe (ops)')).toBe('desktop-Jane_Doe__ops_');
  expect(sessionTokenName(() => 'alice')).toBe('desktop-alice');
  const user = process.env.USER;
  delete process.env.USER;
  try {
    expect(sessionTokenName(() => { throw new Error('no passwd entry'); })).toMatch(/^desktop(-[\w.@+-]+)?$/);
  } finally {
    if (user !== undefined) process.env.USER = user;
  }
});

it('--admin-url reaches alerting, which links its messages there; a URL Slack cannot link to is a usage error', { timeout: 60_000 }, async () => {
  const given: unknown[] = [];
  const withAlerting: ServeDeps = {
    ...deps,
    startAlerting: async (options) => {
      given.push(options.adminUrl);
      return { api: null as never, close: async () => {} };
    },
  };
  const base = ['--datastore', `embedded:${path.join(dir, 'pg')}`, '--port', '0', '--session-token', '--log-level', 'silent', '--tokens', path.join(dir, 'tokens.json')];
  for (const extra of [['--admin-url', 'https://admin.example.com/sigmatiq/'], []]) {
    const running = await startServe(parseServeFlags([...base, ...extra]), withAlerting, { out: () => {}, err: () => {} }, '0.0.0');
    await running.shutdown();
  }
  expect(given).toEqual(['https://admin.example.com/sigmatiq/', undefined]);

  expect(() => parseServeFlags(['--admin-url', 'sigmatiq://alerts'])).toThrow(new UsageError("option '--admin-url': use an http(s) URL (got sigmatiq:): Slack links and buttons accept no other"));
  expect(() => parseServeFlags(['--admin-url', 'admin.example.com'])).toThrow(/'admin.example.com' is not a URL; give the admin app's address, e.g. https:\/\/admin.example.com\//);
  expect(() => parseServeFlags(['--admin-url', 'https://ops:pw@admin.example.com/'])).toThrow(/leave the user name and password out/);
});
