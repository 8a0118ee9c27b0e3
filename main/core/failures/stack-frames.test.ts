import { describe, expect, it } from 'vitest';
import { errorKindOf, normaliseFile, ownTopFrames } from './stack-frames.ts';

const STACK = `DataNotAvailableError: data not available for symbol ZZQX
    at MarketDataProvider.load (/home/ann/sigmatiq/cluster/jobs/market-data/market-data-provider.ts:66:13)
    at async Promise.all (index 0)
    at async run (file:///home/ann/sigmatiq/cluster/jobs/backtest/backtest-handler.ts:31:21)
    at async runJobHandler (/home/ann/sigmatiq/cluster/jobs/job-handler.ts:32:18)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
    at Worker.callProcessJob (/home/ann/sigmatiq/node_modules/bullmq/dist/esm/classes/worker.js:400:2)`;

describe('stack frames', () => {
  it('names the error kind from the first line', () => {
    expect(errorKindOf(STACK)).toBe('DataNotAvailableError');
    expect(errorKindOf('Error [ERR_WORKER_OUT_OF_MEMORY]: Worker terminated')).toBe('Error ERR_WORKER_OUT_OF_MEMORY');
    expect(errorKindOf('just text')).toBeNull();
    expect(errorKindOf(null)).toBeNull();
  });

  it('keeps own frames only, without line numbers or the install folder', () => {
    expect(ownTopFrames(STACK, 3)).toEqual([
      'MarketDataProvider.load (market-data/market-data-provider.ts)',
      'run (backtest/backtest-handler.ts)',
      'runJobHandler (jobs/job-handler.ts)',
    ]);
  });

  it('reads the same frames from another install folder, another OS and shifted lines', () => {
    const moved = STACK.replaceAll('/home/ann/sigmatiq', 'C:\\Program Files\\Sigmatiq').replace(':66:13', ':71:9');
    expect(ownTopFrames(moved, 3)).toEqual(ownTopFrames(STACK, 3));
  });

  it('normalises file URLs and Windows paths to their last two segments', () => {
    expect(normaliseFile('file:///C:/x/cluster/jobs/job-handler.ts')).toBe('jobs/job-handler.ts');
    expect(normaliseFile('D:\\a\\b\\c.js')).toBe('b/c.js');
  });
});
