import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempFolder } from './job-test-support.ts';

/**
 * A handler in a child process (as in a BullMQ sandboxed processor), told to stop over IPC while
 * it trains with no delay between epochs: its checkpoints must let the message in.
 */
describe('a handler in a child process', () => {
  const data = tempFolder('child');
  afterAll(() => data.remove());

  it('sees a stop sent over IPC during a CPU-bound training loop and stops at the next epoch', async () => {
    const script = path.join(data.dir, 'child.mts');
    const here = import.meta.dirname;
    writeFileSync(
      script,
      `import { JOB_HANDLERS } from ${JSON.stringify(path.join(here, 'job-handlers.ts'))};
import { runJobHandler } from ${JSON.stringify(path.join(here, 'job-handler.ts'))};
let stop = false;
process.on('message', (m) => { if (m === 'stop') stop = true; });
try {
  await runJobHandler(JOB_HANDLERS.training, {
    jobId: 'child-1', config: { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31', epochs: 1000000 },
    dataDir: ${JSON.stringify(data.dir)}, outputDir: ${JSON.stringify(path.join(data.dir, 'out'))},
    control: { stopRequested: () => stop, pauseRequested: () => false },
    progressIntervalMs: 50,
    onProgress: (p) => process.send({ progress: p }),
  });
  process.send({ done: 'completed' });
} catch (error) {
  process.send({ done: String(error.code ?? 'error'), message: String(error.message) });
}
process.disconnect();
`,
    );
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let stopSentAt = 0;
    let epochsAtStop = 0;
    const outcome = await new Promise<{ done: string; message: string; stopMs: number; lastEpoch: number }>((resolve) => {
      let lastEpoch = 0;
      child.on('message', (m: { progress?: { message: string }; done?: string; message?: string }) => {
        const epoch = /^epoch (\d+)\//.exec(m.progress?.message ?? '');
        if (epoch) lastEpoch = Number(epoch[1]);
        if (epoch && !stopSentAt && lastEpoch >= 20) {
          stopSentAt = performance.now();
          epochsAtStop = lastEpoch;
          child.send('stop');
        }
        if (m.done) resolve({ done: m.done, message: m.message ?? '', stopMs: performance.now() - stopSentAt, lastEpoch });
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(outcome.done).toBe('stopped');
    expect(outcome.message).toMatch(/^stopped at step boundary before "epoch \d+\/1000000"/);
    expect(outcome.lastEpoch).toBeGreaterThanOrEqual(epochsAtStop);
    expect(outcome.lastEpoch).toBeLessThan(1_000_000);
    console.log(`stop over IPC honoured ${outcome.stopMs.toFixed(0)} ms after it was sent (epoch ${outcome.lastEpoch})`);
  }, 60_000);
});
