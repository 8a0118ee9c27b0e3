/**
 * `GET /api/v1/jobs/:id/files/:name`: one of a job's output files, for admins who cannot reach the
 * cluster's disk. Only a file the job reported in its result and that lies in the job's own output
 * folder is served: the name is a plain file name (no folders, checked by JobFileName), the folder
 * is resolved to its real path, and the file is opened with O_NOFOLLOW and must be a regular file,
 * so `..`, encoded slashes, absolute paths and symlinks all end in 400 or 404.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { JOB_ROUTES } from '../../../contract/api-routes.ts';
import { jobOutputDir } from '../../jobs/job-folders.ts';
import { ApiFailure } from '../api-error.ts';
import { handle, type ServedRoute } from '../route.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file `name` in `folder`, opened without following a symlink; null when it is not a regular file there. */
async function openInFolder(folder: string, name: string): Promise<{ handle: FileHandle; stats: Stats } | null> {
  let realFolder: string;
  try {
    realFolder = await realpath(folder);
  } catch {
    return null;
  }
  const file = path.join(realFolder, name);
  if (path.dirname(file) !== realFolder) return null;
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null; // missing, a symlink (ELOOP), or unreadable
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return null;
  }
  return { handle, stats };
}

/** The route; without an outputs folder (an API-only node) it answers 404 saying so. */
export function jobFileRoute(outputsRoot: string | null): ServedRoute {
  return handle(JOB_ROUTES.jobFile, {
    async handler({ engine, params }) {
      const job = await engine.getJob(params.id);
      const outputs = job.result?.outputs ?? [];
      if (!outputs.some((o) => o.name === params.name)) {
        const names = outputs.map((o) => o.name).join(', ');
        throw new ApiFailure('not_found', `job ${params.id} has no output file named '${params.name}'; ${names ? `its files: ${names}` : 'it reported no files'}`);
      }
      if (!outputsRoot) throw new ApiFailure('not_found', 'this API node does not serve job files: it has no outputs folder (run the API on a node that shares the workers’ work folder)');
      const opened = await openInFolder(jobOutputDir(outputsRoot, params.id), params.name);
      if (!opened) throw new ApiFailure('not_found', `the file '${params.name}' of job ${params.id} is not in the job’s output folder on this node (removed, or written on another machine)`);
      const type = CONTENT_TYPES[path.extname(params.name).toLowerCase()] ?? 'application/octet-stream';
      return {
        body: opened.handle.createReadStream(),
        contentType: type,
        headers: {
          'content-length': String(opened.stats.size),
          'content-disposition': `attachment; filename="${params.name}"`,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      };
    },
  });
}
