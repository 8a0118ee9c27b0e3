/**
 * A bulk action in two steps: first a dry run on each cluster says how many jobs it will touch;
 * after confirmation it runs and shows what happened to each job (done, skipped with the reason,
 * failed with the cluster's message).
 */
import { useEffect, useMemo, useState } from 'react';
import type { ActionResult } from '../../../contract/api.ts';
import type { Priority } from '../../../contract/domain.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { describeBulk } from '../../api/job-commands.ts';
import { checkDelay, defaultDelayChoice, type DelayChoice } from '../../components/delay-choice.ts';
import { DelayFields } from '../../components/delay-fields.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { PriorityOptions } from '../../components/job-actions.tsx';
import { formatCount, formatCountOf, formatFullTime } from '../../components/format.ts';
import { useNow } from '../../components/job-timing.tsx';
import { useToastStore } from '../../store/toast-store.ts';
import { BULK_LABELS, bulkTitle, planBulk, requestOf, type BulkKind, type BulkTarget } from './bulk-plan.ts';

type Phase =
  | { step: 'counting' }
  | { step: 'confirm'; counts: Map<string, number | string> }
  | { step: 'running' }
  | { step: 'done'; results: (ActionResult & { clusterId: string })[]; errors: string[]; totals: { ok: number; skipped: number; failed: number; matched: number } };

const SHOWN_RESULTS = 300;

/** What the description adds for actions whose effect is not in their name. */
const BULK_EXTRA_WORDS: Partial<Record<BulkKind, string>> = {
  delay: ' They stay pending and are not started before the time chosen; Run now on a job undoes it.',
  'run-now': ' Delayed jobs go back in line at once and run in their turn; jobs already in line keep their place.',
};

/** A delayed job's line in the results: when it runs. */
function runsAtWords(r: ActionResult): string | undefined {
  return r.outcome === 'ok' && r.job?.runAt && r.job.state === 'pending' ? `runs at ${formatFullTime(r.job.runAt)}` : undefined;
}

