import { describe, expect, it } from 'vitest';
import { DatastoreAvailability } from './datastore-availability.ts';

/** A ping whose next answers are scripted: true answers, false fails, 'hang' never settles. */
function scripted(answers: Array<boolean | 'hang'>) {
  return () => {
    const next = answers.shift() ?? true;
    if (next === 'hang') return new Promise<number>(() => undefined);
    return next ? Promise.resolve(1) : Promise.reject(new Error('connect ECONNREFUSED'));
  };
}

describe('DatastoreAvailability', () => {
  it('stays reachable after one failed probe and turns unreachable after two in a row', async () => {
    const a = new DatastoreAvailability('redis://x', 'Redis', scripted([false, false]));
    const changes: boolean[] = [];
    a.onChange((r) => changes.push(r));
    const first = await a.probe();
    expect(first.reachable).toBe(false); // this probe failed…
    expect(a.reachable).toBe(true); // …but one miss is not an outage
    await a.probe();
    expect(a.reachable).toBe(false);
    expect(a.message()).toMatch(/Redis at redis:\/\/x cannot be reached \(connect ECONNREFUSED\)/);
    expect(changes).toEqual([false]);
  });

  it('a success between failures starts the count again', async () => {
    const a = new DatastoreAvailability('pg', 'PostgreSQL', scripted([false, true, false, true]));
    for (let i = 0; i < 4; i++) await a.probe();
    expect(a.reachable).toBe(true);
  });

  it('a ping that does not answer in time counts as a failure, and recovery is seen at once', async () => {
    const a = new DatastoreAvailability('pg', 'PostgreSQL', scripted(['hang', 'hang', true]), { timeoutMs: 20 });
    await a.probe();
    await a.probe();
    expect(a.reachable).toBe(false);
    expect(a.current.error).toMatch(/no answer within 20 ms/);
    await a.probe();
    expect(a.reachable).toBe(true);
  });

  it('failuresToDown 1 turns unreachable on the first failure', async () => {
    const a = new DatastoreAvailability('pg', 'PostgreSQL', scripted([false]), { failuresToDown: 1 });
    await a.probe();
    expect(a.reachable).toBe(false);
  });
});
