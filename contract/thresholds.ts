/**
 * Threshold table and alert rules, as data. Levels are computed here once (`levelOf`), so the
 * cluster (metrics with levels), the desktop shell (tray) and the UI (colours) always agree.
 */
import { z } from 'zod';

export const LEVELS = ['good', 'warning', 'critical'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

/** The worst of some levels ('good' for none). */
export function worstLevel(levels: readonly Level[]): Level {
  return levels.reduce<Level>((w, l) => (LEVELS.indexOf(l) > LEVELS.indexOf(w) ? l : w), 'good');
}

/** Labels differ per table: queue metrics say Good/Warning/Critical, resources Normal/High/Action Needed. */
export const QUEUE_LEVEL_LABELS: Record<Level, string> = { good: 'Good', warning: 'Warning', critical: 'Critical' };
export const RESOURCE_LEVEL_LABELS: Record<Level, string> = { good: 'Normal', warning: 'High', critical: 'Action Needed' };

export const METRICS = [
  'queueLength',
  'waitTimeMs',
  'processingRatePerMin',
  'failureRate',
  'cpuPercent',
  'memoryPercent',
  'diskIoPercent',
  'networkPercent',
] as const;
export const MetricName = z.enum(METRICS);
export type MetricName = z.infer<typeof MetricName>;

/**
 * One threshold: `warning` and `critical` are the boundaries. For `higherIsWorse` metrics a value
 * above `critical` is critical and one from `warning` up is a warning; for the processing rate it
 * is the other way round (fewer jobs per minute is worse).
 */
export const Threshold = z.object({
  warning: z.number().nonnegative(),
  critical: z.number().nonnegative(),
  higherIsWorse: z.boolean(),
  unit: z.enum(['jobs', 'ms', 'jobs/min', 'ratio', 'percent']),
});
export type Threshold = z.infer<typeof Threshold>;

export const Thresholds = z.record(MetricName, Threshold);
export type Thresholds = Record<MetricName, Threshold>;

/** Defaults until an admin changes them. Failure rate is a ratio 0..1; percentages are 0..100. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  queueLength: { warning: 10, critical: 50, higherIsWorse: true, unit: 'jobs' },
  waitTimeMs: { warning: 60_000, critical: 5 * 60_000, higherIsWorse: true, unit: 'ms' },
  processingRatePerMin: { warning: 10, critical: 5, higherIsWorse: false, unit: 'jobs/min' },
  failureRate: { warning: 0.01, critical: 0.05, higherIsWorse: true, unit: 'ratio' },
  cpuPercent: { warning: 70, critical: 90, higherIsWorse: true, unit: 'percent' },
  memoryPercent: { warning: 80, critical: 95, higherIsWorse: true, unit: 'percent' },
  diskIoPercent: { warning: 60, critical: 80, higherIsWorse: true, unit: 'percent' },
  networkPercent: { warning: 50, critical: 75, higherIsWorse: true, unit: 'percent' },
};

/**
 * The level of one reading. Boundaries read as the table says: "< 10 good, 10–50 warning, > 50 critical",
 * so the warning range includes both ends. The processing rate (lower is worse): "> 10 good, 5–10
 * warning, < 5 critical".
 */
export function levelOf(value: number, t: Threshold): Level {
  if (t.higherIsWorse) {
    if (value > t.critical) return 'critical';
    if (value >= t.warning) return 'warning';
    return 'good';
  }
  if (value < t.critical) return 'critical';
  if (value <= t.warning) return 'warning';
  return 'good';
}

/** Stuck: a running job with no progress for this long (configurable per cluster). */
export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000;

/** The default alert rules. `metric` names what the rule watches; `above` is the trigger. */
export const ALERT_RULE_METRICS = ['queueLength', 'failureRate', 'stuckJobs', 'waitTimeMs'] as const;
export const AlertRule = z.object({
  id: z.string().min(1),
  metric: z.enum(ALERT_RULE_METRICS),
  above: z.number().nonnegative(),
  description: z.string(),
  enabled: z.boolean(),
});
export type AlertRule = z.infer<typeof AlertRule>;

export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { id: 'queue-length', metric: 'queueLength', above: 100, description: 'Queue > 100 jobs', enabled: true },
  { id: 'failure-rate', metric: 'failureRate', above: 0.1, description: 'Failure rate > 10%', enabled: true },
  { id: 'stuck-jobs', metric: 'stuckJobs', above: 5, description: 'Stuck jobs > 5', enabled: true },
  { id: 'wait-time', metric: 'waitTimeMs', above: 10 * 60_000, description: 'Wait time > 10 min', enabled: true },
];
