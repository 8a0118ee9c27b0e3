/**
 * Delay and Run now in the job detail's action bar. Delay… asks until when (a dialog) for a
 * pending job; Run now undoes a delay, so it is offered only while the job is delayed, and
 * otherwise says why not.
 */
import { useState } from 'react';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { delayJob } from '../../api/delay-commands.ts';
import { actionDisabledReason, runJobAction } from '../../api/job-commands.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { checkDelay, defaultDelayChoice, delayedUntil, type DelayChoice } from '../../components/delay-choice.ts';
import { DelayFields } from '../../components/delay-fields.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { formatFullTime } from '../../components/format.ts';
import { useNow } from '../../components/job-timing.tsx';
import { useClusterUnavailable } from '../../components/use-clusters.ts';
import { runWithFeedback } from '../../store/toast-store.ts';

type JobRef = Pick<CachedJob, 'id' | 'clusterId' | 'state' | 'runAt'>;

/** Delay… and Run now for one job. */
export function DelayActions({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  const now = useNow();
  const [open, setOpen] = useState(false);
  const until = delayedUntil(job, now);
  const delayReason = offline ?? actionDisabledReason('delay', job.state);
  const runNowReason =
    offline ?? actionDisabledReason('run-now', job.state) ?? (until === null ? `Job ${job.id} is not delayed: it is in line to run already.` : null);
  return (
    <>
      <button
        type="button"
        className="btn"
        aria-label={`Delay job ${job.id}`}
        aria-disabled={Boolean(delayReason) || undefined}
        title={delayReason ?? (until === null ? 'Postpone the job until a time or by a duration' : 'Delayed: choose another time')}
        onClick={() => !delayReason && setOpen(true)}
      >
        Delay…
      </button>
      <ActionButton
        label="Run now"
        ariaLabel={`Run now job ${job.id}`}
        feedbackTitle={`Putting job ${job.id} back in line`}
        disabledReason={runNowReason}
        run={() => runJobAction(api, job.clusterId, job.id, 'run-now')}
      />
      {open ? <DelayJobDialog job={job} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** The dialog that delays one pending job. */
export function DelayJobDialog({ job, onClose }: { job: JobRef; onClose: () => void }) {
  const api = useAdminApi();
  const now = useNow();
  const [choice, setChoice] = useState<DelayChoice>(() => defaultDelayChoice(Date.now()));
  const [pending, setPending] = useState(false);
  const check = checkDelay(choice, now);
  const current = delayedUntil(job, now);

  async function delay() {
    // Checked again at the moment of sending: a duration runs from now, a time may have passed meanwhile.
    const latest = checkDelay(choice, Date.now());
    if (!latest.ok) return;
    setPending(true);
    const ok = await runWithFeedback(`Delaying job ${job.id}`, () => delayJob(api, job.clusterId, job.id, latest.body, formatFullTime));
    setPending(false);
    if (ok) onClose();
  }

  return (
    <Dialog
      title={`Delay job ${job.id}`}
      size="small"
      onClose={onClose}
      description={
        current === null
          ? 'The job stays pending but is not started before the time you choose. Run now puts it back in line at once.'
          : `Delayed until ${formatFullTime(new Date(current).toISOString())}. A new time replaces it.`
      }
      footer={<DialogActions closeLabel="Keep it" onClose={onClose} actionLabel="Delay job" pending={pending} disabled={!check.ok || pending} onAction={() => void delay()} />}
    >
      <DelayFields choice={choice} onChange={setChoice} now={now} />
    </Dialog>
  );
}
