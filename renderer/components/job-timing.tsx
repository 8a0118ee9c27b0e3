/**
 * How long a running job has run, and when it will finish, as an admin can trust them: the elapsed
 * time ticks every second (a record's duration is only known once the job finished), and an ETA
 * that moves later while the job reports no progress says so instead of promising a new time at
 * every refresh (the cluster re-estimates from the time passed, so without progress the estimate
 * only slips).
 */
import { useSyncExternalStore } from 'react';
import { formatDuration, formatFullTime, formatRelative } from './format.ts';

// ------------------------------------------------------------------ a shared one-second clock

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The time now, re-rendering every second while mounted (one timer for every user). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

// ------------------------------------------------------------------ elapsed

interface Timed {
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

const RUNNING = new Set(['running', 'paused', 'stuck']);

/** A finished job's duration, or a running job's time so far (null before it started). */
export function elapsedMs(job: Timed, at: number): number | null {
  if (job.durationMs !== null) return job.durationMs;
  if (!job.startedAt || job.finishedAt || !RUNNING.has(job.state)) return null;
  return Math.max(0, at - Date.parse(job.startedAt));
}

/** Duration of a finished job; for a running one the time so far, ticking. */
export function JobElapsed({ job }: { job: Timed }) {
  const at = useNow();
  const ms = elapsedMs(job, at);
  const running = job.durationMs === null && ms !== null;
  return (
    <span className="num" title={running ? 'Running so far' : undefined}>
      {formatDuration(ms === null ? null : running ? Math.floor(ms / 1000) * 1000 : ms)}
    </span>
  );
}

// ------------------------------------------------------------------ ETA

/** Later by this much, with no progress in between, is slipping rather than re-estimating. */
export const SLIP_MS = 30_000;
/** An ETA is not called slipping before the job went this long without progress. */
export const SLIP_QUIET_MS = 60_000;
/** A job only just started is "any moment", not "overdue", when its short typical duration has passed. */
const OVERDUE_AFTER_MS = 60_000;

export interface EtaInput {
  state: string;
  eta: string | null | undefined;
  startedAt: string | null;
  lastProgressAt?: string | null;
  /** The first ETA seen for this job since its last progress (see observeEta). */
  firstEtaMs: number | null;
  now: number;
}

export interface EtaView {
  text: string;
  tone: 'normal' | 'muted' | 'warn' | 'crit';
  title?: string;
}

/** What an ETA cell says. */
export function etaView(i: EtaInput): EtaView {
  if (i.state === 'stuck') return { text: 'No progress', tone: 'crit' };
  if (i.state === 'paused') return { text: 'Paused', tone: 'muted' };
  if (!i.eta) return { text: '—', tone: 'muted' };
  const at = Date.parse(i.eta);
  const quietMs = i.now - Date.parse(i.lastProgressAt ?? i.startedAt ?? i.eta);
  if (i.firstEtaMs !== null && at - i.firstEtaMs >= SLIP_MS && quietMs >= SLIP_QUIET_MS) {
    return {
      text: `ETA keeps slipping — no progress for ${formatDuration(Math.floor(quietMs / 60_000) * 60_000 || quietMs)}`,
      tone: 'warn',
      title: `First estimated ${formatFullTime(new Date(i.firstEtaMs).toISOString())}, now ${formatFullTime(i.eta)}, with no progress reported in between`,
    };
  }
  // The cluster never estimates a time already past: a past ETA means "now" by the last refresh,
  // i.e. the job has run as long as jobs of its type usually take.
  if (at < i.now) {
    const runningMs = i.startedAt ? i.now - Date.parse(i.startedAt) : 0;
    if (runningMs < OVERDUE_AFTER_MS) return { text: 'Any moment', tone: 'muted', title: formatFullTime(i.eta) };
    return { text: 'Overdue', tone: 'muted', title: `Running longer than jobs of this type usually take (expected by ${formatFullTime(i.eta)})` };
  }
  return { text: formatRelative(i.eta, i.now), tone: 'normal', title: formatFullTime(i.eta) };
}

/** The first ETA seen per job since its last progress report. */
const firstSeen = new Map<string, { progressKey: string; etaMs: number }>();

/** Remembers the first ETA of a job since its last progress and returns it. */
export function observeEta(jobKey: string, progressKey: string, eta: string | null | undefined): number | null {
  if (!eta) return null;
  const seen = firstSeen.get(jobKey);
  if (seen && seen.progressKey === progressKey) return seen.etaMs;
  if (firstSeen.size > 5_000) firstSeen.clear();
  const etaMs = Date.parse(eta);
  firstSeen.set(jobKey, { progressKey, etaMs });
  return etaMs;
}

const TONE_CLASS: Record<EtaView['tone'], string | undefined> = { normal: undefined, muted: 'muted', warn: 'text-warn', crit: 'text-crit' };

/** The ETA of a running job, or why there is none to trust. */
export function JobEta({ job }: { job: { id: string; clusterId?: string; state: string; eta?: string | null; startedAt: string | null; lastProgressAt?: string | null } }) {
  const at = useNow();
  const progressKey = job.lastProgressAt ?? job.startedAt ?? '';
  const firstEtaMs = observeEta(`${job.clusterId ?? ''}/${job.id}`, progressKey, job.eta);
  const v = etaView({ state: job.state, eta: job.eta, startedAt: job.startedAt, lastProgressAt: job.lastProgressAt, firstEtaMs, now: at });
  return (
    <span className={TONE_CLASS[v.tone]} title={v.title}>
      {v.text}
    </span>
  );
}
