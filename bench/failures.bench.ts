// Failure grouping: how fast failures are put in their groups as they arrive (100,000 of the
// handlers' real errors with varied parameters), next to a baseline that only serialises and
// hashes the same rows, and the grouping accuracy on that corpus (target ≥ 0.95). Also the size
// and load time of the stored grouping state, which the cache reads at start.
import { createHash } from 'node:crypto';
import { buildFailureCorpus } from '../cluster/testing/failure-corpus.ts';
import { FailureGrouping } from '../main/core/failures/failure-grouping.ts';
import { groupingAccuracy } from '../main/core/failures/grouping-accuracy.ts';

const TARGET = 100_000;
const perRound = (await buildFailureCorpus(1, 1)).length;
const t0 = performance.now();
const corpus = (await buildFailureCorpus(Math.ceil(TARGET / perRound), 7)).slice(0, TARGET);
console.log(`corpus: ${corpus.length} failures of ${new Set(corpus.map((f) => f.label)).size} kinds, built in ${(performance.now() - t0).toFixed(0)} ms`);
const rows = corpus.map((f, i) => ({ jobId: `job-${i}`, jobType: f.jobType, errorMessage: f.errorMessage, errorStack: f.errorStack, failedAt: new Date(Date.UTC(2025, 2, 1) + i * 1000).toISOString() }));

function rate(n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;
}

let t = performance.now();
let sink = 0;
for (const row of rows) sink ^= createHash('sha256').update(JSON.stringify(row)).digest()[0]!;
const baselineMs = performance.now() - t;
console.log(`baseline: JSON-serialise + sha256 each row: ${baselineMs.toFixed(0)} ms  (${rate(rows.length, baselineMs)})`);
if (sink < 0) console.log('unreachable: keeps the hashing from being optimised away');

const grouping = new FailureGrouping();
const predicted = new Array<string>(rows.length);
t = performance.now();
for (let i = 0; i < rows.length; i++) predicted[i] = grouping.assign(rows[i]!).group.id;
const groupMs = performance.now() - t;
console.log(`grouping as failures arrive:              ${groupMs.toFixed(0)} ms  (${rate(rows.length, groupMs)}, ${(groupMs / baselineMs).toFixed(1)}× the baseline)`);
console.log(`groups: ${grouping.groups().length}`);

const accuracy = groupingAccuracy(predicted, corpus.map((f) => f.label));
console.log(`grouping accuracy (Loghub-style):         ${accuracy.toFixed(4)}  target: ≥ 0.95${accuracy >= 0.95 ? '' : '  MISSED'}`);

t = performance.now();
const stored = JSON.stringify(grouping.toJSON());
const saveMs = performance.now() - t;
t = performance.now();
FailureGrouping.fromJSON(JSON.parse(stored));
const loadMs = performance.now() - t;
console.log(`stored state: ${(stored.length / 1024).toFixed(1)} KiB, save ${saveMs.toFixed(1)} ms, load ${loadMs.toFixed(1)} ms`);
if (accuracy < 0.95) process.exitCode = 1;
