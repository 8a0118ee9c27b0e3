/** The confirmations of cancel and delete say what happens to a sweep's child backtests. */
import { describe, expect, test } from 'vitest';
import { JOB_ACTIONS } from './job-action-table.ts';

describe('job action confirmations', () => {
  test('a sweep says what happens to its children; other jobs do not mention any', () => {
    expect(JOB_ACTIONS.cancel.confirm!({ id: 'sweep-1', type: 'sweep' }).body).toMatch(/child backtests that have not started are cancelled with it/);
    expect(JOB_ACTIONS.delete.confirm!({ id: 'sweep-1', type: 'sweep' }).body).toMatch(/all its child backtests/);
    expect(JOB_ACTIONS.cancel.confirm!({ id: 'report-1', type: 'report' }).body).not.toMatch(/child/);
    expect(JOB_ACTIONS.delete.confirm!({ id: 'report-1', type: 'report' })).toEqual({
      title: 'Delete job report-1?',
      body: 'The job and its logs are removed from the cluster. This cannot be undone.',
      confirmLabel: 'Delete job',
    });
  });
});
