/**
 * A queue's backlog over the last hour (as this app sampled it) and the cluster's forecast for the
 * next hour: the expected backlog as a dashed line inside its 90% band. Time is a number axis so
 * the past and the forecast share one scale, with "now" marked between them.
 */
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { BacklogSample } from '../../../contract/admin-api.ts';
import type { BacklogForecastPoint } from '../../../contract/load.ts';
import { AXIS_PROPS, ChartFrame, LegendItem, TOOLTIP_PROPS } from '../../components/chart-frame.tsx';
import { formatCountOf } from '../../components/format.ts';
import { axisMargins } from '../../components/time-ranges.ts';

const C = { history: 'var(--accent)', forecast: 'var(--chart-2)' };

export interface BacklogPoint {
  t: number;
  backlog?: number;
  expected?: number;
  band?: [number, number];
}

/** History and forecast on one time axis; the forecast starts at `now`. */
export function backlogSeries(history: readonly BacklogSample[], forecast: readonly BacklogForecastPoint[] | null, now: number): BacklogPoint[] {
  const past: BacklogPoint[] = history.map((s) => ({ t: Date.parse(s.at), backlog: s.backlog }));
  const ahead: BacklogPoint[] = (forecast ?? []).map((p) => ({ t: now + p.minutes * 60_000, expected: round(p.expected), band: [round(p.low), round(p.high)] }));
  return [...past, ...ahead].sort((a, b) => a.t - b.t);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Why there is nothing to draw, or null when there is. */
export function backlogChartEmpty(history: readonly BacklogSample[], forecast: readonly BacklogForecastPoint[] | null, loading: boolean): string | null {
  if (loading) return 'Loading…';
  if (history.length === 0 && !forecast) {
    return 'No backlog samples yet, and no forecast: this app samples each queue once a minute while its cluster is online, and the forecast needs a few finished jobs.';
  }
  return null;
}

/** Ticks every quarter hour from an hour ago to an hour ahead: the past half would get none of its own. */
const TICK_MINUTES = [-60, -45, -30, -15, 0, 15, 30, 45, 60];

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function BacklogChart({ title, history, forecast, now, loading }: { title: string; history: readonly BacklogSample[]; forecast: readonly BacklogForecastPoint[] | null; now: number; loading: boolean }) {
  const data = backlogSeries(history, forecast, now);
  const tick = (t: number) => timeFmt.format(t);
  const last = history.at(-1);
  const end = forecast?.at(-1);
  const summary = [
    last ? `Backlog ${formatCountOf(last.backlog, 'job')} at the last sample.` : 'No backlog samples in the last hour.',
    end ? `Forecast in ${end.minutes} minutes: about ${formatCountOf(Math.round(end.expected), 'job')} (90% between ${Math.round(end.low)} and ${Math.round(end.high)}).` : 'No forecast.',
  ].join(' ');
  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={200}
      empty={backlogChartEmpty(history, forecast, loading)}
      legend={
        <>
          <LegendItem colour={C.history} label="Backlog (last hour)" />
          {forecast ? <LegendItem colour={C.forecast} label="Forecast with 90% band" /> : <span className="muted">No forecast: too few finished jobs</span>}
        </>
      }
    >
      <ComposedChart data={data} margin={axisMargins(tick(now), 44)}>
        <CartesianGrid vertical={false} stroke="var(--grid)" />
        <XAxis dataKey="t" type="number" scale="time" domain={[now - 3_600_000, now + 3_600_000]} ticks={TICK_MINUTES.map((m) => now + m * 60_000)} tickFormatter={tick} {...AXIS_PROPS} minTickGap={28} />
        <YAxis allowDecimals={false} {...AXIS_PROPS} width={44} />
        <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => tick(Number(v))} />
        <ReferenceLine x={now} stroke="var(--border-strong)" strokeDasharray="2 3" label={{ value: 'now', position: 'insideTopRight', fill: 'var(--text-muted)', fontSize: 11 }} />
        <Area dataKey="band" name="Forecast 90% band" stroke="none" fill={C.forecast} fillOpacity={0.18} isAnimationActive={false} connectNulls />
        <Line dataKey="expected" name="Forecast" stroke={C.forecast} strokeDasharray="5 4" dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls />
        <Line dataKey="backlog" name="Backlog" type="stepAfter" stroke={C.history} dot={false} strokeWidth={1.8} isAnimationActive={false} connectNulls />
      </ComposedChart>
    </ChartFrame>
  );
}
