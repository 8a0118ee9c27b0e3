import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import { JOB_HANDLERS, handlerSteps } from './job-handlers.ts';
import { runJobHandler } from './job-handler.ts';
import { tempFolder } from './job-test-support.ts';

describe('JOB_HANDLERS', () => {
  it('has a handler with distinct, named steps for every job type', () => {
    for (const type of JOB_TYPES) {
      expect(JOB_HANDLERS[type].type).toBe(type);
      const steps = handlerSteps(type);
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(new Set(steps).size).toBe(steps.length);
      // `{}` stays a valid config for every type.
      expect(JOB_CONFIG_SCHEMAS[type].safeParse({}).success).toBe(true);
    }
    expect(handlerSteps('backtest')).toEqual(['Load data', 'Compute signals', 'Simulate', 'Write outputs']);
  });

  it('refuses an invalid config with the field at fault, before any work', async () => {
    const data = tempFolder('registry');
    try {
      const run = runJobHandler(JOB_HANDLERS.training, { jobId: 'x', config: { epochs: 0, bogus: 1 }, dataDir: data.dir, outputDir: data.dir });
      await expect(run).rejects.toMatchObject({ code: 'bad-input', message: expect.stringMatching(/invalid training config:[\s\S]*epochs/) });
      await expect(run).rejects.toThrow(/bogus/);
    } finally {
      data.remove();
    }
  });
});
