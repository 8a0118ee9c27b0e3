// `npm run bench [names]` as the README documents it: every name it shows selects a benchmark, and a
// name that selects none is refused (exit 2) with the names there are, instead of running nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './testing/process-tree.ts';

function npmRunBench(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('every `npm run bench <names>` in the README selects a benchmark for each name', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const lines = [...readme.matchAll(/`npm run bench((?: [a-z-]+)*)`/g)].map((m) => m[1]!.trim().split(' ').filter(Boolean));
  expect(lines.filter((names) => names.length > 0).length).toBeGreaterThan(3);
  for (const names of lines) {
    const r = npmRunBench('--list', ...names);
    expect(r.stderr, names.join(' ')).toBe('');
    expect(r.code, names.join(' ')).toBe(0);
    const files = r.stdout.trim().split('\n');
    for (const name of names) expect(files.some((f) => f.includes(name)), `${name} in ${files.join(', ')}`).toBe(true);
  }
}, 120_000);

it('a name that selects no benchmark is refused with the names there are', () => {
  const r = npmRunBench('--list', 'reprots');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^no benchmark matches reprots; the benchmarks are: api, bulk, cache, .*reports.*ui\n$/);
});
