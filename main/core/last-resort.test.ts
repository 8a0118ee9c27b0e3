import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installLastResort } from './last-resort.ts';

function setup(shutdown: () => Promise<void>, timeoutMs = 5_000) {
  const proc = new EventEmitter();
  const logs: string[] = [];
  const exits: number[] = [];
  let exited!: () => void;
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const remove = installLastResort({
    process: proc,
    log: (l) => logs.push(l),
    shutdown,
    exit: (code) => {
      exits.push(code);
      exited();
    },
    timeoutMs,
  });
  return { proc, logs, exits, exitedOnce, remove };
}

describe('installLastResort', () => {
  it('an uncaught exception is logged with its stack, the shutdown runs to its end, then the process exits with 1', async () => {
    const order: string[] = [];
    const { proc, logs, exits, exitedOnce } = setup(async () => {
      order.push('shutdown started');
      await new Promise((r) => setTimeout(r, 20));
      order.push('shutdown done');
    });
    proc.emit('uncaughtException', new Error('SQLITE_FULL: database or disk is full'));
    // Another one during the shutdown neither starts a second shutdown nor exits early.
    proc.emit('unhandledRejection', new Error('second'));
    await exitedOnce;
    expect(order).toEqual(['shutdown started', 'shutdown done']);
    expect(exits).toEqual([1]);
    expect(logs[0]).toMatch(/^uncaught exception: Error: SQLITE_FULL: database or disk is full\n\s+at /);
    expect(logs[1]).toMatch(/unhandled promise rejection while shutting down \(ignored\): Error: second/);
  });

  it('an unhandled rejection shuts down too; a failing shutdown is logged and still exits', async () => {
    const { proc, logs, exits, exitedOnce } = setup(() => Promise.reject(new Error('cache already closed')));
    proc.emit('unhandledRejection', 'a plain reason');
    await exitedOnce;
    expect(logs[0]).toMatch(/^unhandled promise rejection: a plain reason/);
    expect(logs).toContain('the shutdown failed: cache already closed');
    expect(exits).toEqual([1]);
  });

  it('a shutdown that hangs is cut short', async () => {
    const { proc, logs, exits, exitedOnce } = setup(() => new Promise(() => {}), 30);
    proc.emit('uncaughtException', new Error('boom'));
    await exitedOnce;
    expect(logs).toContain('the shutdown took longer than 0 s: exiting');
    expect(exits).toEqual([1]);
  });

  it('removing the handlers leaves the process as it was', () => {
    const { proc, remove } = setup(async () => {});
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
