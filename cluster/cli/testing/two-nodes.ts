/**
 * Two `serve` processes (the real CLI) on one datastore act as one cluster: a job submitted through
 * one is listed, streamed and cancellable through the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ActionResult, JobPage } from '../../../contract/api.ts';
import { Job, JobDetail } from '../../../contract/jobs.ts';
import { openSse } from '../../api/testing/sse-client.ts';
import { runCli, startCli, type CliProcess } from './cli-process.ts';

/** Start two nodes on `spec`, run the scenario, stop both (exit code 0 each). */
export async function twoNodesActAsOne(spec: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-two-nodes-'));
  const tokens = path.join(dir, 'tokens.json');
  const nodes: CliProcess[] = [];
  try {
    const created = await runCli(['token', 'create', '--role', 'operator', '--name', 'ops', '--tokens', tokens]);
    expect(created.code, created.stderr).toBe(0);
    const token = /^token: (\S+)$/m.exec(created.stdout)![1]!;
    const auth = { authorization: `Bearer ${token}` };
    for (const name of ['node-a', 'node-b']) {
      nodes.push(startCli(['serve', '--datastore', spec, '--port', '0', '--tokens', tokens, '--name', name, '--no-workers']));
    }
    const [a, b] = await Promise.all(nodes.map((n) => n.ready()));
    expect(a!.url).not.toBe(b!.url);
    expect(a!.token).toBeNull(); // the tokens file had a token: nothing generated

    const stream = await openSse(`${b!.url}/api/v1/events`, auth);
    await stream.waitForComment(/connected/);
    const submitted = await fetch(`${a!.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'backtest', user: 'two-nodes', priority: 'high', config: {} }),
    });
    expect(submitted.status).toBe(201);
    const job = Job.parse(await submitted.json());

    // Listed through B.
    const listed = JobPage.parse(await (await fetch(`${b!.url}/api/v1/jobs?user=two-nodes`, { headers: auth })).json());
    expect(listed.items.map((j) => j.id)).toEqual([job.id]);
    // Streamed through B.
    await stream.waitForEvent((e) => e.kind === 'job' && e.job.id === job.id, 20_000);
    // Cancelled through B, seen through A and streamed.
    const cancel = await fetch(`${b!.url}/api/v1/jobs/${job.id}/actions/cancel`, { method: 'POST', headers: auth });
    expect(cancel.status).toBe(200);
    expect(ActionResult.parse(await cancel.json()).outcome).toBe('ok');
    const detail = JobDetail.parse(await (await fetch(`${a!.url}/api/v1/jobs/${job.id}`, { headers: auth })).json());
    expect(detail.state).toBe('cancelled');
    await stream.waitForEvent((e) => e.kind === 'job' && e.job.id === job.id && e.job.state === 'cancelled', 20_000);
    stream.close();

    // A client that resumes on the other node with the last id it saw gets nothing twice.
    const lastId = stream.ids.at(-1)!;
    const resumed = await openSse(`${a!.url}/api/v1/events`, { ...auth, 'last-event-id': lastId });
    await resumed.waitForComment(/connected/);
    await new Promise((r) => setTimeout(r, 500));
    expect(resumed.ids.filter((id) => stream.ids.includes(id))).toEqual([]);
    resumed.close();

    const codes = await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    expect(codes).toEqual([0, 0]);
  } finally {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  }
}
