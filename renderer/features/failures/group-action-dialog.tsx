/**
 * A failure group's action in two steps, like the bulk actions: a dry run says how many of the
 * group's jobs each cluster will touch; after confirmation it runs and lists what happened to each.
 */
import { useEffect, useState } from 'react';
import type { FailureGroupActionResult } from '../../../contract/failure-api.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { formatCount, formatCountOf } from '../../components/format.ts';

const LABELS = {
  retry: { title: 'Retry all failed jobs of this pattern', verb: 'Retry', done: 'retried' },
  cancel: { title: 'Cancel the pending jobs of this pattern', verb: 'Cancel', done: 'cancelled' },
} as const;

type Phase = { step: 'counting' } | { step: 'confirm'; dry: FailureGroupActionResult } | { step: 'running' } | { step: 'done'; result: FailureGroupActionResult } | { step: 'error'; message: string };

const SHOWN = 300;

export function GroupActionDialog({ groupId, action, onClose }: { groupId: string; action: 'retry' | 'cancel'; onClose: () => void }) {
  const api = useAdminApi();
  const labels = LABELS[action];
  const [phase, setPhase] = useState<Phase>({ step: 'counting' });
  useEffect(() => {
    let live = true;
    const call = action === 'retry' ? api.retryFailureGroup(groupId, { dryRun: true }) : api.cancelFailureGroupPending(groupId, { dryRun: true });
    call.then(
      (dry) => live && setPhase({ step: 'confirm', dry }),
      (e: unknown) => live && setPhase({ step: 'error', message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, groupId, action]);

  async function run() {
    setPhase({ step: 'running' });
    try {
      const result = action === 'retry' ? await api.retryFailureGroup(groupId, { dryRun: false }) : await api.cancelFailureGroupPending(groupId, { dryRun: false });
      setPhase({ step: 'done', result });
    } catch (e) {
      setPhase({ step: 'error', message: errorMessage(e) });
    }
  }

  const footer =
    phase.step === 'confirm' ? (
      <>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void run()} disabled={phase.dry.matched === 0}>
          {labels.verb} {formatCountOf(phase.dry.matched, 'job')}
        </button>
      </>
    ) : (
      <button type="button" className="btn" onClick={onClose} disabled={phase.step === 'running'}>
        Close
      </button>
    );

  return (
    <Dialog title={labels.title} onClose={onClose} footer={footer}>
      {phase.step === 'counting' ? <p role="status">Counting the jobs on each cluster…</p> : null}
      {phase.step === 'running' ? <p role="status">Working…</p> : null}
      {phase.step === 'error' ? (
        <p role="alert" className="error-note">
          {phase.message}
        </p>
      ) : null}
      {phase.step === 'confirm' ? (
        <div>
          <p role="status" className="dry-run-count">
            {phase.dry.matched === 0 ? `No job of this pattern to ${labels.verb.toLowerCase()} right now.` : `${labels.verb} will act on ${formatCountOf(phase.dry.matched, 'job')}:`}
          </p>
          <ul className="plain-list">
            {phase.dry.clusters.map((c) => (
              <li key={c.clusterId}>
                <strong>{c.clusterId}</strong>: {c.error ? <span className="crit-text">{c.error}</span> : formatCountOf(c.matched, 'job')}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {phase.step === 'done' ? (
        <div>
          <p role="status" className="action-summary">
            {formatCount(phase.result.ok)} {labels.done}, {formatCount(phase.result.skipped)} skipped, {formatCount(phase.result.failed)} failed
          </p>
          {phase.result.clusters.filter((c) => c.error).map((c) => (
            <p key={c.clusterId} className="error-note" role="alert">
              {c.clusterId}: {c.error}
            </p>
          ))}
          <ul className="plain-list action-results">
            {phase.result.clusters.flatMap((c) => c.results.map((r) => ({ ...r, clusterId: c.clusterId }))).slice(0, SHOWN).map((r) => (
              <li key={`${r.clusterId}/${r.id}`}>
                <span className="mono">{r.id}</span> — {r.outcome === 'ok' ? labels.done : r.outcome}
                {r.message ? <span className="muted">: {r.message}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Dialog>
  );
}
