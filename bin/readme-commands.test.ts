// The commands the README documents, run as a user runs them: `npx --no-install …` from the
// repository root. npx starts the bins through symlinks in its own folder, which is what once made
// `npx sigmatiq-admin` print nothing and exit 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobCache } from '../main/core/cache/job-cache.ts';
import { fillReportCache } from '../main/core/reports/testing/report-fixture.ts';
import { eventually, processTree, ROOT, runAsUser } from './testing/process-tree.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function npx(...args: string[]) {
  const r = spawnSync('npx', ['--no-install', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `npx sigmatiq-…` command lines in the README's code blocks, as "bin subcommand". */
export function readmeBinCommands(readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const commands = new Set<string>();
  for (const line of blocks.join('\n').split('\n')) {
    const m = line.match(/^\s*npx (sigmatiq-\w+)(?: (\w+)(?: (create|list|revoke))?)?/);
    if (m) commands.add([m[1], m[2], m[3]].filter(Boolean).join(' '));
  }
  return [...commands].sort();
}

describe('the README commands, through npx', { timeout: 600_000 }, () => {
  it('are all exercised here or in readme-commands.pg.test.ts', () => {
    expect(readmeBinCommands()).toEqual([
      'sigmatiq-admin report', // below
      'sigmatiq-admin serve', // below and in readme-commands.pg.test.ts
      'sigmatiq-cluster serve', // readme-commands.pg.test.ts
      'sigmatiq-cluster token create', // below
      'sigmatiq-cluster token revoke', // below
      'sigmatiq-cluster worker', // readme-commands.pg.test.ts
    ]);
  });

  it.each([
    [['sigmatiq-admin', '--help'], /usage: sigmatiq-admin serve \[options\][\s\S]*--data-dir DIR/],
    [['sigmatiq-admin', 'serve', '--help'], /usage: sigmatiq-admin serve/],
    [['sigmatiq-admin', 'report', '--help'], /usage: sigmatiq-admin report <kind>[\s\S]*--format csv\|json\|pdf/],
    [['sigmatiq-cluster', '--help'], /usage: sigmatiq-cluster <command>[\s\S]*token create[\s\S]*token revoke[\s\S]*worker/],
    [['sigmatiq-cluster', 'serve', '--help'], /--datastore SPEC/],
    [['sigmatiq-cluster', 'worker', '--help'], /usage: sigmatiq-cluster worker/],
    [['sigmatiq-cluster', 'token', '--help'], /token revoke --name NAME/],
  ])('npx --no-install %j prints its usage and exits 0', async (args, usage) => {
    const r = npx(...args);
    expect(r.stdout).toMatch(usage);
    expect(r.code).toBe(0);
  });

  it('npx sigmatiq-admin with an unknown command says so and exits 2', () => {
    const r = npx('sigmatiq-admin', 'launch');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'launch'/);
  });

  it('token create prints a token once; token revoke removes it', () => {
    const file = path.join(dir, 'tokens.json');
    const created = npx('sigmatiq-cluster', 'token', 'create', '--role', 'viewer', '--name', 'readme-bot', '--tokens', file);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^token: \S{20,}$/m);
    expect(npx('sigmatiq-cluster', 'token', 'list', '--tokens', file).stdout).toMatch(/readme-bot/);
    const revoked = npx('sigmatiq-cluster', 'token', 'revoke', '--name', 'readme-bot', '--tokens', file);
    expect(revoked.code).toBe(0);
    expect(npx('sigmatiq-cluster', 'token', 'list', '--tokens', file).stdout).not.toMatch(/readme-bot/);
  });

  it('the report command lines of the README work on a filled cache (their --out files in a temp folder)', async () => {
    const dataDir = path.join(dir, 'report-data');
    const { cache } = JobCache.open({ file: path.join(dataDir, 'cache.db') });
    fillReportCache(cache, { days: 40, jobsPerDay: 40, endMs: Date.now(), clusterId: 'local' });
    cache.close();
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const lines = readme.split('\n').filter((l) => /^npx sigmatiq-admin report \S/.test(l) && !l.includes('--help'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const [command, redirect] = line.split(' > ') as [string, string | undefined];
      const words = command.split(/\s+/).slice(1);
      const out = words.indexOf('--out');
      if (out >= 0) words[out + 1] = path.join(dir, words[out + 1]!);
      const r = npx(...words, '--data-dir', dataDir);
      expect(r.stderr, line).toMatch(/^local: as of/m);
      expect(r.code, line).toBe(0);
      if (out >= 0) expect(readFileSync(words[out + 1]!).length, line).toBeGreaterThan(100);
      if (redirect) expect(JSON.parse(r.stdout).kind, line).toBe(words[2]);
    }
  });

  it('npx sigmatiq-admin serve prints the URL to open, serves the page there, and stops with npx', async () => {
    const serve = runAsUser('npx', ['--no-install', 'sigmatiq-admin', 'serve', '--no-embedded', '--no-build', '--port', '0', '--data-dir', path.join(dir, 'admin')]);
    const [url] = await serve.waitFor(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/, 120_000);
    const page = await fetch(url!);
    expect(page.status).toBeLessThan(600);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const pids = processTree(serve.child.pid!).map((p) => p.pid);
    expect(pids.length).toBeGreaterThan(1);
    process.kill(serve.child.pid!, 'SIGTERM');
    // npx passes SIGTERM to its `sh -c`, which ends without passing it on: the host notices that.
    const gone = await eventually(() => pids.every((pid) => processTree(pid).length === 0), 30_000);
    for (const pid of pids) for (const p of processTree(pid)) process.kill(p.pid, 'SIGKILL');
    expect(gone).toBe(true);
    await serve.exited; // what it wrote last has been read
    expect(serve.output()).toMatch(/SIGTERM: stopping the local cluster and closing the cache…\nstopped/);
  });
});
