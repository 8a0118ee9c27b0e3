import { describe, expect, it, vi } from 'vitest';
import { ADMIN_API_METHODS, type AdminApi, type AdminEvent } from '../../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL, adminChannel, type IpcReply } from '../../contract/ipc.ts';
import { AdminError } from '../core/admin-error.ts';
import { forwardAdminEvents, isAppMainFrame, registerAdminIpc, type BridgeWindow, type FrameLike, type IpcMainLike } from './ipc-bridge.ts';

const APP_URL = 'app://renderer/index.html';

function frame(processId: number, routingId: number, url = APP_URL, parent: unknown = null): FrameLike {
  return { processId, routingId, url, parent };
}

function fakeWindow(main: FrameLike) {
  const sent: unknown[][] = [];
  let destroyed = false;
  const w: BridgeWindow & { sent: unknown[][]; destroy(): void } = {
    sent,
    destroy: () => void (destroyed = true),
    isDestroyed: () => destroyed,
    webContents: { mainFrame: main, send: (...args: unknown[]) => void sent.push(args), isDestroyed: () => destroyed },
  };
  return w;
}

function fakeCore() {
  const calls: { method: string; args: unknown[] }[] = [];
  const api = Object.fromEntries(
    ADMIN_API_METHODS.map((m) => [
      m,
      vi.fn(async (...args: unknown[]) => {
        calls.push({ method: m, args });
        if (m === 'removeCluster' && args[0] === 'boom') throw new AdminError('cluster-busy', 'The cluster is busy; try again.', 409);
        if (m === 'removeCluster' && args[0] === 'bug') throw new TypeError('x is undefined');
        return { from: m };
      }),
    ]),
  ) as unknown as AdminApi;
  return { api, calls };
}

function setup() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener as never),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const mainFrame = frame(7, 1);
  const win = fakeWindow(mainFrame);
  const core = fakeCore();
  const accepted: string[] = [];
  const unregister = registerAdminIpc({ ipcMain, api: core.api, windows: () => [win], afterCall: (c) => accepted.push(c.method) });
  const invoke = async (method: string, senderFrame: FrameLike | null, ...args: unknown[]) =>
    (await handlers.get(`sigmatiq:${method}`)!({ senderFrame, sender: {} }, ...args)) as IpcReply;
  return { handlers, win, core, invoke, mainFrame, accepted, unregister };
}

