/**
 * The current value a rule would see on its cluster, from the cluster's readings as the app has
 * them (summary with its queues, workers, resource samples), and whether the rule would fire on
 * it now (before its pending period). Pure, so a form can show it as it is typed.
 */
import { ALERT_METRIC_INFO, type AlertMetric, type AlertOp } from '../../../contract/alerts.ts';
import type { QueueMetrics, ResourceSample, Summary, WorkerNode } from '../../../contract/metrics.ts';

export interface ClusterReadings {
  summary: Summary | null;
  workers: readonly WorkerNode[];
  resources: readonly ResourceSample[];
}

export interface RulePreviewInput {
  metric: AlertMetric;
  queue?: string | undefined;
  node?: string | undefined;
  op: AlertOp;
  threshold: number;
}

export interface RulePreview {
  /** The value now (the worst over queues or nodes when the rule watches each), or null when there is no reading. */
  value: number | null;
  /** Where the value comes from: "backtest", "worker-2", "all queues". */
  where: string;
  fires: boolean;
}

const worse = (op: AlertOp) => (a: number, b: number) => (op === 'above' ? Math.max(a, b) : Math.min(a, b));

function queueValue(metric: AlertMetric, q: QueueMetrics): number | null {
  switch (metric) {
    case 'queueLength':
      return q.queueLength.value;
    case 'waitTimeMs':
      return q.waitTimeP95Ms.value;
    case 'processingRatePerMin':
      return q.processingRatePerMin.value;
    case 'failureRate':
      return q.failureRate.value;
    case 'failedJobs':
      return q.failedInWindow ?? null;
    case 'stuckJobs':
      return q.counts.stuck;
    default:
      return null;
  }
}

function nodeValue(metric: AlertMetric, s: ResourceSample): number | null {
  if (metric === 'cpuPercent') return s.unavailable?.includes('cpu') ? null : s.cpuPercent;
  if (metric === 'memoryPercent') return s.unavailable?.includes('memory') ? null : s.memoryPercent;
  if (metric === 'diskIoPercent') return s.unavailable?.includes('diskIo') ? null : s.diskIoPercent;
  if (metric === 'networkPercent') return s.unavailable?.includes('network') ? null : s.networkPercent;
  return null;
}

/** The rule's current value and whether it holds now. */
export function previewRule(rule: RulePreviewInput, readings: ClusterReadings): RulePreview {
  const scope = ALERT_METRIC_INFO[rule.metric].scope;
  let value: number | null = null;
  let where = 'the cluster';
  const pick = worse(rule.op);
  if (scope === 'queue') {
    const queues = (readings.summary?.queues ?? []).filter((q) => !rule.queue || q.type === rule.queue);
    where = rule.queue ?? 'the worst queue';
    for (const q of queues) {
      const v = queueValue(rule.metric, q);
      if (v !== null) value = value === null ? v : pick(value, v);
    }
  } else if (scope === 'node') {
    const latest = new Map<string, ResourceSample>();
    for (const s of readings.resources) if (!latest.has(s.nodeId) || latest.get(s.nodeId)!.at < s.at) latest.set(s.nodeId, s);
    where = rule.node ?? 'the busiest node';
    for (const s of latest.values()) {
      if (rule.node && s.nodeId !== rule.node) continue;
      const v = nodeValue(rule.metric, s);
      if (v !== null) value = value === null ? v : pick(value, v);
    }
  } else {
    value = readings.workers.filter((w) => w.status === 'lost').length;
  }
  const fires = value !== null && (rule.op === 'above' ? value > rule.threshold : value < rule.threshold);
  return { value, where, fires };
}
