/**
 * Where job outputs live on a worker: `<outputsRoot>/<jobId>/`, one folder per job. With the same
 * root on every worker (a shared disk), a job finds another job's files by id — which is what the
 * `matrixFile` resolver below does for training's `matrixJobId`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError } from './job-errors.ts';
import { MATRIX_FILE } from './matrix/matrix-file.ts';

/** The output folder of a job. Job ids are `[A-Za-z0-9._:-]`; `:` becomes `_` for portable names. */
export function jobOutputDir(outputsRoot: string, jobId: string): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(jobId) || jobId === '.' || jobId === '..') throw new BadInputError(`"${jobId}" is not a job id`);
  return path.join(outputsRoot, jobId.replace(/:/g, '_'));
}

/** A `matrixFile` resolver over an outputs root: the matrix a matrix-build job wrote there. */
export function matrixFileResolver(outputsRoot: string): (matrixJobId: string) => Promise<string> {
  return async function resolveMatrixFile(matrixJobId) {
    const file = path.join(jobOutputDir(outputsRoot, matrixJobId), MATRIX_FILE);
    try {
      await stat(file);
    } catch {
      throw new BadInputError(`no matrix for job ${matrixJobId} (looked for ${file}); give the id of a completed matrix-build job`);
    }
    return file;
  };
}
