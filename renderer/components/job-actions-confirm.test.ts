/** The confirmations of cancel and delete say what happens to a sweep's child backtests. */
import { describe, expect, test } from 'vitest';
import { cancelConfirm, deleteConfirm } from './job-actions.tsx';

describe('job action confirmations', () => {
  test('a sweep says what happens to its children; other jobs do not mention any', () => {
    expect(cancelConfirm({ id: 'sweep-1', type: 'sweep' }).body).toMatch(/child backtests that have not started are cancelled with it/);
    expect(deleteConfirm({ id: 'sweep-1', type: 'sweep' }).body).toMatch(/all its child backtests/);
    expect(cancelConfirm({ id: 'report-1', type: 'report' }).body).not.toMatch(/child/);
    expect(deleteConfirm({ id: 'report-1', type: 'report' })).toEqual({
      title: 'Delete job report-1?',
      body: 'The job and its logs are removed from the cluster. This cannot be undone.',
      confirmLabel: 'Delete job',
    });
  });
});
