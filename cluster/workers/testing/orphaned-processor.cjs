// A job for sandbox-lifeline.test.ts that runs on without yielding until its node is gone, then
// throws at once (before the event loop could read that the IPC channel closed): BullMQ's child
// then reports the exception on the dead channel, which fails and throws again, turn after turn.
module.exports = async function orphanedJob() {
  const node = process.ppid;
  while (process.ppid === node) {
    // computing, as a long job does between its checkpoints
  }
  process.nextTick(() => {
    throw new Error('the job failed after its node died');
  });
  return new Promise(() => undefined);
};
