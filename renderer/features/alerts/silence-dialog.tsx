/** Silence an alert for a chosen time: its rule and scope notify nobody until then (at most a week). */
import { useState } from 'react';
import { MAX_SILENCE_MS } from '../../../contract/alerts.ts';
import { SILENCE_CHOICES_MINUTES, type DesktopAlert } from '../../../contract/desktop-alerts.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { formatFullTime } from '../../components/format.ts';
import { runWithFeedback } from '../../store/toast-store.ts';

function choiceLabel(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : minutes % 1440 === 0 ? `${minutes / 1440} day` : `${minutes / 60} h`;
}

export function SilenceDialog({ alert, clusterName, onClose }: { alert: DesktopAlert; clusterName: string; onClose: () => void }) {
  const api = useAdminApi();
  const [minutes, setMinutes] = useState<number>(60);
  const [custom, setCustom] = useState('');
  const [comment, setComment] = useState('');
  const customHours = custom.trim() === '' ? null : Number(custom);
  const ms = customHours !== null ? customHours * 3_600_000 : minutes * 60_000;
  const problem =
    customHours !== null && (!Number.isFinite(customHours) || customHours <= 0)
      ? 'Hours must be a number above 0.'
      : ms > MAX_SILENCE_MS
        ? 'At most a week (168 h): silence again later if it still needs to be quiet.'
        : null;
  const [openedAt] = useState(() => Date.now());
  const shownUntil = new Date(openedAt + ms).toISOString();

  async function silence() {
    if (problem) return;
    const until = new Date(Date.now() + ms).toISOString();
    const ok = await runWithFeedback(`Silencing ${alert.ruleName ?? 'the alert'} on ${clusterName}`, async () => {
      await api.silenceAlert(alert.clusterId, alert.id, { until, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      return `Silenced until ${formatFullTime(until)}.`;
    });
    if (ok) onClose();
  }

  return (
    <Dialog
      title={`Silence “${alert.ruleName ?? alert.message}”`}
      onClose={onClose}
      description={`${clusterName}: notifications of this rule${alert.scope && alert.scope.kind !== 'cluster' ? ` for ${alert.scope.kind === 'queue' ? alert.scope.queue : alert.scope.node}` : ''} are held back until then. It still shows here while it fires.`}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn btn-primary" disabled={problem !== null} onClick={() => void silence()}>
            Silence
          </button>
        </>
      }
    >
      <div className="silence-choices" role="radiogroup" aria-label="Silence for">
        {SILENCE_CHOICES_MINUTES.map((m) => (
          <label key={m}>
            <input type="radio" name="silence-for" checked={customHours === null && minutes === m} onChange={() => (setMinutes(m), setCustom(''))} />
            {choiceLabel(m)}
          </label>
        ))}
      </div>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Or hours</span>
          <input className="input" inputMode="decimal" value={custom} placeholder="e.g. 8" aria-invalid={problem !== null} onChange={(e) => setCustom(e.target.value)} />
          {problem ? <span className="field-error">{problem}</span> : null}
        </label>
        <label className="field">
          <span className="field-label">Comment (optional)</span>
          <input className="input" value={comment} maxLength={500} placeholder="Known issue, fix deploying" onChange={(e) => setComment(e.target.value)} />
        </label>
      </div>
      {!problem ? <p className="alert-note">Until about {formatFullTime(shownUntil)}.</p> : null}
    </Dialog>
  );
}
