/**
 * Charts over time with a shared time range: jobs finished and failed per interval, queue length,
 * and resource use (the busiest node per sample time).
 */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ActivityPoint, TimeRange } from '../../../contract/admin-api.ts';
import type { ResourceSample } from '../../../contract/metrics.ts';
import { AXIS_PROPS, ChartFrame, LegendItem, TOOLTIP_PROPS } from '../../components/chart-frame.tsx';
import { axisMargins, spanOf, tickFormatter } from '../../components/time-ranges.ts';
import { formatCountOf } from '../../components/format.ts';

const C = {
  finished: 'var(--good)',
  failed: 'var(--crit)',
  queue: 'var(--accent)',
  cpu: 'var(--chart-1)',
  memory: 'var(--chart-2)',
  disk: 'var(--chart-3)',
  network: 'var(--chart-4)',
};

/** Busiest value per sample time across nodes, so one line per resource. */
export function resourceSeries(samples: readonly ResourceSample[]) {
  const byTime = new Map<string, { at: string; cpu: number; memory: number; disk: number; network: number }>();
  for (const s of samples) {
    const cur = byTime.get(s.at) ?? { at: s.at, cpu: 0, memory: 0, disk: 0, network: 0 };
    cur.cpu = Math.max(cur.cpu, s.cpuPercent);
    cur.memory = Math.max(cur.memory, s.memoryPercent);
    cur.disk = Math.max(cur.disk, s.diskIoPercent);
    cur.network = Math.max(cur.network, s.networkPercent);
    byTime.set(s.at, cur);
  }
  return [...byTime.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** `finished` counts failed jobs too: the stacked bars show the rest under the failed, so a bar is all finished. */
export function withoutFailed(p: ActivityPoint): ActivityPoint & { finishedOk: number } {
  return { ...p, finishedOk: p.finished - p.failed };
}

/** The three dashboard charts. */
export function ActivityCharts({ range, activity, resources }: { range: TimeRange; activity: ActivityPoint[] | undefined; resources: ResourceSample[] | undefined }) {
  const tick = tickFormatter(range);
  const finished = activity?.reduce((n, p) => n + p.finished, 0) ?? 0;
  const failed = activity?.reduce((n, p) => n + p.failed, 0) ?? 0;
  const maxQueue = activity?.reduce((n, p) => Math.max(n, p.queueLength), 0) ?? 0;
  const series = resources ? resourceSeries(resources) : [];
  const resourceTick = tickFormatter(range, spanOf(series));
  // A label as wide as the longest this range shows, to size the margins by.
  const widest = tick('2026-11-25T18:59:59.000Z');
  const countMargins = axisMargins(widest, 44);
  const resourceMargins = axisMargins(resourceTick('2026-11-25T18:59:59.000Z'), 50);
  return (
    <div className="charts">
      <ChartFrame
        title="Jobs finished and failed"
        summary={`${formatCountOf(finished, 'job')} finished in the last ${range}, ${failed} of them failed.`}
        empty={!activity ? 'Loading…' : finished + failed === 0 ? `No jobs finished in the last ${range}.` : null}
        legend={
          <>
            <LegendItem colour={C.finished} label="Finished" />
            <LegendItem colour={C.failed} label="Failed" />
          </>
        }
      >
        <BarChart data={activity?.map(withoutFailed)} margin={countMargins}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="at" tickFormatter={tick} {...AXIS_PROPS} minTickGap={28} />
          <YAxis allowDecimals={false} {...AXIS_PROPS} width={44} />
          <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => tick(String(v))} />
          <Bar dataKey="finishedOk" name="Finished, not failed" stackId="a" fill={C.finished} isAnimationActive={false} />
          <Bar dataKey="failed" name="Failed" stackId="a" fill={C.failed} isAnimationActive={false} radius={[2, 2, 0, 0]} />
        </BarChart>
      </ChartFrame>
      <ChartFrame
        title="Queue length"
        summary={`Queue length peaked at ${formatCountOf(maxQueue, 'job')} in the last ${range}.`}
        empty={!activity ? 'Loading…' : activity.length === 0 ? 'No queue data yet.' : null}
        legend={<LegendItem colour={C.queue} label="Pending jobs" />}
      >
        <AreaChart data={activity} margin={countMargins}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="at" tickFormatter={tick} {...AXIS_PROPS} minTickGap={28} />
          <YAxis allowDecimals={false} {...AXIS_PROPS} width={44} />
          <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => tick(String(v))} />
          <Area type="monotone" dataKey="queueLength" name="Pending" stroke={C.queue} fill={C.queue} fillOpacity={0.18} isAnimationActive={false} />
        </AreaChart>
      </ChartFrame>
      <ChartFrame
        title="Resource use"
        summary={series.length ? `Latest: CPU ${series.at(-1)!.cpu}%, memory ${series.at(-1)!.memory}%.` : 'No resource samples.'}
        empty={!resources ? 'Loading…' : series.length === 0 ? 'No resource samples: no online cluster in view.' : null}
        legend={
          <>
            <LegendItem colour={C.cpu} label="CPU" />
            <LegendItem colour={C.memory} label="Memory" />
            <LegendItem colour={C.disk} label="Disk I/O" />
            <LegendItem colour={C.network} label="Network" />
          </>
        }
      >
        <LineChart data={series} margin={resourceMargins}>
          <CartesianGrid vertical={false} stroke="var(--grid)" />
          <XAxis dataKey="at" tickFormatter={resourceTick} {...AXIS_PROPS} minTickGap={28} />
          <YAxis domain={[0, 100]} unit="%" {...AXIS_PROPS} width={50} />
          <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => resourceTick(String(v))} />
          <Line type="monotone" dataKey="cpu" name="CPU" stroke={C.cpu} dot={false} strokeWidth={1.6} isAnimationActive={false} />
          <Line type="monotone" dataKey="memory" name="Memory" stroke={C.memory} dot={false} strokeWidth={1.6} isAnimationActive={false} />
          <Line type="monotone" dataKey="disk" name="Disk I/O" stroke={C.disk} dot={false} strokeWidth={1.6} isAnimationActive={false} />
          <Line type="monotone" dataKey="network" name="Network" stroke={C.network} dot={false} strokeWidth={1.6} isAnimationActive={false} />
        </LineChart>
      </ChartFrame>
    </div>
  );
}
