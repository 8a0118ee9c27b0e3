/**
 * A chart's frame: title, a text summary for screen readers, a fixed height so the layout does
 * not jump, and a designed empty state instead of blank axes.
 */
import type { ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';

/** Wraps one recharts chart. `summary` says in words what the chart shows. */
export function ChartFrame(props: { title: string; summary: string; empty?: string | null; height?: number; children: ReactNode; legend?: ReactNode }) {
  const { title, summary, empty, height = 170, children, legend } = props;
  return (
    <figure className="chart" aria-label={title}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        {legend ? <span className="chart-legend">{legend}</span> : null}
      </figcaption>
      <p className="sr-only">{summary}</p>
      <div className="chart-body" style={{ height }}>
        {empty ? (
          <div className="chart-empty">{empty}</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%" minWidth={0} initialDimension={{ width: 400, height }}>
            {children as React.ReactElement}
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}

/** A legend entry: a swatch in a series colour and its name. */
export function LegendItem({ colour, label }: { colour: string; label: string }) {
  return (
    <span className="legend-item">
      <span className="legend-swatch" style={{ background: colour }} aria-hidden="true" />
      {label}
    </span>
  );
}

/** Shared axis/tooltip styling for recharts, in theme variables. */
export const AXIS_PROPS = {
  stroke: 'var(--border-strong)',
  tick: { fill: 'var(--text-muted)', fontSize: 11 },
  tickLine: false,
} as const;

export const TOOLTIP_PROPS = {
  contentStyle: {
    background: 'var(--bg-elev)',
    border: '1px solid var(--border)',
    borderRadius: 6,
    fontSize: 12,
    color: 'var(--text)',
  },
  labelStyle: { color: 'var(--text-muted)' },
  cursor: { fill: 'var(--hover)', stroke: 'var(--border-strong)' },
} as const;
