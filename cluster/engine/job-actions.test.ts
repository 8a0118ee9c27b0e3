// Removing a job from its BullMQ queue: what the answers mean, and which errors are tried again.
import { describe, expect, test } from 'vitest';
import { removeFromQueue } from './job-actions.ts';

describe('removal from a queue', () => {
  /** A queue whose `remove` answers from a script: a number, or an error to throw. */
  function scriptedQueue(answers: (number | Error)[], stillThere: boolean) {
    const calls = { remove: 0 };
    const queue = {
      async remove() {
        calls.remove += 1;
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next ?? 0;
      },
      async getJob() {
        return stillThere ? {} : undefined;
      },
    };
    return { queue: queue as unknown as Parameters<typeof removeFromQueue>[0], calls };
  }
  const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

  test('a flow removal counts as removed (PostgreSQL answers the number of jobs), 0 is locked or gone', async () => {
    expect(await removeFromQueue(scriptedQueue([7], true).queue, 'sweep-1')).toBe('removed');
    expect(await removeFromQueue(scriptedQueue([0], true).queue, 'x')).toBe('locked');
    expect(await removeFromQueue(scriptedQueue([0], false).queue, 'x')).toBe('gone');
  });

  test('a deadlock between removals of one flow is tried again; other errors and a third deadlock are not', async () => {
    const retried = scriptedQueue([deadlock(), deadlock(), 3], true);
    expect(await removeFromQueue(retried.queue, 'sweep-1')).toBe('removed');
    expect(retried.calls.remove).toBe(3);
    const stuck = scriptedQueue([deadlock(), deadlock(), deadlock(), 1], true);
    await expect(removeFromQueue(stuck.queue, 'sweep-1')).rejects.toThrow(/deadlock/);
    expect(stuck.calls.remove).toBe(3);
    const broken = scriptedQueue([new Error('connection terminated'), 1], true);
    await expect(removeFromQueue(broken.queue, 'x')).rejects.toThrow(/connection terminated/);
    expect(broken.calls.remove).toBe(1);
  });
});
