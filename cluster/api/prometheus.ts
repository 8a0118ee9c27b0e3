/**
 * Prometheus text exposition (format 0.0.4) of the cluster's state: job counts per state and type,
 * queue lengths, wait times, processing and failure rates, workers, datastore health and the API's
 * own request counts. Names follow Prometheus' conventions (base units such as `_seconds`, `_total`
 * only on counters), so `promtool check metrics` has nothing to say.
 */
import { JOB_STATES } from '../../contract/domain.ts';
import type { QueueMetrics, Summary, WorkerNode } from '../../contract/metrics.ts';

type Labels = Record<string, string>;

/** Label values escape backslash, double quote and newline, as the format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sample(name: string, labels: Labels, value: number): string {
  const keys = Object.keys(labels);
  const l = keys.length ? `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}` : '';
  const v = Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  return `${name}${l} ${v}`;
}

/** Builds one exposition, family by family (HELP and TYPE once per metric name). */
export class PrometheusText {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number | null]>): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) if (value !== null) this.lines.push(sample(name, labels, value));
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** Request counts kept by the API process: `method route status` → count. */
export type RequestCounts = Map<string, number>;

export interface MetricsInput {
  summary: Summary;
  workers: WorkerNode[];
  health: { reachable: boolean; latencyMs: number | null };
  requests: RequestCounts;
  sseClients: number;
}

/** Prometheus measures time in seconds (names end in `_seconds`); the cluster keeps milliseconds. */
function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}

function perQueue(queues: QueueMetrics[], pick: (q: QueueMetrics) => number | null): Array<[Labels, number | null]> {
  return queues.map((q) => [{ type: q.type }, pick(q)]);
}

/** The whole `/metrics` answer. */
export function renderMetrics(input: MetricsInput): string {
  const { summary, workers, health } = input;
  const text = new PrometheusText();
  text.family(
    'sigmatiq_jobs',
    'gauge',
    'Jobs per state and type.',
    summary.queues.flatMap((q) => JOB_STATES.map((state): [Labels, number] => [{ type: q.type, state }, q.counts[state]])),
  );
  text.family('sigmatiq_jobs_in_all_queues', 'gauge', 'Jobs in all queues.', [[{}, summary.total]]);
  text.family('sigmatiq_success_rate', 'gauge', 'Completed / (completed + failed), 0..1.', [[{}, summary.successRate]]);
  text.family('sigmatiq_queue_length', 'gauge', 'Pending jobs per queue.', perQueue(summary.queues, (q) => q.queueLength.value));
  text.family('sigmatiq_queue_ready_jobs', 'gauge', 'Pending jobs that can start now (not scheduled for later, not waiting for others).', perQueue(summary.queues, (q) => q.readyCount));
  text.family('sigmatiq_queue_paused', 'gauge', '1 when the queue is paused.', perQueue(summary.queues, (q) => (q.paused ? 1 : 0)));
  text.family('sigmatiq_queue_concurrency', 'gauge', 'Configured concurrency per queue.', perQueue(summary.queues, (q) => q.concurrency));
  text.family('sigmatiq_queue_wait_time_p50_seconds', 'gauge', 'Median wait before start over the metrics window.', perQueue(summary.queues, (q) => seconds(q.waitTimeP50Ms.value)));
  text.family('sigmatiq_queue_wait_time_p95_seconds', 'gauge', '95th percentile wait before start over the metrics window.', perQueue(summary.queues, (q) => seconds(q.waitTimeP95Ms.value)));
  text.family('sigmatiq_queue_processing_rate_per_minute', 'gauge', 'Jobs finished per minute over the metrics window.', perQueue(summary.queues, (q) => q.processingRatePerMin.value));
  text.family('sigmatiq_queue_failure_rate', 'gauge', 'Failed / finished over the metrics window, 0..1.', perQueue(summary.queues, (q) => q.failureRate.value));
  text.family(
    'sigmatiq_queue_level',
    'gauge',
    'Threshold level per queue metric: 0 good, 1 warning, 2 critical.',
    summary.queues.flatMap((q) =>
      (['queueLength', 'waitTimeP95Ms', 'processingRatePerMin', 'failureRate'] as const).map((m): [Labels, number] => [
        { type: q.type, metric: m },
        ['good', 'warning', 'critical'].indexOf(q[m].level),
      ]),
    ),
  );
  text.family('sigmatiq_workers', 'gauge', 'Worker nodes per status.', [
    [{ status: 'online' }, workers.filter((w) => w.status === 'online').length],
    [{ status: 'lost' }, workers.filter((w) => w.status === 'lost').length],
  ]);
  text.family('sigmatiq_datastore_up', 'gauge', '1 when the datastore answers.', [[{}, health.reachable ? 1 : 0]]);
  text.family('sigmatiq_datastore_latency_seconds', 'gauge', 'Datastore round trip.', [[{}, seconds(health.latencyMs)]]);
  text.family('sigmatiq_api_sse_clients', 'gauge', 'Event stream clients connected to this API node.', [[{}, input.sseClients]]);
  text.family(
    'sigmatiq_api_requests_total',
    'counter',
    'HTTP requests answered by this API node.',
    [...input.requests.entries()].map(([key, n]): [Labels, number] => {
      const [method = '', route = '', status = ''] = key.split(' ');
      return [{ method, route, status }, n];
    }),
  );
  return text.toString();
}
