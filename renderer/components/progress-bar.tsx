/** A thin progress bar with its percentage and, optionally, the step name beside it. */
export function ProgressBar({ percent, step, label }: { percent: number; step?: string; label?: string }) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(p)}
        aria-label={label ?? 'Progress'}
      >
        <div className="progress-fill" style={{ width: `${p}%` }} />
      </div>
      <span className="progress-text">
        <span className="num">{Math.round(p)}%</span>
        {step ? <span className="progress-step" title={step}> {step}</span> : null}
      </span>
    </div>
  );
}
