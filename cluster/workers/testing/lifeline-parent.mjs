// A stand-in worker node for sandbox-lifeline.test.ts: forks BullMQ's sandbox child exactly as a
// node does (IPC channel, piped stdio) with the execArgv given as JSON in argv[2], has it load the
// processor in argv[3] and start one job, prints `child <pid>`, and waits to be killed.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';

const main = createRequire(import.meta.url).resolve('bullmq/dist/cjs/classes/main.js');
const child = fork(main, [], { stdio: 'pipe', execArgv: JSON.parse(process.argv[2]) });
child.stdout.resume();
child.stderr.resume();
// BullMQ's child protocol: 0 = Init (load the processor), 1 = Start (run a job); 4 = InitCompleted.
child.on('message', (message) => {
  if (message.cmd === 4) child.send({ cmd: 1, job: { id: '1', name: 'orphan', data: '{}', opts: {}, attemptsMade: 0 }, token: 't' });
});
child.send({ cmd: 0, value: process.argv[3] });
process.stdout.write(`child ${child.pid}\n`);
setInterval(() => undefined, 60_000);
