/**
 * Boost a selection: every selected pending job goes one priority step up. The dialog lists the
 * priority each job goes to before anything is sent, counts with a dry run of the cluster's
 * set-priority bulk action (one request per cluster and new priority), then runs those requests
 * and shows a result per job; jobs already Critical are listed as unchanged, not as failures.
 */
import { useEffect, useMemo, useState } from 'react';
import type { CachedJob, ClusterView } from '../../../contract/admin-api.ts';
import { PRIORITY_LABELS, type Priority } from '../../../contract/domain.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { describeBulk } from '../../api/job-commands.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { formatCount, formatCountOf } from '../../components/format.ts';
import { useToastStore } from '../../store/toast-store.ts';
import { BulkResults, type ShownResult } from './bulk-action-dialog.tsx';
import { planBoost, type BoostLine } from './boost-plan.ts';

const SHOWN_LINES = 300;
const TOP = PRIORITY_LABELS.critical;

type Phase =
  | { step: 'counting' }
  | { step: 'confirm'; matched: number; errors: string[] }
  | { step: 'running' }
  | { step: 'done'; results: ShownResult[]; errors: string[]; summary: string; failed: boolean };

/** The Boost dialog over the selected jobs. */
export function BoostDialog({ selected, clusters, onClose }: { selected: readonly CachedJob[]; clusters: readonly ClusterView[]; onClose: () => void }) {
  const api = useAdminApi();
  const plan = useMemo(() => planBoost(selected, clusters), [selected, clusters]);
  const [counted, setCounted] = useState<{ matched: number; errors: string[] } | null>(null);
  const [run_, setRun] = useState<Extract<Phase, { step: 'running' | 'done' }> | null>(null);
  const unchanged = plan.lines.filter((l) => l.to === null);
  const several = new Set(selected.map((j) => j.clusterId)).size > 1;

  useEffect(() => {
    let live = true;
    void Promise.all(
      plan.steps.map(async (s) => {
        try {
          const r = await api.bulkAction(s.cluster.id, { action: 'set-priority', ids: s.ids, priority: s.to, dryRun: true });
          return { matched: r.matched, error: null };
        } catch (e) {
          return { matched: 0, error: `${s.cluster.name}: ${errorMessage(e)}` };
        }
      }),
    ).then((answers) => {
      if (!live) return;
      setCounted({ matched: answers.reduce((n, a) => n + a.matched, 0), errors: answers.flatMap((a) => (a.error ? [a.error] : [])) });
    });
    return () => {
      live = false;
    };
  }, [api, plan]);

  const phase: Phase = run_ ?? (counted ? { step: 'confirm', ...counted } : { step: 'counting' });

  async function run() {
    if (phase.step !== 'confirm') return;
    setRun({ step: 'running' });
    const results: ShownResult[] = [];
    const errors: string[] = [];
    const totals = { ok: 0, skipped: 0, failed: 0, matched: 0 };
    for (const s of plan.steps) {
      try {
        const r = await api.bulkAction(s.cluster.id, { action: 'set-priority', ids: s.ids, priority: s.to, dryRun: false });
        results.push(...r.results.map((x) => ({ ...x, clusterId: s.cluster.id, message: x.message ?? (x.outcome === 'ok' ? `now ${PRIORITY_LABELS[s.to]}` : undefined) })));
        totals.ok += r.ok;
        totals.skipped += r.skipped;
        totals.failed += r.failed;
        totals.matched += r.matched;
      } catch (e) {
        errors.push(`${s.cluster.name}: ${errorMessage(e)}`);
      }
    }
    for (const l of unchanged) results.push({ id: l.job.id, clusterId: l.job.clusterId, outcome: 'unchanged', message: `already ${TOP}, the top priority` });
    const summary = `${describeBulk(totals)}${unchanged.length ? ` ${formatCountOf(unchanged.length, 'job')} already ${TOP}: unchanged.` : ''}`;
    const failed = errors.length > 0 || totals.failed > 0;
    setRun({ step: 'done', results, errors, summary, failed });
    useToastStore.getState().push({ status: failed ? 'failure' : 'success', title: `Boost: ${summary}`, message: errors.join(' ') || undefined });
  }

  const boosting = plan.lines.length - unchanged.length;
  return (
    <Dialog
      title={`Boost ${formatCount(selected.length)} selected`}
      size="medium"
      onClose={onClose}
      description={`Moves each selected pending job one priority step up: Low → Normal → High → ${TOP}. A boosted job runs before the pending jobs of lower priority in its queue.`}
      footer={
        phase.step === 'done' ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        ) : (
          <DialogActions
            closeLabel="Keep them"
            onClose={onClose}
            actionLabel={phase.step === 'confirm' ? `Boost ${formatCountOf(phase.matched, 'job')}` : phase.step === 'running' ? 'Working…' : 'Counting…'}
            pending={phase.step === 'running'}
            disabled={phase.step !== 'confirm' || phase.matched === 0}
            onAction={() => void run()}
          />
        )
      }
    >
      {phase.step === 'done' ? (
        <BulkResults results={phase.results} errors={phase.errors} summary={phase.summary} several={several} />
      ) : (
        <>
          <div role="status" className="bulk-count">
            {phase.step === 'counting' ? (
              <p>
                <span className="spinner" aria-hidden="true" /> Counting the jobs this will touch…
              </p>
            ) : phase.step === 'running' ? (
              <p>
                <span className="spinner" aria-hidden="true" /> Boosting {formatCount(boosting)} jobs…
              </p>
            ) : (
              <p>
                This will boost <strong className="num">{formatCount(phase.matched)}</strong> job{phase.matched === 1 ? '' : 's'}.
                {unchanged.length ? ` ${formatCountOf(unchanged.length, 'job')} already ${TOP} stay${unchanged.length === 1 ? 's' : ''} as ${unchanged.length === 1 ? 'it is' : 'they are'}.` : ''}
                {plan.notPending ? ` ${formatCountOf(plan.notPending, 'selected job')} not pending ${plan.notPending === 1 ? 'is' : 'are'} left alone.` : ''}
              </p>
            )}
            {[...plan.skipped.map((s) => s.reason), ...(phase.step === 'confirm' ? phase.errors : [])].map((e) => (
              <p key={e} className="error-note">
                {e}
              </p>
            ))}
          </div>
          <BoostLines lines={plan.lines} several={several} />
        </>
      )}
    </Dialog>
  );
}

