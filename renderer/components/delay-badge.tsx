/**
 * A delayed job in the job tables: still pending, but not in line before its run-at time, so it
 * shows a clock and "18:00" in its own colour instead of the grey Pending of jobs ready to run
 * (read out as "Runs 18:00"; the State column has no room for the word next to a 12-hour time).
 * The time passing turns it back into Pending without a refresh.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import { StateBadge } from './badges.tsx';
import { formatFullTime } from './format.ts';
import { useNow } from './job-timing.tsx';
import './delay.css';

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayOfYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** When a delayed job runs, short enough for a table cell: the time today, the day otherwise (the tooltip has both). */
export function formatRunsAt(at: number, now: number): string {
  const a = new Date(at);
  const n = new Date(now);
  const sameDay = a.getFullYear() === n.getFullYear() && a.getMonth() === n.getMonth() && a.getDate() === n.getDate();
  return sameDay ? timeOfDay.format(a) : dayOfYear.format(a);
}

/** The tooltip of a delayed job. */
export function delayedTitle(at: number): string {
  return `Delayed: pending, and not started before ${formatFullTime(new Date(at).toISOString())}. Run now puts it back in line.`;
}

/** The State cell: a delayed job's run-at, otherwise its state. */
export function JobStateBadge({ job }: { job: Pick<CachedJob, 'state' | 'runAt' | 'workerLost'> }) {
  if (job.state === 'pending' && job.runAt) return <PendingUntil runAt={job.runAt} />;
  return <StateBadge state={job.state} workerLost={job.workerLost} />;
}

function PendingUntil({ runAt }: { runAt: string }) {
  const now = useNow();
  const at = Date.parse(runAt);
  if (!(at > now)) return <StateBadge state="pending" />;
  return (
    <span className="badge state-delayed" title={delayedTitle(at)}>
      <ClockIcon />
      <span className="sr-only">Runs </span>
      {formatRunsAt(at, now)}
    </span>
  );
}

function ClockIcon() {
  return (
    <svg className="delay-clock" width="11" height="11" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="M6 3.2V6l2 1.3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

/** A queue table's place in line: a delayed job has none yet, it says when it runs. */
export function PlaceInLine({ job, place, title }: { job: Pick<CachedJob, 'state' | 'runAt'>; place: number | undefined; title: string | undefined }) {
  if (job.state === 'pending' && job.runAt) return <RunsAtText runAt={job.runAt} place={place} title={title} />;
  return <Place place={place} title={title} />;
}

function Place({ place, title }: { place: number | undefined; title: string | undefined }) {
  return (
    <span className="num" title={title}>
      {place ?? '—'}
    </span>
  );
}

function RunsAtText({ runAt, place, title }: { runAt: string; place: number | undefined; title: string | undefined }) {
  const now = useNow();
  const at = Date.parse(runAt);
  if (!(at > now)) return <Place place={place} title={title} />;
  return (
    <span className="num run-at-text" title={delayedTitle(at)}>
      Runs {formatRunsAt(at, now)}
    </span>
  );
}
