/**
 * A button that runs an AdminApi action with feedback: it shows pending while the call runs, a
 * toast with success or the cluster's failure message afterwards, asks first when the action is
 * destructive, and when disabled says why (tooltip and accessible description). An action that
 * can carry a note for someone (a job's owner) offers the note's field in its question.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { runWithFeedback } from '../store/toast-store.ts';
import { Dialog, DialogActions } from './dialog.tsx';
import { useRowTabIndex } from './row-navigation.tsx';

export interface ConfirmSpec {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  /** The confirming button's tone: red for what cannot be undone (the default), primary for what can. */
  tone?: 'danger' | 'primary';
}

/** An optional note the question offers a field for; what is typed is handed to `run`. */
export interface NoteSpec {
  /** The field's label, e.g. "Note for ana (optional)". */
  label: string;
  /** Under the field: who gets it and how. */
  hint: string;
  maxLength: number;
}

export interface ActionButtonProps {
  label: string;
  /** Toast title while it runs, e.g. "Cancelling job 42". */
  feedbackTitle: string;
  /** Does the work; returns the success message or throws with the failure message. `note`: what was typed in the note field, trimmed, if anything. */
  run: (note?: string) => Promise<string | undefined>;
  confirm?: ConfirmSpec;
  /** With `confirm`: the question offers this note's field. */
  note?: NoteSpec;
  /** When set, the button is disabled and this says why. */
  disabledReason?: string | null;
  variant?: 'default' | 'primary' | 'danger' | 'ghost';
  small?: boolean;
  /** Accessible name when `label` alone is ambiguous (e.g. "Cancel job 42"). */
  ariaLabel?: string;
  onDone?: (ok: boolean) => void;
  /**
   * What the button acts on (e.g. a job's key). A button reused for another target (a table row
   * recycled for another job while scrolling) drops its question, typed note and pending mark:
   * they belong to the target they were started for.
   */
  target?: string;
}

/** A button for one action, with pending/success/failure feedback and an optional confirmation. */
export function ActionButton(props: ActionButtonProps) {
  const { label, feedbackTitle, run, confirm, note, disabledReason, variant = 'default', small, ariaLabel, onDone, target } = props;
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [noteText, setNoteText] = useState('');
  const [stateTarget, setStateTarget] = useState(target);
  if (stateTarget !== target) {
    setStateTarget(target);
    setPending(false);
    setConfirming(false);
    setNoteText('');
  }
  const targetRef = useRef(target);
  useEffect(() => {
    targetRef.current = target;
  });
  const reasonId = useId();
  const noteId = useId();
  const tabIndex = useRowTabIndex();

  async function go() {
    setConfirming(false);
    const typed = note ? noteText.trim() : '';
    setNoteText('');
    setPending(true);
    const startedFor = target;
    const ok = await runWithFeedback(feedbackTitle, () => run(typed === '' ? undefined : typed));
    // A button that meanwhile shows another target keeps that target's own mark.
    if (targetRef.current === startedFor) setPending(false);
    onDone?.(ok);
  }

  const disabled = Boolean(disabledReason) || pending;
  return (
    <>
      <button
        type="button"
        className={`btn btn-${variant}${small ? ' btn-small' : ''}${pending ? ' is-pending' : ''}`}
        aria-label={ariaLabel}
        aria-disabled={disabled || undefined}
        aria-describedby={disabledReason ? reasonId : undefined}
        aria-busy={pending || undefined}
        title={disabledReason ?? undefined}
        tabIndex={tabIndex}
        onClick={() => {
          if (disabled) return;
          if (confirm) setConfirming(true);
          else void go();
        }}
      >
        {pending ? <span className="spinner" aria-hidden="true" /> : null}
        {label}
      </button>
      {disabledReason ? (
        <span id={reasonId} className="sr-only">
          {disabledReason}
        </span>
      ) : null}
      {confirming && confirm ? (
        <Dialog
          title={confirm.title}
          size="small"
          onClose={() => setConfirming(false)}
          footer={<DialogActions closeLabel="Keep it" onClose={() => setConfirming(false)} actionLabel={confirm.confirmLabel} variant={confirm.tone ?? 'danger'} onAction={() => void go()} />}
        >
          {confirm.body}
          {note ? (
            <div className="field note-field">
              <label className="field-label" htmlFor={noteId}>
                {note.label}
              </label>
              <textarea
                id={noteId}
                className="textarea"
                rows={3}
                maxLength={note.maxLength}
                value={noteText}
                aria-describedby={`${noteId}-hint`}
                onChange={(e) => setNoteText(e.target.value)}
              />
              <span id={`${noteId}-hint`} className="field-hint">
                {note.hint}
              </span>
            </div>
          ) : null}
        </Dialog>
      ) : null}
    </>
  );
}
