import { describe, expect, it } from 'vitest';
import { parseServeArgs, UsageError } from './serve-args.ts';

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
    const bad = (args: string[]) => () => parseServeArgs(args);
    expect(bad(['--port', 'x'])).toThrow(UsageError);
    expect(bad(['--cluster', 'prod=https://a.example.com'])).toThrow(/needs --token/);
    expect(bad(['--token', 'abcdefgh'])).toThrow(/belongs to the --cluster/);
    expect(bad(['--cluster', 'prod'])).toThrow(/NAME=URL/);
    expect(bad(['--cluster', 'prod=ftp://x'])).toThrow(/http/);
    expect(bad(['--cluster', 'a=http://a.example.com', '--cluster', 'b=http://b.example.com'])).toThrow(/needs its --token/);
    expect(bad(['--frobnicate'])).toThrow(/unknown option/);
    expect(bad(['--port'])).toThrow(/needs a value/);
  });
});
