/**
 * Maintenance windows, kept in the SharedStore's settings: queues to pause between two instants
 * (the monitor's maintenance enforcer pauses and resumes them).
 */
import { randomUUID } from 'node:crypto';
import type { CreateMaintenanceWindowRequest, MaintenanceWindow } from '../../contract/api.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import type { z } from 'zod';
import { EngineError } from './job-engine.ts';

const windowKey = (id: string) => `maintenance:${id}`;

type StoredWindow = Omit<MaintenanceWindow, 'status'>;

export function windowStatus(w: StoredWindow, now: number): MaintenanceWindow['status'] {
  if (now < Date.parse(w.startsAt)) return 'upcoming';
  return now < Date.parse(w.endsAt) ? 'active' : 'over';
}

export async function listMaintenanceWindows(store: SharedStore): Promise<MaintenanceWindow[]> {
  const now = Date.now();
  const stored = await store.listSettings<StoredWindow>('maintenance:');
  return stored.map(({ value }) => ({ ...value, status: windowStatus(value, now) })).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** A new window from a parsed request (the route's schema checks the instants and their order). */
export async function createMaintenanceWindow(store: SharedStore, request: z.infer<typeof CreateMaintenanceWindowRequest>): Promise<MaintenanceWindow> {
  const w: StoredWindow = { id: `window-${randomUUID().slice(0, 8)}`, ...request };
  await store.putSetting(windowKey(w.id), w);
  return { ...w, status: windowStatus(w, Date.now()) };
}

export async function deleteMaintenanceWindow(store: SharedStore, id: string): Promise<void> {
  if (!(await store.deleteSetting(windowKey(id)))) throw new EngineError('not_found', `no maintenance window '${id}'`);
}