describe('IPC bridge', () => {
  it('registers exactly one handler per AdminApi method and removes them all', () => {
    const s = setup();
    expect([...s.handlers.keys()].sort()).toEqual(ADMIN_API_METHODS.map(adminChannel).sort());
    s.unregister();
    expect(s.handlers.size).toBe(0);
  });

  it('accepts a good call from the app main frame and passes parsed arguments (defaults applied)', async () => {
    const s = setup();
    const reply = await s.invoke('queryJobs', frame(7, 1), { filter: {} });
    expect(reply).toEqual({ ok: true, result: { from: 'queryJobs' } });
    expect(s.core.calls).toHaveLength(1);
    // The core receives the parsed arguments, defaults applied.
    expect(s.core.calls[0]!.args[0]).toMatchObject({ filter: {}, sort: '-created', limit: 100 });
    expect(await s.invoke('listClusters', s.mainFrame)).toEqual({ ok: true, result: { from: 'listClusters' } });
    expect(s.accepted).toEqual(['queryJobs', 'listClusters']);
  });

  it.each([
    ['a null senderFrame', null],
    ['a frame of another window', frame(9, 1)],
    ['a sub-frame of the app window', frame(7, 5, APP_URL, { routingId: 1 })],
    ['the app frame after it navigated elsewhere', frame(7, 1, 'https://evil.example/')],
    ['a file:// page in the app window', frame(7, 1, 'file:///tmp/x.html')],
  ])('refuses %s without calling the core', async (_what, sender) => {
    const s = setup();
    for (const method of ADMIN_API_METHODS) {
      const reply = await s.invoke(method, sender, 'local');
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(s.core.calls).toHaveLength(0);
    expect(s.accepted).toHaveLength(0);
  });

  it('refuses calls from a window that has been closed', async () => {
    const s = setup();
    s.win.destroy();
    expect(await s.invoke('listClusters', frame(7, 1))).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(s.core.calls).toHaveLength(0);
  });

  it.each([
    ['getJob', ['Not An Id!', 'j1']],
    ['getJob', ['local']],
    ['removeCluster', [42]],
    ['addCluster', [{ name: 'x', url: 'file:///etc/passwd', token: 'abcdefghij' }]],
    ['addCluster', [{ name: 'x', url: 'https://x.example', token: 'abcdefghij', extra: true }]],
    ['listClusters', ['unexpected']],
    ['updateSettings', [{ retentionDays: -1 }]],
    ['updateSettings', [{ __proto__: { polluted: true }, theme: 'neon' }]],
    ['queryJobs', [{ limit: 1_000_000 }]],
    ['setLocalClusterEnabled', ['yes']],
  ])('refuses invalid arguments for %s %j with a clear message and no core call', async (method, args) => {
    const s = setup();
    const reply = await s.invoke(method, s.mainFrame, ...args);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid-arguments');
      expect(reply.error.message).toContain(`Invalid arguments for ${method}`);
    }
    expect(s.core.calls).toHaveLength(0);
  });

  it('turns a core error into data with its code and message, and a bug into words without a stack', async () => {
    const s = setup();
    expect(await s.invoke('removeCluster', s.mainFrame, 'boom')).toEqual({
      ok: false,
      error: { code: 'cluster-busy', message: 'The cluster is busy; try again.' },
    });
    const bug = await s.invoke('removeCluster', s.mainFrame, 'bug');
    expect(bug).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!bug.ok) expect(bug.error.message).not.toMatch(/\n\s+at /);
    expect(s.accepted).toEqual([]);
  });

  it('holds calls until the core has started, and says so when it could not', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l as never), removeHandler: () => {} };
    const core = fakeCore();
    let start!: () => void;
    const started = new Promise<void>((r) => (start = r));
    const win = fakeWindow(frame(1, 1));
    registerAdminIpc({ ipcMain, api: core.api, windows: () => [win], coreReady: started });
    const pending = handlers.get('sigmatiq:listClusters')!({ senderFrame: frame(1, 1) }) as Promise<IpcReply>;
    await new Promise((r) => setTimeout(r, 20));
    expect(core.calls).toHaveLength(0);
    start();
    expect(await pending).toEqual({ ok: true, result: { from: 'listClusters' } });

    const failed = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const failedCore = fakeCore();
    const failing = Promise.reject(new Error('the cache folder is not writable'));
    registerAdminIpc({ ipcMain: { handle: (c, l) => void failed.set(c, l as never), removeHandler: () => {} }, api: failedCore.api, windows: () => [win], coreReady: failing });
    expect(await failed.get('sigmatiq:listClusters')!({ senderFrame: frame(1, 1) })).toEqual({
      ok: false,
      error: { code: 'not-started', message: 'The app could not start: the cache folder is not writable' },
    });
    expect(failedCore.calls).toHaveLength(0);
  });

  it('checks the frame by process and routing id, not object identity', () => {
    const w = fakeWindow(frame(3, 4));
    expect(isAppMainFrame(frame(3, 4), [w])).toBe(true);
    expect(isAppMainFrame(frame(3, 5), [w])).toBe(false);
    expect(isAppMainFrame(undefined, [w])).toBe(false);
    expect(isAppMainFrame(frame(3, 4), [])).toBe(false);
  });

  it('forwards core events to live app windows only', () => {
    let listener: ((e: AdminEvent) => void) | null = null;
    const unsubscribe = vi.fn();
    const app = fakeWindow(frame(1, 1));
    const closed = fakeWindow(frame(2, 1));
    closed.destroy();
    const elsewhere = fakeWindow(frame(3, 1, 'https://evil.example/'));
    const stop = forwardAdminEvents(
      (l) => {
        listener = l;
        return unsubscribe;
      },
      () => [app, closed, elsewhere],
    );
    listener!({ kind: 'clusters-changed' });
    expect(app.sent).toEqual([[ADMIN_EVENT_CHANNEL, { kind: 'clusters-changed' }]]);
    expect(closed.sent).toEqual([]);
    expect(elsewhere.sent).toEqual([]);
    stop();
    expect(unsubscribe).toHaveBeenCalled();
  });
});
