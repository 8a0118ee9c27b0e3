/**
 * Thresholds and alert rules in the units an admin thinks in: wait time in minutes, failure rate
 * in %, queue length in jobs (the settings store milliseconds and ratios). Also the checks a
 * threshold pair must pass and rule names generated from their values, so a label never
 * contradicts the number beside it.
 */
import { ALERT_METRIC_INFO, alertRuleLabel } from '../../../contract/alerts.ts';
import type { AlertRule, MetricName, Thresholds } from '../../../contract/thresholds.ts';

type Measured = MetricName | AlertRule['metric'];

interface Unit {
  /** Shown after the number, e.g. "min", "%". */
  suffix: string;
  /** Stored value per displayed unit. */
  scale: number;
}

const UNITS: Record<Measured, Unit> = {
  queueLength: { suffix: 'jobs', scale: 1 },
  waitTimeMs: { suffix: 'min', scale: 60_000 },
  processingRatePerMin: { suffix: 'jobs/min', scale: 1 },
  failureRate: { suffix: '%', scale: 0.01 },
  cpuPercent: { suffix: '%', scale: 1 },
  memoryPercent: { suffix: '%', scale: 1 },
  diskIoPercent: { suffix: '%', scale: 1 },
  networkPercent: { suffix: '%', scale: 1 },
  stuckJobs: { suffix: 'jobs', scale: 1 },
};

/** The unit a metric's inputs are in. */
export function unitOf(metric: Measured): string {
  return UNITS[metric].suffix;
}

/** A stored value as shown (60000 ms → 1 min; 0.05 → 5 %), without float noise. */
export function toDisplay(metric: Measured, stored: number): number {
  return Number((stored / UNITS[metric].scale).toPrecision(12));
}

/** A shown value back to what is stored. */
export function fromDisplay(metric: Measured, shown: number): number {
  return Number((shown * UNITS[metric].scale).toPrecision(12));
}

/** "10 min", "5%", "100 jobs", "1 job". */
export function formatInUnit(metric: Measured, stored: number): string {
  const n = toDisplay(metric, stored).toLocaleString(undefined, { maximumFractionDigits: 3 });
  const suffix = UNITS[metric].suffix;
  if (suffix === '%') return `${n}%`;
  if (suffix === 'jobs' && n === '1') return '1 job';
  return `${n} ${suffix}`;
}

/** What a rule watches, in words ("Failure rate"), as every alert view names it. */
export function ruleSubject(metric: AlertRule['metric']): string {
  return ALERT_METRIC_INFO[metric].label;
}

/**
 * A rule's name from what it watches and its trigger: "Failure rate > 15%". The contract's label
 * formatter makes it, so Settings, the cluster's rules and notifications name a rule alike.
 */
export function ruleLabel(rule: Pick<AlertRule, 'metric' | 'above'>): string {
  return alertRuleLabel({ metric: rule.metric, op: 'above', threshold: rule.above });
}

/**
 * What is wrong with a threshold table, one sentence per metric, naming it as `label` does:
 * numbers must be 0 or more, and the warning must come before the critical in the bad direction
 * (below it when higher is worse, above it when lower is worse).
 */
export function thresholdProblems(thresholds: Thresholds, label: (m: MetricName) => string): string[] {
  const problems: string[] = [];
  for (const [metric, t] of Object.entries(thresholds) as [MetricName, Thresholds[MetricName]][]) {
    const w = formatInUnit(metric, t.warning);
    const c = formatInUnit(metric, t.critical);
    if (!Number.isFinite(t.warning) || !Number.isFinite(t.critical) || t.warning < 0 || t.critical < 0) {
      problems.push(`${label(metric)}: both values must be numbers of 0 or more.`);
    } else if (t.higherIsWorse && t.warning >= t.critical) {
      problems.push(`${label(metric)}: the warning (${w}) must be below the critical (${c}) — higher is worse.`);
    } else if (!t.higherIsWorse && t.warning <= t.critical) {
      problems.push(`${label(metric)}: the warning (${w}) must be above the critical (${c}) — lower is worse.`);
    }
  }
  return problems;
}
