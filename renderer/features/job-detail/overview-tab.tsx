/** The Overview tab: identity, status, user, times, attempts, resource use with a CPU/memory chart, and a sweep's child jobs. */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import { JOB_TYPE_INFO, JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { AXIS_PROPS, ChartFrame, LegendItem, TOOLTIP_PROPS } from '../../components/chart-frame.tsx';
import { ClusterName } from '../../components/cluster-name.tsx';
import { JobStateBadge } from '../../components/delay-badge.tsx';
import { delayedUntil } from '../../components/delay-choice.ts';
import { DataTable } from '../../components/data-table.tsx';
import { JobElapsed, JobEta, useNow } from '../../components/job-timing.tsx';
import { formatBytes, formatDuration, formatElapsed, formatFullTime, formatRelative } from '../../components/format.ts';
import { jobColumns } from '../../components/job-columns.tsx';
import { jobHref, navigate } from '../../app/router.ts';
import { JobFailurePattern } from '../failures/job-failure-pattern.tsx';

const MB = 1024 * 1024;

/** The Overview tab of one job. */
export function OverviewTab({ job }: { job: CachedJobDetail }) {
  // Time on the axis is time into the run: a job of a few seconds would otherwise show the same
  // clock minute on every tick.
  const start = Date.parse(job.startedAt ?? job.resources.samples[0]?.at ?? job.createdAt);
  const samples = job.resources.samples.map((s) => ({ t: Math.max(0, Date.parse(s.at) - start), cpu: s.cpuPercent, mem: Math.round(s.rssBytes / MB) }));
  const finished = job.finishedAt !== null;
  const waited = job.startedAt ? Date.parse(job.startedAt) - Date.parse(job.createdAt) : null;
  // Child records carry no cluster id; they live on the parent's cluster.
  const children = useMemo(() => job.children.map((c) => ({ ...c, clusterId: job.clusterId })), [job.children, job.clusterId]);
  const childStates = job.children.reduce<Record<string, number>>((m, c) => ((m[c.state] = (m[c.state] ?? 0) + 1), m), {});
  return (
    <div className="detail-grid">
      <section className="detail-section" aria-label="Job">
        <h3>Job</h3>
        <dl className="kv">
          <Row label="Job ID">
            <span className="mono">{job.id}</span>
          </Row>
          <Row label="Type">
            {JOB_TYPE_LABELS[job.type]} <span className="muted">· {JOB_TYPE_INFO[job.type].description}</span>
          </Row>
          <Row label="Status">
            <JobStateBadge job={job} /> {job.cancelReason ? <span className="muted">{job.cancelReason}</span> : null}
          </Row>
          <Row label="Priority">
            <PriorityBadge priority={job.priority} />
            <PlaceInQueue job={job} />
          </Row>
          <Row label="User">{job.user}</Row>
          <Row label="Cluster">
            <ClusterName id={job.clusterId} />
          </Row>
          <Row label="Attempts">
            <span className="num">
              {job.attempts} of {job.maxAttempts}
            </span>
          </Row>
          {job.workerId ? <Row label="Worker">{job.workerId}</Row> : null}
          {job.state === 'failed' ? <JobFailurePattern clusterId={job.clusterId} jobId={job.id} /> : null}
          {job.parentId ? (
            <Row label="Part of">
              <a href={jobHref(job.clusterId, job.parentId)}>sweep {job.parentId}</a>
            </Row>
          ) : null}
          {job.dependsOn.length ? <Row label="Waits for">{job.dependsOn.join(', ')}</Row> : null}
        </dl>
      </section>
      <section className="detail-section" aria-label="Time">
        <h3>Time</h3>
        <dl className="kv">
          <Row label="Created">
            <time dateTime={job.createdAt}>{formatFullTime(job.createdAt)}</time>
          </Row>
          {job.state === 'pending' && job.runAt ? <RunAtRow runAt={job.runAt} /> : null}
          <Row label="Started">{job.startedAt ? <time dateTime={job.startedAt}>{formatFullTime(job.startedAt)}</time> : <span className="muted">not yet</span>}</Row>
          <Row label="Finished">{job.finishedAt ? <time dateTime={job.finishedAt}>{formatFullTime(job.finishedAt)}</time> : <span className="muted">—</span>}</Row>
          <Row label="Waited in queue">{formatDuration(waited)}</Row>
          <Row label={job.durationMs === null && job.startedAt && !job.finishedAt ? 'Running for' : 'Duration'}>
            <JobElapsed job={job} />
          </Row>
          {job.eta || job.state === 'stuck' ? (
            <Row label="ETA">
              <JobEta job={job} />
            </Row>
          ) : null}
          {job.lastProgressAt ? <Row label="Last progress">{formatRelative(job.lastProgressAt)}</Row> : null}
        </dl>
      </section>
      <section className="detail-section span-all" aria-label="Resource usage">
        <h3>Resource usage</h3>
        <div className="resource-row">
          <dl className="kv kv-compact">
            <Row label={finished ? 'CPU at the end' : 'CPU now'}>{job.resources.cpuPercent === null ? '—' : `${Math.round(job.resources.cpuPercent)}%`}</Row>
            <Row label={finished ? 'Memory at the end' : 'Memory now'}>{formatBytes(job.resources.rssBytes)}</Row>
            <Row label="Peak memory">{formatBytes(job.resources.peakRssBytes)}</Row>
          </dl>
          <div className="resource-chart">
            <ChartFrame
              title="CPU and memory"
              height={150}
              summary={samples.length ? `${samples.length} samples; peak CPU ${Math.max(...samples.map((s) => s.cpu))}%.` : 'No samples.'}
              empty={samples.length ? null : job.state === 'pending' ? 'No samples: the job has not started.' : 'No resource samples were recorded.'}
              legend={
                <>
                  <LegendItem colour="var(--chart-1)" label="CPU %" />
                  <LegendItem colour="var(--chart-2)" label="Memory MB" />
                </>
              }
            >
              <LineChart data={samples} margin={{ top: 6, right: 0, bottom: 0, left: 0 }}>
                <CartesianGrid vertical={false} stroke="var(--grid)" />
                <XAxis dataKey="t" type="number" domain={[0, 'dataMax']} tickFormatter={formatElapsed} {...AXIS_PROPS} minTickGap={40} />
                <YAxis yAxisId="cpu" domain={[0, 100]} unit="%" {...AXIS_PROPS} width={50} />
                <YAxis yAxisId="mem" orientation="right" unit=" MB" {...AXIS_PROPS} width={64} />
                <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => `${formatElapsed(Number(v))} into the run`} />
                <Line yAxisId="cpu" dataKey="cpu" name="CPU %" stroke="var(--chart-1)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
                <Line yAxisId="mem" dataKey="mem" name="Memory MB" stroke="var(--chart-2)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
              </LineChart>
            </ChartFrame>
          </div>
        </div>
      </section>
      {job.type === 'sweep' || job.children.length ? (
        <section className="detail-section span-all" aria-label="Child jobs">
          <h3>
            Child jobs <span className="count-pill num">{job.children.length}</span>
            <span className="muted child-summary">{Object.entries(childStates).map(([s, n]) => `${n} ${s}`).join(' · ')}</span>
          </h3>
          <DataTable label="Child jobs" columns={jobColumns('all', false)} data={children} getRowId={(j) => j.id} empty="This sweep has not started its child jobs yet." onOpenRow={openChild} />
        </section>
      ) : null}
    </div>
  );
}

function openChild(job: { clusterId: string; id: string }): void {
  navigate(jobHref(job.clusterId, job.id));
}

/** A pending job's place in line; a delayed job is not in line before its time (the Runs at row says when). */
function PlaceInQueue({ job }: { job: CachedJobDetail }) {
  const now = useNow();
  if (!job.position || delayedUntil(job, now) !== null) return null;
  return <span className="muted"> · position {job.position} in queue</span>;
}

/** When a delayed job may run; once that time passed, it is in line like any other. */
function RunAtRow({ runAt }: { runAt: string }) {
  const now = useNow();
  const delayed = delayedUntil({ state: 'pending', runAt }, now) !== null;
  return (
    <Row label="Runs at">
      <time dateTime={runAt}>{formatFullTime(runAt)}</time>{' '}
      <span className="muted">{delayed ? `· delayed, ${formatRelative(runAt, now)}` : '· due: in line to run'}</span>
    </Row>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