/** Each pending selected job with its priority now and the one it goes to. */
function BoostLines({ lines, several }: { lines: readonly BoostLine[]; several: boolean }) {
  if (lines.length === 0) return <p className="muted">None of the selected jobs is pending: only pending jobs have a priority to change.</p>;
  return (
    <div className="table-wrap bulk-results-table boost-lines">
      <table className="grid" aria-label="Priority per job">
        <colgroup>
          <col />
          {several ? <col style={{ width: '18%' }} /> : null}
          <col style={{ width: '92px' }} />
          <col style={{ width: '34%' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Job ID</th>
            {several ? <th scope="col">Cluster</th> : null}
            <th scope="col">Now</th>
            <th scope="col">Goes to</th>
          </tr>
        </thead>
        <tbody>
          {lines.slice(0, SHOWN_LINES).map((l) => (
            <tr key={`${l.job.clusterId}/${l.job.id}`}>
              <td className="mono" title={l.job.id}>
                {l.job.id}
              </td>
              {several ? <td>{l.job.clusterId}</td> : null}
              <td>
                <PriorityBadge priority={l.job.priority} />
              </td>
              <td>{l.to ? <GoesTo to={l.to} /> : <span className="muted">Unchanged: already {TOP}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > SHOWN_LINES ? <p className="muted">…and {formatCount(lines.length - SHOWN_LINES)} more.</p> : null}
    </div>
  );
}

function GoesTo({ to }: { to: Priority }) {
  return (
    <>
      <span aria-hidden="true">→ </span>
      <PriorityBadge priority={to} />
    </>
  );
}
