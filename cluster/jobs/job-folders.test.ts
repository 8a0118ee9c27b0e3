import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobOutputDir, matrixFileResolver } from './job-folders.ts';
import { runRecorded, tempFolder } from './job-test-support.ts';
import { matrixBuildHandler } from './matrix/matrix-build-handler.ts';
import { trainingHandler } from './training/training-handler.ts';

describe('job folders', () => {
  const data = tempFolder('folders');
  afterAll(() => data.remove());

  it('gives each job its own folder and refuses ids that would escape the root', () => {
    expect(jobOutputDir('/o', 'repeat:abc:1')).toBe(path.join('/o', 'repeat_abc_1'));
    expect(() => jobOutputDir('/o', '../etc')).toThrow(/not a job id/);
    expect(() => jobOutputDir('/o', '..')).toThrow(/not a job id/);
  });

  it('lets training find a matrix-build job’s matrix by id, and says when there is none', async () => {
    const outputs = path.join(data.dir, 'outputs');
    await runRecorded(matrixBuildHandler, { symbols: ['ALPH'], start: '2018-01-02', end: '2019-12-31' }, { dataDir: data.dir, outputRoot: outputs, jobId: 'mb-1' });
    const resolvers = { matrixFile: matrixFileResolver(outputs) };
    const run = await runRecorded(trainingHandler, { matrixJobId: 'mb-1', epochs: 3 }, { dataDir: data.dir, outputRoot: outputs, resolvers });
    expect(run.result.metrics.epochs).toBe(3);
    await expect(runRecorded(trainingHandler, { matrixJobId: 'mb-2', epochs: 3 }, { dataDir: data.dir, outputRoot: outputs, resolvers })).rejects.toThrow(
      /no matrix for job mb-2 \(looked for .*mb-2\/matrix\.csv\); give the id of a completed matrix-build job/,
    );
  });
});
