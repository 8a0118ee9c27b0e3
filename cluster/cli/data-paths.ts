/**
 * Where the cluster keeps its files when not told: the tokens file lives in the embedded
 * datastore's folder (`embedded:DIR` → `DIR/tokens.json`), or in the default data folder for
 * PostgreSQL and Redis datastores. A restart with the same folder keeps the same tokens.
 */
import path from 'node:path';
import { parseDatastoreSpec } from '../datastore/datastore-spec.ts';
import { defaultDataDir } from '../datastore/embedded-postgres-server.ts';

/** The tokens file for a datastore spec when `--tokens` is not given. */
export function defaultTokensFile(datastoreSpec: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const spec = parseDatastoreSpec(datastoreSpec);
  const dir = spec.kind === 'embedded' && spec.dir ? spec.dir : defaultDataDir(env);
  return path.resolve(dir, 'tokens.json');
}
