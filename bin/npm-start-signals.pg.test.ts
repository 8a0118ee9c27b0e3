// `npm start` in browser mode stops as a whole, whichever signal reaches it: SIGTERM to npm (a
// service manager, `kill`), SIGINT to the process group (Ctrl-C), SIGHUP to npm (a closed terminal).
// npm runs the script through `sh -c` (the script `exec`s node, so npm's forwarded SIGINT reaches
// bin/start.js rather than a shell that would ignore it while it waits), so these take different
// paths to bin/start.js, the admin host, the local cluster and its embedded PostgreSQL; none of
// them may be left running.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, processesMentioning, processTree, runAsUser } from './testing/process-tree.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `npm start -- --browser` on a fresh data folder and waits until PostgreSQL runs in it. */
async function startBrowserMode() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-npm-start-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
  dirs.push(dir);
  const npm = runAsUser('npm', ['start', '--', '--browser', '--no-build', '--data-dir', dir]);
  await npm.waitFor(/open: http:\/\/127\.0\.0\.1:\d+\/\?token=/, 120_000);
  await npm.waitFor(/local cluster: listening: http/, 180_000);
  const tree = processTree(npm.child.pid!);
  // Each one on its own: the tree lists processes in pid order, and pids wrap around on a busy host.
  const commands = tree.map((p) => p.args);
  for (const started of [/bin\/start\.js/, /sigmatiq-admin\.js serve/, /sigmatiq-cluster\.js serve/]) {
    expect(commands.some((c) => started.test(c)), `${started} among\n${commands.join('\n')}`).toBe(true);
  }
  expect(processesMentioning(path.join(dir, 'cluster', 'pg')).length).toBeGreaterThan(0);
  return { npm, dir, pids: tree.map((p) => p.pid) };
}

/** What is left of a started tree: its processes and any process working in its data folder. */
function leftovers(pids: number[], dir: string): string[] {
  const alive = new Set(processesMentioning(dir).map((p) => `${p.pid} ${p.args}`));
  for (const pid of pids) for (const p of processTree(pid)) alive.add(`${p.pid} ${p.args}`);
  return [...alive];
}

describe('npm start -- --browser stops with everything it started', { timeout: 300_000 }, () => {
  it.each([
    ['SIGTERM to npm', 'SIGTERM', false],
    ['SIGINT to npm alone', 'SIGINT', false],
    ['SIGINT to the process group (Ctrl-C)', 'SIGINT', true],
    ['SIGHUP to npm', 'SIGHUP', false],
  ] as const)('%s', async (_name, signal, group) => {
    const { npm, dir, pids } = await startBrowserMode();
    process.kill(group ? -npm.child.pid! : npm.child.pid!, signal);
    // Bounded by the cluster's own shutdown (running jobs get 5 s, then go back to waiting).
    const gone = await eventually(() => leftovers(pids, dir).length === 0, 90_000);
    const left = leftovers(pids, dir);
    for (const line of left) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    expect(gone ? [] : left).toEqual([]);
    expect(npm.output()).toMatch(/stopping the local cluster and closing the cache…\n(.*\n)*stopped\n/);
    expect(npm.output()).toMatch(/local cluster: stopped/);
  });
});
