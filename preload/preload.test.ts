import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ADMIN_API, ADMIN_API_METHODS, type AdminApi, type AdminEvent } from '../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL } from '../contract/ipc.ts';
import { PRELOAD_METHODS } from './admin-api-methods.ts';
import { BRIDGE_KEY, buildBridge } from './preload.ts';

// The real 'electron' module only works inside Electron (under Node it tries to download the
// binary), so it is replaced by a stand-in that records what the preload exposes.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcRenderer: { invoke: async () => ({ ok: true, result: null }), on: () => {}, removeListener: () => {} },
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: electron.ipcRenderer,
}));

function fakeIpc(reply: (channel: string, args: unknown[]) => unknown = () => ({ ok: true, result: 'r' })) {
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const invoke = vi.fn(async (channel: string, ...args: unknown[]) => reply(channel, args));
  return {
    invoke,
    listeners,
    ipc: {
      invoke,
      on: (channel: string, l: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      },
      removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.get(channel)?.delete(l),
    } as unknown as Parameters<typeof buildBridge>[0],
  };
}

describe('preload bridge', () => {
  it('knows exactly the methods of contract/admin-api.ts, in order (fails when they drift)', () => {
    expect([...PRELOAD_METHODS]).toEqual(ADMIN_API_METHODS);
  });

  it('exposes the bridge on window.sigmatiq when loaded as a preload', () => {
    expect([...electron.exposed.keys()]).toEqual([BRIDGE_KEY]);
    expect(Object.keys(electron.exposed.get(BRIDGE_KEY) as object).sort()).toEqual([...ADMIN_API_METHODS, 'onEvent'].sort());
  });

  it('exposes exactly the AdminApi methods plus onEvent — nothing generic', () => {
    const bridge = buildBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(ADMIN_API), 'onEvent'].sort());
    for (const key of Object.keys(bridge)) expect(typeof (bridge as unknown as Record<string, unknown>)[key]).toBe('function');
    for (const generic of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync', 'postMessage']) expect(bridge).not.toHaveProperty(generic);
    expect(Object.isFrozen(bridge)).toBe(true);
    // Type level: the bridge is the AdminApi, no more and no less.
    expectTypeOf(bridge).toEqualTypeOf<AdminApi>();
  });

  it('invokes each method on its own channel with the arguments as given', async () => {
    const f = fakeIpc();
    const bridge = buildBridge(f.ipc) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const method of ADMIN_API_METHODS) {
      await expect(bridge[method]!('a', 1)).resolves.toBe('r');
    }
    expect(f.invoke.mock.calls.map(([channel]) => channel)).toEqual(ADMIN_API_METHODS.map((m) => `sigmatiq:${m}`));
    expect(f.invoke.mock.calls.every(([, a, b]) => a === 'a' && b === 1)).toBe(true);
  });

  it('rejects with the admin-facing message when the main side refuses or fails', async () => {
    const f = fakeIpc(() => ({ ok: false, error: { code: 'invalid-arguments', message: 'Invalid arguments for getJob: bad id' } }));
    const bridge = buildBridge(f.ipc);
    await expect(bridge.getJob('local', 'x')).rejects.toThrow('Invalid arguments for getJob: bad id');
    const g = buildBridge(fakeIpc(() => 'garbage').ipc);
    await expect(g.listClusters()).rejects.toThrow(/unexpected form/);
  });

  it('subscribes to events and unsubscribes', () => {
    const f = fakeIpc();
    const bridge = buildBridge(f.ipc);
    const seen: AdminEvent[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    for (const l of f.listeners.get(ADMIN_EVENT_CHANNEL)!) l({}, { kind: 'clusters-changed' });
    expect(seen).toEqual([{ kind: 'clusters-changed' }]);
    off();
    expect(f.listeners.get(ADMIN_EVENT_CHANNEL)!.size).toBe(0);
    expect(() => bridge.onEvent('nope' as never)).toThrow(TypeError);
  });
});
