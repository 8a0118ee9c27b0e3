/** IPC channel names between preload and main: one channel per AdminApi method, one for events. */
import type { AdminApiMethod, AdminErrorBody } from './admin-api.ts';

export const ADMIN_EVENT_CHANNEL = 'sigmatiq:event';

export function adminChannel(method: AdminApiMethod): string {
  return `sigmatiq:${method}`;
}

/**
 * What an AdminApi channel answers. Errors travel as data because Electron keeps only an Error's
 * message across `ipcMain.handle` (prefixed with its own words); the preload turns `ok: false` into
 * a rejected promise whose message is `error.message`.
 */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: AdminErrorBody };
