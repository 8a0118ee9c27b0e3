/** Test fixture: an API server over a given engine with one token per role. */
import type { Role } from '../../../contract/api.ts';
import { generateToken } from '../../auth/token-file.ts';
import { TokenStore } from '../../auth/token-store.ts';
import type { JobEngine } from '../../engine/job-engine.ts';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../api-server.ts';

export interface ApiFixture {
  server: ApiServer;
  tokens: Record<Role, string>;
  /** `Authorization` header for a role. */
  auth(role: Role): { authorization: string };
}

/** A server with in-memory tokens named after their roles (`viewer`, `operator`, `admin`). */
export async function apiFixture(engine: JobEngine, limits?: ApiServerOptions['limits'], more: Partial<ApiServerOptions> = {}): Promise<ApiFixture> {
  const store = new TokenStore();
  const tokens = { viewer: generateToken(), operator: generateToken(), admin: generateToken() };
  for (const role of ['viewer', 'operator', 'admin'] as const) store.addMemoryToken(role, role, tokens[role]);
  const server = await createApiServer({ engine, tokens: store, name: 'test', version: '0.0.0-test', limits, ...more });
  return { server, tokens, auth: (role) => ({ authorization: `Bearer ${tokens[role]}` }) };
}