/** The dialog of one bulk action over a target (selection or filter). */
export function BulkActionDialog({ kind, target, onClose }: { kind: BulkKind; target: BulkTarget; onClose: () => void }) {
  const api = useAdminApi();
  const spec = BULK_LABELS[kind];
  const [days, setDays] = useState(30);
  const [priority, setPriority] = useState<Priority>('high');
  const [run_, setRun] = useState<Extract<Phase, { step: 'running' | 'done' }> | null>(null);
  const [counted, setCounted] = useState<{ key: string; counts: Map<string, number | string> } | null>(null);
  // The plan is pure; the dry-run counts belong to the plan they were made for.
  const [openedAt] = useState(() => Date.now());
  const plans = useMemo(() => planBulk(kind, target, { days, now: openedAt }), [kind, target, days, openedAt]);
  const countKey = `${days}:${priority}`;
  // A delay: which jobs it touches does not depend on the time chosen, so the count is made once
  // with the dialog's first choice and the run sends the choice at the moment of sending.
  const [delayChoice, setDelayChoice] = useState<DelayChoice>(() => defaultDelayChoice(openedAt));
  const [countDelay] = useState(() => {
    const first = checkDelay(defaultDelayChoice(openedAt), openedAt);
    return first.ok ? first.body : undefined;
  });
  const now = useNow();
  const delayCheck = kind === 'delay' ? checkDelay(delayChoice, now) : null;

  useEffect(() => {
    let live = true;
    void Promise.all(
      plans.map(async (p): Promise<[string, number | string]> => {
        if (p.skipReason) return [p.cluster.id, p.skipReason];
        try {
          const r = await api.bulkAction(p.cluster.id, { ...requestOf(kind, p, priority, countDelay), dryRun: true });
          return [p.cluster.id, r.matched];
        } catch (e) {
          return [p.cluster.id, errorMessage(e)];
        }
      }),
    ).then((entries) => {
      if (live) setCounted({ key: countKey, counts: new Map(entries) });
    });
    return () => {
      live = false;
    };
  }, [api, kind, plans, priority, countKey, countDelay]);

  const phase: Phase = run_ ?? (counted && counted.key === countKey ? { step: 'confirm', counts: counted.counts } : { step: 'counting' });
  const total = phase.step === 'confirm' ? [...phase.counts.values()].reduce<number>((n, c) => n + (typeof c === 'number' ? c : 0), 0) : 0;
  const notApplicable = plans.reduce((n, p) => n + p.notApplicable, 0);

  async function run() {
    if (phase.step !== 'confirm') return;
    const delay = kind === 'delay' ? checkDelay(delayChoice, Date.now()) : null;
    if (delay && !delay.ok) return;
    const counts = phase.counts;
    setRun({ step: 'running' });
    const results: (ActionResult & { clusterId: string })[] = [];
    const errors: string[] = [];
    const totals = { ok: 0, skipped: 0, failed: 0, matched: 0 };
    for (const p of plans) {
      if (p.skipReason || counts.get(p.cluster.id) === 0) continue;
      try {
        const r = await api.bulkAction(p.cluster.id, { ...requestOf(kind, p, priority, delay?.body), dryRun: false });
        results.push(...r.results.map((x) => ({ ...x, clusterId: p.cluster.id, message: x.message ?? (kind === 'delay' ? runsAtWords(x) : undefined) })));
        totals.ok += r.ok;
        totals.skipped += r.skipped;
        totals.failed += r.failed;
        totals.matched += r.matched;
      } catch (e) {
        errors.push(`${p.cluster.name}: ${errorMessage(e)}`);
      }
    }
    setRun({ step: 'done', results, errors, totals });
    useToastStore.getState().push({
      status: errors.length || totals.failed ? 'failure' : 'success',
      title: `${spec.title}: ${describeBulk(totals)}`,
      message: errors.join(' ') || undefined,
    });
  }

  const several = target.clusters.length > 1;
  const scopeWords = target.selected && kind !== 'delete-old' ? `the ${formatCount(target.selected.length)} selected jobs` : 'all jobs matching the current filter';
  return (
    <Dialog
      title={bulkTitle(kind, target.selected?.length ?? null)}
      size="medium"
      onClose={onClose}
      description={
        kind === 'delete-old'
          ? 'Deletes finished jobs (completed, failed, cancelled) that finished more than N days ago, within the current filter.'
          : `${spec.verb} ${scopeWords}. Only ${spec.states.join(' / ')} jobs are affected.${BULK_EXTRA_WORDS[kind] ?? ''}`
      }
      footer={
        phase.step === 'done' ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        ) : (
          <DialogActions
            closeLabel="Keep them"
            onClose={onClose}
            actionLabel={phase.step === 'confirm' ? `${spec.verb} ${formatCountOf(total, 'job')}` : phase.step === 'running' ? 'Working…' : 'Counting…'}
            variant={kind === 'delete-old' || kind === 'cancel' ? 'danger' : 'primary'}
            pending={phase.step === 'running'}
            disabled={phase.step !== 'confirm' || total === 0 || delayCheck?.ok === false}
            onAction={() => void run()}
          />
        )
      }
    >
      {kind === 'delete-old' && phase.step !== 'done' ? (
        <label className="field field-row">
          <span className="field-label">Older than (days)</span>
          <input className="input input-narrow" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(Math.max(1, Math.min(3650, Number(e.target.value) || 1)))} />
        </label>
      ) : null}
      {kind === 'set-priority' && phase.step !== 'done' ? (
        <label className="field field-row">
          <span className="field-label">New priority</span>
          <select className="select" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            <PriorityOptions />
          </select>
        </label>
      ) : null}
      {kind === 'delay' && phase.step !== 'done' ? <DelayFields choice={delayChoice} onChange={setDelayChoice} now={now} /> : null}
      {phase.step === 'counting' ? (
        <p role="status" className="bulk-count">
          <span className="spinner" aria-hidden="true" /> Counting the jobs this will touch…
        </p>
      ) : null}
      {phase.step === 'confirm' ? (
        <div role="status" className="bulk-count">
          <p>
            {kind === 'run-now' && !target.selected ? (
              // A filter cannot tell delayed jobs from the others: the cluster counts every pending one.
              <>
                This will put the delayed jobs among <strong className="num">{formatCount(total)}</strong> pending job{total === 1 ? '' : 's'} back in line
              </>
            ) : (
              <>
                This will {kind === 'run-now' ? 'put' : spec.verb.toLowerCase()} <strong className="num">{formatCount(total)}</strong> job{total === 1 ? '' : 's'}
                {kind === 'run-now' ? ' back in line' : ''}
              </>
            )}
            {several ? ' in all' : ''}.
            {notApplicable ? ` ${formatCountOf(notApplicable, 'selected job')} ${kind === 'run-now' ? 'not delayed' : 'in other states'} will be left alone.` : ''}
          </p>
          {several || [...phase.counts.values()].some((c) => typeof c === 'string') ? (
            <ul className="bulk-clusters">
              {plans.map((p) => {
                const c = phase.counts.get(p.cluster.id);
                return (
                  <li key={p.cluster.id}>
                    <strong>{p.cluster.name}</strong>: {typeof c === 'number' ? formatCountOf(c, 'job') : c}
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      ) : null}
      {phase.step === 'running' ? (
        <p role="status" className="bulk-count">
          <span className="spinner" aria-hidden="true" /> Working on {formatCount(total)} jobs…
        </p>
      ) : null}
      {phase.step === 'done' ? <BulkResults results={phase.results} errors={phase.errors} summary={describeBulk(phase.totals)} several={several} /> : null}
    </Dialog>
  );
}

/** One job's line in the results: what the cluster answered, or that it was left unchanged on purpose (nothing was sent). */
export type ShownResult = Omit<ActionResult, 'outcome'> & { clusterId: string; outcome: ActionResult['outcome'] | 'unchanged' };

const OUTCOME_WORDS: Record<ShownResult['outcome'], string> = { ok: 'Done', skipped: 'Skipped', failed: 'Failed', unchanged: 'Unchanged' };

/** The outcome of a bulk action: the totals, errors per cluster and a result per job. */
export function BulkResults({ results, errors, summary, several }: { results: readonly ShownResult[]; errors: readonly string[]; summary: string; several: boolean }) {
  return (
    <div className="bulk-results">
      <p role="status">
        <strong>{summary}</strong>
      </p>
      {errors.map((e) => (
        <p key={e} className="error-note" role="alert">
          {e}
        </p>
      ))}
      {results.length ? (
        <div className="table-wrap bulk-results-table">
          <table className="grid" aria-label="Result per job">
            <colgroup>
              <col style={{ width: several ? '34%' : '40%' }} />
              {several ? <col style={{ width: '14%' }} /> : null}
              <col style={{ width: '108px' }} />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Job ID</th>
                {several ? <th scope="col">Cluster</th> : null}
                <th scope="col">Result</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {results.slice(0, SHOWN_RESULTS).map((r) => (
                <tr key={`${r.clusterId}/${r.id}`}>
                  <td className="mono" title={r.id}>
                    {r.id}
                  </td>
                  {several ? <td>{r.clusterId}</td> : null}
                  <td>
                    <span className={`badge outcome-${r.outcome}`}>{OUTCOME_WORDS[r.outcome]}</span>
                  </td>
                  <td className="bulk-result-message">{r.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {results.length > SHOWN_RESULTS ? <p className="muted">…and {formatCount(results.length - SHOWN_RESULTS)} more.</p> : null}
        </div>
      ) : null}
    </div>
  );
}
