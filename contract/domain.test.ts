import { describe, expect, it } from 'vitest';
import {
  ACTIONS_BY_STATE,
  BULLMQ_PRIORITY,
  JOB_STATES,
  JOB_TYPE_LABELS,
  JOB_TYPES,
  PRIORITIES,
  isActionAllowed,
  priorityFromBullmq,
  priorityRank,
} from './domain.ts';
import { DEFAULT_THRESHOLDS, levelOf } from './thresholds.ts';

describe('domain', () => {
  it('labels every job type in the admins’ words', () => {
    expect(JOB_TYPES.map((t) => JOB_TYPE_LABELS[t])).toEqual([
      'Backtest',
      'Training',
      'Sweep',
      'Matrix Build',
      'Signal Generation',
      'Report Generation',
    ]);
  });

  it('orders priorities critical first and maps them to distinct BullMQ priorities', () => {
    expect(PRIORITIES.map(priorityRank)).toEqual([0, 1, 2, 3]);
    const numbers = PRIORITIES.map((p) => BULLMQ_PRIORITY[p]);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(4);
    for (const p of PRIORITIES) expect(priorityFromBullmq(BULLMQ_PRIORITY[p])).toBe(p);
  });

  it('offers the actions that fit each state', () => {
    expect(isActionAllowed('cancel', 'pending')).toBe(true);
    expect(isActionAllowed('stop', 'running')).toBe(true);
    expect(isActionAllowed('retry', 'failed')).toBe(true);
    expect(isActionAllowed('delete', 'cancelled')).toBe(true);
    expect(isActionAllowed('force-stop', 'stuck')).toBe(true);
    expect(isActionAllowed('cancel', 'running')).toBe(false);
    for (const s of JOB_STATES) expect(ACTIONS_BY_STATE[s].length).toBeGreaterThan(0);
  });
});

describe('thresholds', () => {
  it('grades queue length <10 good, 10–50 warning, >50 critical', () => {
    const t = DEFAULT_THRESHOLDS.queueLength;
    expect([0, 9, 10, 50, 51].map((v) => levelOf(v, t))).toEqual(['good', 'good', 'warning', 'warning', 'critical']);
  });

  it('grades the processing rate the other way round: >10 good, 5–10 warning, <5 critical', () => {
    const t = DEFAULT_THRESHOLDS.processingRatePerMin;
    expect([11, 10, 5, 4.9].map((v) => levelOf(v, t))).toEqual(['good', 'warning', 'warning', 'critical']);
  });

  it('grades failure rate as a ratio and CPU as a percentage', () => {
    expect(levelOf(0.005, DEFAULT_THRESHOLDS.failureRate)).toBe('good');
    expect(levelOf(0.03, DEFAULT_THRESHOLDS.failureRate)).toBe('warning');
    expect(levelOf(0.2, DEFAULT_THRESHOLDS.failureRate)).toBe('critical');
    expect(levelOf(95, DEFAULT_THRESHOLDS.cpuPercent)).toBe('critical');
  });
});
