/**
 * A modal dialog on the native <dialog> element: focus trap, Escape and the top layer come from
 * the browser. Render it only while open; closing calls `onClose`. DialogActions is the footer
 * most dialogs have.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  /** Shown under the title. */
  description?: ReactNode;
}

/** A modal dialog with a title, body and footer of buttons. */
export function Dialog({ title, onClose, children, footer, size = 'medium', description }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    try {
      if (!el.open) el.showModal();
    } catch {
      el.setAttribute('open', '');
    }
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    el.addEventListener('cancel', onCancel);
    return () => {
      el.removeEventListener('cancel', onCancel);
      if (el.open) el.close?.();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      aria-modal="true"
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {description ? (
        <p id={descId} className="dialog-description">
          {description}
        </p>
      ) : null}
      <div className="dialog-body">{children}</div>
      {footer ? <footer className="dialog-footer">{footer}</footer> : null}
    </dialog>
  );
}

export interface DialogActionsProps {
  /** The button that leaves without acting ("Close", "Keep it"…). */
  closeLabel?: string;
  onClose: () => void;
  /** The dialog's one action. */
  actionLabel: string;
  onAction: () => void;
  variant?: 'primary' | 'danger';
  /** The action runs: a spinner on its button. */
  pending?: boolean;
  /** The action cannot run yet (still counting, nothing to do): the button stays focusable but does nothing. */
  disabled?: boolean;
  /** Buttons of the dialog's own, on the left (e.g. "Test connection"). */
  extra?: ReactNode;
}

/** The usual footer of a dialog: a button that leaves, and the dialog's action with a spinner while it runs. */
export function DialogActions({ closeLabel = 'Close', onClose, actionLabel, onAction, variant = 'primary', pending = false, disabled = false, extra }: DialogActionsProps) {
  return (
    <>
      {extra ? (
        <>
          {extra}
          <span className="spacer-flex" />
        </>
      ) : null}
      <button type="button" className="btn" onClick={onClose}>
        {closeLabel}
      </button>
      <button
        type="button"
        className={`btn btn-${variant}`}
        aria-busy={pending || undefined}
        aria-disabled={disabled || undefined}
        onClick={() => {
          if (!disabled) onAction();
        }}
      >
        {pending ? <span className="spinner" aria-hidden="true" /> : null}
        {actionLabel}
      </button>
    </>
  );
}
