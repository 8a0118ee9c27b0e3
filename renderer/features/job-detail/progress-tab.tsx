/**
 * The Progress tab: step-by-step status, the current operation, a live log tail with search (and
 * earlier lines on demand), and the error message with its stack.
 */
import { useMemo, useState } from 'react';
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import type { JobStep, LogLine } from '../../../contract/jobs.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { formatRelative, formatTime } from '../../components/format.ts';
import { ProgressBar } from '../../components/progress-bar.tsx';

const STEP_ICONS: Record<string, string> = { done: '✓', running: '●', failed: '✕', pending: '○', skipped: '–', cancelled: '■' };
const STEP_WORDS: Record<string, string> = { done: 'Done', running: 'Running', failed: 'Failed', pending: 'Waiting', skipped: 'Skipped', cancelled: 'Cancelled' };

/**
 * How a step reads given its job: the cluster marks the step a cancelled job stopped in as failed
 * (it did not finish), but nothing failed — the admin cancelled it.
 */
export function stepShown(status: JobStep['status'], jobState: CachedJobDetail['state']): string {
  if (jobState === 'cancelled' && (status === 'failed' || status === 'running')) return 'cancelled';
  return status;
}

/** Highlights `q` in `text` (case-insensitive). */
function Highlight({ text, q }: { text: string; q: string }) {
  if (!q) return <>{text}</>;
  const parts = text.split(new RegExp(`(${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`, 'i'));
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>;
}

/** The Progress tab of one job. */
export function ProgressTab({ job }: { job: CachedJobDetail }) {
  const api = useAdminApi();
  const [q, setQ] = useState('');
  const [earlier, setEarlier] = useState<LogLine[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const lines = useMemo(() => {
    const seen = new Set(job.logsTail.map((l) => l.seq));
    return [...earlier.filter((l) => !seen.has(l.seq)), ...job.logsTail].sort((a, b) => a.seq - b.seq);
  }, [earlier, job.logsTail]);
  const shown = q ? lines.filter((l) => l.message.toLowerCase().includes(q.toLowerCase())) : lines;
  const firstSeq = lines[0]?.seq ?? 0;

  async function loadEarlier() {
    try {
      const offset = Math.max(0, firstSeq - 200);
      const page = await api.getJobLogs(job.clusterId, job.id, { offset, limit: firstSeq - offset });
      setEarlier((e) => [...page.items, ...e]);
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }

  return (
    <div className="detail-grid progress-tab">
      <section className="detail-section" aria-label="Steps">
        <h3>Steps</h3>
        {job.progress ? (
          <div className="current-op">
            <ProgressBar percent={job.progress.percent} step={`Step ${job.progress.stepIndex + 1} of ${job.progress.stepCount}: ${job.progress.step}`} label={`Progress of job ${job.id}`} />
            <div className="current-op-text">
              <span className="field-label">Current operation</span> {job.progress.message || job.progress.step}
              {job.lastProgressAt ? <span className="muted"> · last update {formatRelative(job.lastProgressAt)}</span> : null}
            </div>
          </div>
        ) : (
          <p className="muted">{job.state === 'pending' ? 'Not started yet: the job is waiting in the queue.' : 'No progress was reported.'}</p>
        )}
        <ol className="steps">
          {job.steps.map((s) => {
            const shown = stepShown(s.status, job.state);
            return (
              <li key={s.index} className={`step step-${shown}`}>
                <span className="step-icon" aria-hidden="true">
                  {STEP_ICONS[shown]}
                </span>
                <span className="step-name">{s.name}</span>
                <span className="step-status">{STEP_WORDS[shown]}</span>
              </li>
            );
          })}
        </ol>
        {job.steps.length === 0 ? <p className="muted">This job reports no steps.</p> : null}
      </section>
      {job.errorMessage || job.errorStack ? (
        <section className="detail-section error-section" aria-label="Error">
          <h3>Error</h3>
          <p className="error-message" role="alert">
            {job.errorMessage}
          </p>
          {job.errorStack ? (
            <details open>
              <summary>Stack trace</summary>
              <pre className="code">{job.errorStack}</pre>
            </details>
          ) : null}
        </section>
      ) : null}
      <section className="detail-section span-all" aria-label="Logs">
        <div className="section-head">
          <h3>
            Logs <span className="count-pill num">{job.logCount}</span>
          </h3>
          <input className="input search" type="search" placeholder="Search the log" aria-label="Search the log" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        {firstSeq > 0 ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void loadEarlier()}>
            Load earlier lines ({firstSeq} more)
          </button>
        ) : null}
        {loadError ? <p className="field-error">{loadError}</p> : null}
        <div className="log" role="log" aria-label="Job log" aria-live={job.state === 'running' ? 'polite' : 'off'}>
          {shown.length === 0 ? <div className="log-empty">{q ? `No line contains “${q}”.` : 'No log lines yet.'}</div> : null}
          {shown.map((l) => (
            <div key={l.seq} className={`log-line log-${l.level}`}>
              <span className="log-time num">{formatTime(l.at)}</span>
              <span className="log-level">{l.level}</span>
              <span className="log-msg">
                <Highlight text={l.message} q={q} />
              </span>
            </div>
          ))}
        </div>
      </section>
    </div>
  );
}
