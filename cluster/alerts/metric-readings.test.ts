import { describe, expect, it } from 'vitest';
import { ClusterAlertRule } from '../../contract/alerts.ts';
import { emptyStateCounts, type QueueMetrics, type ResourceSample, type Summary, type WorkerNode } from '../../contract/metrics.ts';
import { metricReadingsOf } from './metric-readings.ts';
import { evaluate } from './rule-evaluator.ts';

const at = '2026-03-01T12:00:00.000Z';
const r = (value: number | null) => ({ value, level: 'good' as const });

function queue(type: QueueMetrics['type'], fields: Partial<QueueMetrics>): QueueMetrics {
  return {
    type,
    paused: false,
    concurrency: 2,
    counts: { ...emptyStateCounts(), stuck: 1 },
    queueLength: r(40),
    readyCount: 40,
    waitTimeP50Ms: r(1000),
    waitTimeP95Ms: r(90_000),
    processingRatePerMin: r(0),
    failureRate: r(0.2),
    windowMs: 900_000,
    failedInWindow: 3,
    ...fields,
  };
}

const summary: Summary = {
  at,
  total: 100,
  counts: { ...emptyStateCounts(), stuck: 2 },
  successRate: 0.8,
  queues: [queue('backtest', {}), queue('report', { readyCount: 0, queueLength: r(0) })],
  queueLength: r(40),
  waitTimeP95Ms: r(90_000),
  processingRatePerMin: r(0),
  failureRate: r(0.2),
  backlog: 40,
};

const worker = (id: string, status: WorkerNode['status']): WorkerNode => ({ id, host: 'h', pid: 1, queues: [], concurrency: {}, runningJobs: [], startedAt: at, lastHeartbeatAt: at, status, cpuPercent: null, rssBytes: null });
const sample = (nodeId: string, atIso: string, cpuPercent: number, unavailable?: ResourceSample['unavailable']): ResourceSample => ({
  nodeId,
  host: 'h',
  at: atIso,
  cpuPercent,
  memoryPercent: 50,
  diskIoPercent: 10,
  networkPercent: 0,
  ...(unavailable ? { unavailable } : {}),
});

describe('readings for an evaluation', () => {
  const readings = metricReadingsOf({
    summary,
    workers: [worker('w1', 'online'), worker('w2', 'lost')],
    resources: [sample('w1', '2026-03-01T11:59:00.000Z', 99), sample('w1', at, 30, ['network']), sample('w2', at, 95)],
  });

  it('takes cluster, queue and node readings from the summary, workers and latest samples', () => {
    expect(readings.cluster).toMatchObject({ queueLength: 40, waitTimeMs: 90_000, failedJobs: 6, stuckJobs: 2, workersLost: 1 });
    expect(readings.queues.backtest).toMatchObject({ failedJobs: 3, stuckJobs: 1, processingRatePerMin: 0 });
    expect(readings.nodes).toEqual({
      w1: { cpuPercent: 30, memoryPercent: 50, diskIoPercent: 10, networkPercent: null },
      w2: { cpuPercent: 95, memoryPercent: 50, diskIoPercent: 10, networkPercent: 0 },
    });
  });

  it('a stalled queue breaches a "below" processing-rate rule; an idle one does not', () => {
    const slow = (queueName: 'backtest' | 'report') =>
      ClusterAlertRule.parse({ id: `slow-${queueName}`, name: 'slow', metric: 'processingRatePerMin', queue: queueName, op: 'below', threshold: 1, forSeconds: 0, severity: 'warning' });
    const result = evaluate({ rules: [slow('backtest'), slow('report')], readings, previous: [], silences: [], now: Date.parse(at) });
    expect(result.instances.map((i) => i.dedupKey)).toEqual(['slow-backtest/queue:backtest']);
  });
});
