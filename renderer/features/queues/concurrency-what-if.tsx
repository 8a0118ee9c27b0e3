/**
 * Under a queue's concurrency field: when the queue needs more, the concurrency the cluster
 * recommends for its p95 wait target, applied in one click (admins only, as every concurrency
 * change), and — while another value is typed — what that value would do to the time to drain and
 * the p95 wait, asked of the cluster's load model. Short words: they wrap in a narrow column.
 */
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { formatCountOf } from '../../components/format.ts';
import { waitWords, whatIfWords } from './load-words.ts';

/** Why Apply is off for this caller, or null when it may apply. */
export function applyBlockedReason(role: string | null | undefined): string | null {
  if (role === 'admin') return null;
  return role ? `Changing concurrency needs the admin role; this cluster's token is ${role}.` : 'Changing concurrency needs the admin role.';
}

/** The recommendation and, while `typed` differs from the current concurrency, its what-if. */
export function ConcurrencyWhatIf({ clusterId, m, typed, role }: { clusterId: string; m: QueueMetrics; typed: number | null; role: string | null | undefined }) {
  const api = useAdminApi();
  const label = JOB_TYPE_LABELS[m.type];
  const asking = typed !== null && typed !== m.concurrency;
  const whatIf = useApiQuery(`queue-what-if:${clusterId}:${m.type}:${typed ?? ''}`, (a) => a.getQueueLoad(clusterId, m.type, { concurrency: typed! }), {
    enabled: asking,
    minIntervalMs: 1000,
  });
  const rec = m.load?.recommendedConcurrency ?? null;
  const target = m.load ? waitWords(m.load.waitTargetMs) : null;
  return (
    <div className="what-if">
      {asking ? (
        <div className="what-if-line" aria-live="polite">
          {whatIf.data?.whatIf ? (
            <>
              With {typed}: {whatIfWords(whatIf.data.whatIf, m.paused)}
            </>
          ) : whatIf.error ? (
            <span className="muted">What-if unavailable: {whatIf.error.message}</span>
          ) : whatIf.data ? (
            <span className="muted">What-if needs the cluster online.</span>
          ) : (
            <span className="muted">Working out {typed}…</span>
          )}
        </div>
      ) : null}
      {rec !== null && rec > m.concurrency ? (
        <div className="what-if-line">
          <span title={`The smallest concurrency that keeps the 95th percentile wait under ${target} once today's backlog has drained`}>
            Needs {rec} for p95 ≤ {target}
          </span>{' '}
          <ActionButton
            small
            variant="ghost"
            label="Apply"
            ariaLabel={`Apply concurrency ${rec} to ${label}`}
            feedbackTitle={`Setting ${label} concurrency to ${rec}`}
            disabledReason={rec > 1000 ? 'More than 1000 jobs at once cannot be set; add worker nodes instead.' : applyBlockedReason(role)}
            run={async () => {
              const r = await api.queueAction(clusterId, m.type, 'set-concurrency', { concurrency: rec });
              return `${label} now runs up to ${formatCountOf(r.concurrency, 'job')} at once.`;
            }}
          />
        </div>
      ) : null}
    </div>
  );
}
