/** A semicircular gauge for a utilisation percentage, coloured and labelled by its resource level. */
import { RESOURCE_LEVEL_LABELS, type Level } from '../../contract/thresholds.ts';

/** Gauge of one resource: value 0–100, level from the thresholds, and a note (e.g. which node). */
export function Gauge({ label, value, level, note }: { label: string; value: number | null; level: Level; note?: string }) {
  const v = value === null ? 0 : Math.max(0, Math.min(100, value));
  const angle = Math.PI * (1 - v / 100);
  const x = 50 + 40 * Math.cos(angle);
  const y = 50 - 40 * Math.sin(angle);
  const words = value === null ? 'no data' : `${Math.round(v)}%, ${RESOURCE_LEVEL_LABELS[level]}`;
  return (
    <figure className={`gauge level-${value === null ? 'none' : level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value === null ? undefined : Math.round(v)} aria-valuetext={words}>
      <svg viewBox="0 0 100 58" aria-hidden="true">
        <path d="M10 50 A40 40 0 0 1 90 50" className="gauge-track" />
        {value !== null && v > 0 ? <path d={`M10 50 A40 40 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`} className="gauge-value" /> : null}
      </svg>
      <div className="gauge-number num">{value === null ? '—' : `${Math.round(v)}%`}</div>
      <figcaption>
        <span className="gauge-label">{label}</span>
        <span className="gauge-level">{value === null ? 'No data' : RESOURCE_LEVEL_LABELS[level]}</span>
        {note ? <span className="gauge-note" title={note}>{note}</span> : null}
      </figcaption>
    </figure>
  );
}
