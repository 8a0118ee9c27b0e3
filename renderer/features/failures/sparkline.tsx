/** A failure group's trend: failures per hour as a small bar sparkline, with its figures in words for assistive tech. */
export function Sparkline({ hourly, label }: { hourly: readonly number[]; label: string }) {
  const max = Math.max(1, ...hourly);
  const total = hourly.reduce((a, b) => a + b, 0);
  const width = 120;
  const height = 24;
  const step = width / Math.max(1, hourly.length);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`${label}: ${total} in the last ${hourly.length} hours, at most ${max === 1 && total === 0 ? 0 : max} in one hour`}>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} className="sparkline-base" />
      {hourly.map((n, i) =>
        n > 0 ? <rect key={i} x={i * step} width={Math.max(1, step - 0.4)} y={height - 1 - (n / max) * (height - 2)} height={(n / max) * (height - 2)} className="sparkline-bar" /> : null,
      )}
    </svg>
  );
}
