/**
 * The IPC side of the AdminApi: one `ipcMain.handle` per method. Every call is checked before the
 * core sees it — the sender must be the main frame of one of the app's windows showing the app
 * (a null `senderFrame`, a sub-frame, another window or another page is refused) and the arguments
 * must parse with the method's zod tuple from contract/admin-api.ts. A refused call never reaches
 * the core. Core events are forwarded to the windows on one channel.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { ADMIN_API_METHODS, type AdminApi, type AdminApiMethod, type AdminEvent } from '../../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL, adminChannel, type IpcReply } from '../../contract/ipc.ts';
import { dispatchAdminCall } from '../core/dispatch.ts';
import { isAppUrl } from './security.ts';

/** The parts of a frame the sender check reads (Electron's WebFrameMain). */
export interface FrameLike {
  readonly processId: number;
  readonly routingId: number;
  readonly url: string;
  readonly parent: unknown;
}

/** The parts of a window the bridge needs: its page's main frame, and a way to send it events. */
export interface BridgeWindow {
  isDestroyed(): boolean;
  webContents: { readonly mainFrame: FrameLike; send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
}

/** `ipcMain` as far as the bridge uses it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** A completed, accepted call (for observers such as the notification triggers); `args` passed validation. */
export interface AcceptedCall {
  method: AdminApiMethod;
  args: readonly unknown[];
  result: unknown;
}

/**
 * True when `frame` is the top frame of one of `windows` and shows the app. Frames are compared by
 * process and routing id (not object identity), and the URL is checked so a window that somehow
 * navigated away loses its access.
 */
export function isAppMainFrame(frame: FrameLike | null | undefined, windows: readonly BridgeWindow[]): boolean {
  if (!frame || frame.parent) return false;
  const owner = windows.find((w) => {
    if (w.isDestroyed() || w.webContents.isDestroyed()) return false;
    const main = w.webContents.mainFrame;
    return main.processId === frame.processId && main.routingId === frame.routingId;
  });
  return owner !== undefined && isAppUrl(frame.url);
}

/**
 * Registers one handler per AdminApi method. Returns a function that removes them.
 * `windows()` lists the app's windows at call time, so a closed window loses access at once.
 */
export function registerAdminIpc(options: {
  ipcMain: IpcMainLike;
  api: AdminApi;
  windows: () => readonly BridgeWindow[];
  afterCall?: (call: AcceptedCall) => void;
  /** Calls wait for this (the core's start), so a page that loads first does not race the core. */
  coreReady?: Promise<unknown>;
  log?: (line: string) => void;
}): () => void {
  const { ipcMain, api, windows, afterCall, log } = options;
  const coreReady = (options.coreReady ?? Promise.resolve()).then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  for (const method of ADMIN_API_METHODS) {
    ipcMain.handle(adminChannel(method), async function handleAdminCall(event, ...rawArgs): Promise<IpcReply> {
      if (!isAppMainFrame(event.senderFrame, windows())) {
        log?.(`refused ${method}: the sender is not the app's main frame (${event.senderFrame?.url ?? 'no frame'})`);
        return { ok: false, error: { code: 'forbidden-sender', message: 'This page may not use the admin API.' } };
      }
      const startFailure = await coreReady;
      if (startFailure !== null) return { ok: false, error: { code: 'not-started', message: `The app could not start: ${startFailure}` } };
      // The same validation and error mapping as browser mode's HTTP host: the core's dispatcher
      // parses the arguments with the method's zod tuple and calls the core only when they pass.
      const outcome = await dispatchAdminCall(api, method, rawArgs, log);
      if (!outcome.ok) return { ok: false, error: outcome.error };
      try {
        afterCall?.({ method, args: rawArgs, result: outcome.result });
      } catch (error) {
        log?.(`after-call observer failed for ${method}: ${String(error)}`);
      }
      return { ok: true, result: outcome.result };
    });
  }
  return function unregisterAdminIpc() {
    for (const method of ADMIN_API_METHODS) ipcMain.removeHandler(adminChannel(method));
  };
}

/** Sends every core event to every live app window on the event channel. Returns the unsubscribe. */
export function forwardAdminEvents(subscribe: (listener: (event: AdminEvent) => void) => () => void, windows: () => readonly BridgeWindow[]): () => void {
  return subscribe(function sendToWindows(event) {
    for (const w of windows()) {
      if (w.isDestroyed() || w.webContents.isDestroyed()) continue;
      // Only a window that shows the app hears about its clusters and jobs.
      if (!isAppUrl(w.webContents.mainFrame.url)) continue;
      w.webContents.send(ADMIN_EVENT_CHANNEL, event);
    }
  });
}
