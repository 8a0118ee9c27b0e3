import { describe, expect, it } from 'vitest';
import { FAILURE_CAUSES } from '../../../contract/failures.ts';
import { classifyFailure, describeCause } from './failure-causes.ts';

describe('classifyFailure', () => {
  it.each([
    ['timeout', 'UnrecoverableError', 'timeout'],
    ['ran longer than its time limit of 60000 ms', 'Error', 'timeout'],
    ["training matrix too large: 9 rows × 4 features needs about 900 MB, over the worker's limit of 512 MB (maxMatrixBytes); use fewer symbols", 'UnrecoverableError', 'limit-exceeded'],
    ['Worker terminated due to reaching memory limit: JS heap out of memory', 'Error ERR_WORKER_OUT_OF_MEMORY', 'limit-exceeded'],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', null, 'limit-exceeded'],
    ['job stalled more than allowable limit', null, 'worker-lost'],
    ['Unexpected exit code: 137 signal: SIGKILL', 'Error', 'worker-lost'],
    ['data not available for symbol ZZQX: no file /m/ZZQX.csv; check the ticker or add the file', 'UnrecoverableError', 'data-not-available'],
    ['market data file /m/ALPH.csv line 3: prices must be positive; fix or delete the file', 'UnrecoverableError', 'data-not-available'],
    ['invalid backtest config:\n✖ Too small: expected number to be >0\n  → at capital', 'UnrecoverableError', 'invalid-parameters'],
    ['too few dates to train on (4); widen the date range', 'UnrecoverableError', 'invalid-parameters'],
    ["job sweep-gone-1: no job 'sweep-gone-1' in this cluster", 'Error', 'invalid-parameters'],
    ['job backtest-1 is a backtest job, not a sweep; give the id of a sweep', 'UnrecoverableError', 'invalid-parameters'],
    ['training diverged at epoch 3 (loss NaN); lower learningRate (now 2)', 'UnrecoverableError', 'invalid-parameters'],
    ["Cannot read properties of undefined (reading 'close')", 'TypeError', 'other'],
  ] as const)('%s → %s', (message, kind, cause) => {
    expect(classifyFailure(message, kind)).toBe(cause);
  });

  it('lets a known error kind or code decide over the words of the message', () => {
    expect(classifyFailure('something odd', 'DataNotAvailableError')).toBe('data-not-available');
    expect(classifyFailure('something odd', 'bad-input')).toBe('invalid-parameters');
    expect(classifyFailure('timeout', 'LimitExceededError')).toBe('limit-exceeded');
  });

  it('gives every cause a label and suggested steps that end in a retry', () => {
    for (const cause of FAILURE_CAUSES) {
      const d = describeCause(cause);
      expect(d.label).not.toBe('');
      expect(d.steps.length).toBeGreaterThanOrEqual(3);
      expect(d.steps.at(-1)).toMatch(/^Retry job/);
    }
    expect(describeCause('worker-lost').steps[0]).toMatch(/^Check system health/);
  });
});
