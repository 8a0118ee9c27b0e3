/**
 * The readings an evaluation works on, taken from what the cluster already measures: the metrics
 * summary (cluster and per queue), the worker nodes and their latest resource samples. Pure, so
 * the evaluation job can gather those the way the API does and hand them over.
 */
import type { Summary, ResourceSample, WorkerNode } from '../../contract/metrics.ts';
import type { MetricReadings } from './rule-evaluator.ts';

type ResourceKey = 'cpu' | 'memory' | 'diskIo' | 'network';

export function metricReadingsOf(input: { summary: Summary; workers: readonly WorkerNode[]; resources: readonly ResourceSample[] }): MetricReadings {
  const { summary } = input;
  const queues: MetricReadings['queues'] = {};
  for (const q of summary.queues) {
    queues[q.type] = {
      queueLength: q.queueLength.value,
      waitTimeMs: q.waitTimeP95Ms.value,
      // An idle or paused queue processes nothing because it has nothing to do: that is no reading, not a low one.
      processingRatePerMin: q.paused || q.readyCount === 0 ? null : q.processingRatePerMin.value,
      failureRate: q.failureRate.value,
      failedJobs: q.failedInWindow ?? null,
      stuckJobs: q.counts.stuck,
    };
  }
  const failedInQueues = summary.queues.map((q) => q.failedInWindow);
  const cluster: MetricReadings['cluster'] = {
    queueLength: summary.queueLength.value,
    waitTimeMs: summary.waitTimeP95Ms.value,
    processingRatePerMin: summary.backlog === 0 ? null : summary.processingRatePerMin.value,
    failureRate: summary.failureRate.value,
    failedJobs: summary.failedInWindow ?? (failedInQueues.every((n) => n !== undefined) ? failedInQueues.reduce((a, b) => a + b, 0) : null),
    stuckJobs: summary.counts.stuck,
    workersLost: input.workers.filter((w) => w.status === 'lost').length,
  };

  const latest = new Map<string, ResourceSample>();
  for (const sample of input.resources) {
    const before = latest.get(sample.nodeId);
    if (before === undefined || Date.parse(sample.at) > Date.parse(before.at)) latest.set(sample.nodeId, sample);
  }
  const nodes: Record<string, MetricReadings['cluster']> = {};
  for (const [nodeId, s] of latest) {
    const has = (key: ResourceKey, value: number) => (s.unavailable?.includes(key) ? null : value);
    nodes[nodeId] = {
      cpuPercent: has('cpu', s.cpuPercent),
      memoryPercent: has('memory', s.memoryPercent),
      diskIoPercent: has('diskIo', s.diskIoPercent),
      networkPercent: has('network', s.networkPercent),
    };
  }
  return { cluster, queues, nodes };
}
