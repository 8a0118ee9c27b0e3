/**
 * Maintenance windows: while a window is active its queues are paused (running jobs finish, no new
 * job starts); when no active window covers a queue any more it is resumed — but only the queues
 * the enforcer paused itself. A queue an admin had already paused stays paused after the window.
 *
 * What the enforcer paused is kept in the datastore (`monitor:maintenance-paused`), so a restart
 * or another node taking over as monitor leader resumes them correctly.
 */
import type { JobType } from '../../contract/domain.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import type { Actor } from '../engine/job-engine.ts';

const STATE_KEY = 'monitor:maintenance-paused';

interface EnforcerState {
  /** Queues paused by maintenance windows, with the window that paused them. */
  paused: Partial<Record<JobType, string>>;
}

const ACTOR: Actor = { name: 'maintenance', role: 'admin', sourceAddress: 'cluster' };

export interface EnforcementChange {
  type: JobType;
  action: 'pause' | 'resume';
  window: string;
}

/** One pass; returns what it changed. */
export async function enforceMaintenanceWindows(engine: BullJobEngine, store: SharedStore): Promise<EnforcementChange[]> {
  const windows = await engine.listMaintenanceWindows();
  const state = (await store.getSetting<EnforcerState>(STATE_KEY)) ?? { paused: {} };
  const wanted = new Map<JobType, string>();
  for (const w of windows) if (w.status === 'active') for (const q of w.queues) if (!wanted.has(q)) wanted.set(q, w.name);
  const changes: EnforcementChange[] = [];
  for (const [type, window] of wanted) {
    if (state.paused[type]) continue;
    if (await engine.queue(type).isPaused()) continue; // paused by an admin: not ours to resume later
    await engine.queueAction(type, 'pause', {}, ACTOR);
    state.paused[type] = window;
    changes.push({ type, action: 'pause', window });
  }
  for (const [type, window] of Object.entries(state.paused) as [JobType, string][]) {
    if (wanted.has(type)) continue;
    await engine.queueAction(type, 'resume', {}, ACTOR);
    delete state.paused[type];
    changes.push({ type, action: 'resume', window });
  }
  if (changes.length > 0) {
    await store.putSetting(STATE_KEY, state);
    for (const c of changes) {
      await engine
        .appendAudit({
          at: new Date().toISOString(),
          actor: ACTOR.name,
          role: ACTOR.role,
          action: `queue.${c.action}`,
          target: c.type,
          sourceAddress: ACTOR.sourceAddress,
          status: 200,
          result: `maintenance window "${c.window}"`,
        })
        .catch(() => undefined);
    }
  }
  return changes;
}
