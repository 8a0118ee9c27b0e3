/**
 * Where a worker node keeps job files when not told: `<DIR>/jobs` for `embedded:DIR`, else
 * `<default data folder>/jobs`. Inside: `market/` (market data, seeded on first use) and
 * `outputs/<jobId>/` (job outputs). Nodes on several machines should share it (a network folder)
 * so a training job finds the matrix another node built.
 */
import path from 'node:path';
import { parseDatastoreSpec } from '../datastore/datastore-spec.ts';
import { defaultDataDir } from '../datastore/embedded-postgres-server.ts';

export function defaultWorkDir(datastoreSpec: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const spec = parseDatastoreSpec(datastoreSpec);
  const base = spec.kind === 'embedded' && spec.dir ? spec.dir : defaultDataDir(env);
  return path.resolve(base, 'jobs');
}

/** The work folder of a node on an opened datastore (its description is `embedded:DIR` for embedded). */
export function workDirFor(description: string): string {
  try {
    return defaultWorkDir(description);
  } catch {
    return defaultWorkDir(undefined);
  }
}
