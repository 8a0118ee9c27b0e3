#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
// Each benchmark prints its figures next to a baseline measured in the same run.
// `--list` prints the files the names select instead of running them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.join(import.meta.dirname, '..', 'bench');
const args = process.argv.slice(2);
const list = args.includes('--list');
const wanted = args.filter((a) => a !== '--list');
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const unknown = wanted.filter((w) => !all.some((f) => f.includes(w)));
if (unknown.length > 0) {
  // A mistyped name would otherwise run nothing, or everything else, and look like a finished run.
  console.error(`no benchmark matches ${unknown.join(', ')}; the benchmarks are: ${all.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}
const files = all.filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
if (list) {
  for (const file of files) console.log(file);
  process.exit(0);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
