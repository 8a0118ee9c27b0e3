// The real CLI as a process, for what needs no datastore: usage errors and token files.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readTokensFile } from '../auth/token-file.ts';
import { TokenStore } from '../auth/token-store.ts';
import { runCli } from './testing/cli-process.ts';

// Each run starts Node with tsx (seconds on a busy machine).
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sigmatiq-cluster command line', () => {
  it.concurrent.each([
    [['serve', '--bogus'], /unknown option '--bogus'/],
    [['serve', '--port', 'eighty'], /'--port': 'eighty' is not a whole number from 0 to 65535/],
    [['serve', '--port', '99999'], /from 0 to 65535/],
    [['serve', '--datastore', 'mysql://db'], /'--datastore': datastore 'mysql:\/\/db': unknown scheme 'mysql'/],
    [['serve', '--datastore', 'embedded:'], /folder after embedded: is empty/],
    [['serve', '--workers', '2', '--no-workers'], /either '--workers N' or '--no-workers'/],
    [['launch'], /unknown command 'launch'/],
    [['token', 'create', '--role', 'root'], /'root' is not a role/],
    [['token', 'create'], /'--role' is required/],
    [['token', 'mint'], /unknown token command 'mint'/],
    [['token', 'revoke'], /'--name' is required/],
  ])('refuses %j with exit code 2, the usage and no stack trace', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: sigmatiq-cluster/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('prints help and version', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--datastore SPEC/);
    expect(help.stdout).toMatch(/--ready-file FILE/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('token create prints the token once and stores only its hash; token list shows names', async () => {
    const file = path.join(dir, 'tokens.json');
    const r = await runCli(['token', 'create', '--role', 'operator', '--name', 'ci-bot', '--tokens', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const token = /^token: (sqt_\S+)$/.exec(lines[0]!)?.[1];
    expect(token).toBeDefined();
    expect(r.stderr).toMatch(/created operator token 'ci-bot'/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(readTokensFile(file))).not.toContain(token!);
    expect(new TokenStore({ file }).verify(token!)).toEqual({ name: 'ci-bot', role: 'operator' });
    const dup = await runCli(['token', 'create', '--role', 'admin', '--name', 'ci-bot', '--tokens', file]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const list = await runCli(['token', 'list', '--tokens', file]);
    expect(list.stdout).toMatch(/^ci-bot\toperator\t\d{4}-/);
    expect(list.stdout).not.toContain('sqt_');
    const revoke = await runCli(['token', 'revoke', '--name', 'ci-bot', '--tokens', file]);
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toMatch(/revoked operator token 'ci-bot'/);
    expect(new TokenStore({ file }).verify(token!)).toBeNull();
    const again = await runCli(['token', 'revoke', '--name', 'ci-bot', '--tokens', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no token named 'ci-bot'/);
  });

  it('fails a start on an unreachable datastore with exit 1 and a clear message, storing no unseen token', async () => {
    const file = path.join(dir, 'unreachable-tokens.json');
    const r = await runCli(['serve', '--datastore', 'redis://127.0.0.1:1', '--tokens', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/datastore 'redis:\/\/127\.0\.0\.1:1' is not reachable .*Start the Redis server/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toMatch(/admin token/);
    expect(() => statSync(file)).toThrow();
  });

  it('finds the default tokens file of an embedded data folder', async () => {
    const data = path.join(dir, 'cluster-data');
    const r = await runCli(['token', 'create', '--role', 'viewer', '--name', 'v', '--datastore', `embedded:${data}`]);
    expect(r.code).toBe(0);
    expect(readTokensFile(path.join(data, 'tokens.json')).tokens.map((t) => t.name)).toEqual(['v']);
  });
});
