/**
 * The lifeline against BullMQ's sandbox child as it is (no datastore needed): a stand-in node
 * forks it with the lifeline, the job computes until the node is SIGKILLed and then fails at once,
 * which sets BullMQ's child reporting the failure on the dead channel in a loop that never reads
 * the channel's end or runs a timer. The child must still be gone within seconds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { lifelineExecArgv } from './sandbox-lifeline.ts';

const here = import.meta.dirname;

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]!);
  } catch {
    return false;
  }
}

test('a job child that fails after its node was SIGKILLed exits instead of looping', async () => {
  const node = spawn(process.execPath, [path.join(here, 'testing/lifeline-parent.mjs'), JSON.stringify(lifelineExecArgv()), path.join(here, 'testing/orphaned-processor.cjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    createInterface({ input: node.stdout! }).on('line', (line) => {
      const m = /^child (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    node.once('exit', (code) => reject(new Error(`the stand-in node exited with ${code}`)));
  });
  try {
    // Let the child load the job and start computing.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(running(pid)).toBe(true);
    node.kill('SIGKILL');
    const until = Date.now() + 5_000;
    while (running(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(running(pid), `job child ${pid} still running 5 s after its node was SIGKILLed`).toBe(false);
  } finally {
    if (running(pid)) process.kill(pid, 'SIGKILL');
    node.kill('SIGKILL');
  }
}, 30_000);
