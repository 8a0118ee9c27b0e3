/** IPC channel names between preload and main: one channel per AdminApi method, one for events. */
import type { AdminApiMethod } from './admin-api.ts';

export const ADMIN_EVENT_CHANNEL = 'sigmatiq:event';

export function adminChannel(method: AdminApiMethod): string {
  return `sigmatiq:${method}`;
}
