/**
 * The fields of a delay: by a duration (minutes or hours) or until a date and time, shown in the
 * admin's own time zone with the time it comes to, or what is wrong with the choice.
 */
import { useId } from 'react';
import { checkDelay, localZoneName, toLocalInput, type DelayChoice, type DurationUnit } from './delay-choice.ts';
import { formatFullTime } from './format.ts';
import './delay.css';

export function DelayFields({ choice, onChange, now }: { choice: DelayChoice; onChange: (c: DelayChoice) => void; now: number }) {
  const name = useId();
  const problemId = useId();
  const check = checkDelay(choice, now);
  const problem = check.ok ? null : check.message;
  const set = (patch: Partial<DelayChoice>) => onChange({ ...choice, ...patch });
  return (
    <div className="delay-fields">
      <div className="delay-mode" role="radiogroup" aria-label="Delay">
        <label className="delay-option">
          <input type="radio" name={name} aria-label="By a duration" checked={choice.mode === 'duration'} onChange={() => set({ mode: 'duration' })} />
          <span>By</span>
          <input
            className="input input-narrow"
            type="number"
            min={1}
            step="any"
            aria-label={`Delay by how many ${choice.unit}`}
            aria-invalid={(problem !== null && choice.mode === 'duration') || undefined}
            aria-describedby={problem && choice.mode === 'duration' ? problemId : undefined}
            value={choice.amount}
            onFocus={() => set({ mode: 'duration' })}
            onChange={(e) => set({ mode: 'duration', amount: e.target.value })}
          />
          <select className="select" aria-label="Unit" value={choice.unit} onChange={(e) => set({ mode: 'duration', unit: e.target.value as DurationUnit })}>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
          </select>
        </label>
        <label className="delay-option">
          <input type="radio" name={name} aria-label="Until a date and time" checked={choice.mode === 'until'} onChange={() => set({ mode: 'until' })} />
          <span>Until</span>
          <input
            className="input"
            type="datetime-local"
            aria-label="Run at (your local time)"
            aria-invalid={(problem !== null && choice.mode === 'until') || undefined}
            aria-describedby={problem && choice.mode === 'until' ? problemId : undefined}
            min={toLocalInput(now)}
            value={choice.untilLocal}
            onFocus={() => set({ mode: 'until' })}
            onChange={(e) => set({ mode: 'until', untilLocal: e.target.value })}
          />
        </label>
      </div>
      {check.ok ? (
        <p className="delay-preview" role="status">
          Runs at <strong>{formatFullTime(new Date(check.runAt).toISOString())}</strong> <span className="muted">your time ({localZoneName(check.runAt)})</span>
        </p>
      ) : (
        <p id={problemId} className="field-error delay-problem" role="alert">
          {check.message}
        </p>
      )}
    </div>
  );
}
