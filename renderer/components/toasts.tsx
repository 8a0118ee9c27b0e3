/** The feedback region: toasts for running, finished and failed actions, announced to screen readers. */
import { useToastStore } from '../store/toast-store.ts';

/** Renders the toast stack in the corner. */
export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toasts" role="region" aria-label="Action feedback" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.status}`} role={t.status === 'failure' ? 'alert' : 'status'}>
          <div className="toast-icon" aria-hidden="true">
            {t.status === 'pending' ? <span className="spinner" /> : t.status === 'success' ? '✓' : '!'}
          </div>
          <div className="toast-text">
            <div className="toast-title">{t.title}</div>
            {t.message ? <div className="toast-message">{t.message}</div> : null}
          </div>
          {t.status !== 'pending' ? (
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
