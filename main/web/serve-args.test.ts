import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServeArgs, SERVE_USAGE, UsageError } from './serve-args.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-serve-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sigmatiq-admin serve arguments', () => {
  it('parses ports, folders, clusters with their tokens', () => {
    const a = parseServeArgs(['--port', '8080', '--data-dir=/tmp/x', '--no-embedded', '--cluster', 'prod=https://jobs.example.com:7420', '--token', 'sqt_abcdefgh', '--cluster=dev=http://127.0.0.1:7420', '--token=sqt_12345678']);
    expect(a).toMatchObject({ port: 8080, dataDir: '/tmp/x', embedded: false, build: true });
    expect(a.clusters).toEqual([
      { name: 'prod', url: 'https://jobs.example.com:7420', token: 'sqt_abcdefgh' },
      { name: 'dev', url: 'http://127.0.0.1:7420', token: 'sqt_12345678' },
    ]);
    expect(parseServeArgs([])).toMatchObject({ port: 0, embedded: true, clusters: [] });
  });

  it('says what is wrong', () => {
    const bad = (args: string[]) => () => parseServeArgs(args, {});
    expect(bad(['--port', 'x'])).toThrow(UsageError);
    expect(bad(['--cluster', 'prod=https://a.example.com'])).toThrow(/needs its token: --token-file FILE after it, or SIGMATIQ_TOKEN/);
    expect(bad(['--token', 'abcdefgh'])).toThrow(/belongs to the --cluster/);
    expect(bad(['--cluster', 'prod'])).toThrow(/NAME=URL/);
    expect(bad(['--cluster', 'prod=ftp://x'])).toThrow(/http/);
    expect(bad(['--cluster', 'a=http://a.example.com', '--cluster', 'b=http://b.example.com'])).toThrow(/needs its token/);
    expect(bad(['--frobnicate'])).toThrow(/unknown option/);
    expect(bad(['--port'])).toThrow(/needs a value/);
  });

  it('reads a token from --token-file, so it does not show in ps', () => {
    const file = path.join(dir, 'prod.token');
    writeFileSync(file, 'sqt_from_a_file_123\n', { mode: 0o600 });
    const a = parseServeArgs(['--cluster', 'prod=https://jobs.example.com:7420', '--token-file', file, '--cluster', 'dev=http://127.0.0.1:7420', `--token-file=${file}`], {});
    expect(a.clusters).toEqual([
      { name: 'prod', url: 'https://jobs.example.com:7420', token: 'sqt_from_a_file_123' },
      { name: 'dev', url: 'http://127.0.0.1:7420', token: 'sqt_from_a_file_123' },
    ]);
    const bad = (args: string[]) => () => parseServeArgs(args, {});
    expect(bad(['--cluster', 'prod=https://a.example.com', '--token-file', path.join(dir, 'missing')])).toThrow(/--token-file .*missing' of --cluster prod: cannot read it \(no such file\)/);
    writeFileSync(path.join(dir, 'empty'), '\n');
    expect(bad(['--cluster', 'prod=https://a.example.com', '--token-file', path.join(dir, 'empty')])).toThrow(/looks too short/);
    writeFileSync(path.join(dir, 'two'), 'sqt_first_token\nsqt_second_token\n');
    expect(bad(['--cluster', 'prod=https://a.example.com', '--token-file', path.join(dir, 'two')])).toThrow(/should hold the token only/);
    expect(bad(['--token-file', file])).toThrow(/belongs to the --cluster/);
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0o000);
      expect(bad(['--cluster', 'prod=https://a.example.com', '--token-file', file])).toThrow(/cannot read it/);
    }
  });

  it('takes the token of the one --cluster without one from SIGMATIQ_TOKEN', () => {
    const a = parseServeArgs(['--cluster', 'prod=https://jobs.example.com:7420', '--cluster', 'dev=http://127.0.0.1:7420', '--token', 'sqt_12345678'], { SIGMATIQ_TOKEN: 'sqt_from_the_env_1' });
    expect(a.clusters).toEqual([
      { name: 'dev', url: 'http://127.0.0.1:7420', token: 'sqt_12345678' },
      { name: 'prod', url: 'https://jobs.example.com:7420', token: 'sqt_from_the_env_1' },
    ]);
    // A token of its own wins; the environment is not used then.
    expect(parseServeArgs(['--cluster', 'dev=http://127.0.0.1:7420', '--token', 'sqt_12345678'], { SIGMATIQ_TOKEN: 'sqt_from_the_env_1' }).clusters[0]!.token).toBe('sqt_12345678');
    expect(() => parseServeArgs(['--cluster', 'a=http://a.example.com', '--cluster', 'b=http://b.example.com'], { SIGMATIQ_TOKEN: 'sqt_from_the_env_1' })).toThrow(
      /SIGMATIQ_TOKEN gives the token of one --cluster, but a and b have none/,
    );
    expect(() => parseServeArgs(['--cluster', 'a=http://a.example.com'], { SIGMATIQ_TOKEN: 'short' })).toThrow(/\(SIGMATIQ_TOKEN\) looks too short/);
    expect(SERVE_USAGE).toMatch(/--token-file FILE/);
    expect(SERVE_USAGE).toMatch(/SIGMATIQ_TOKEN/);
  });
});
