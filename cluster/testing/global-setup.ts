/**
 * Vitest global setup for the integration project: one Redis and one PostgreSQL server for the
 * whole run, handed to tests with `inject('redisUrl')` / `inject('postgresUrl')`. Each test uses
 * its own key prefix / database so files do not see each other's jobs.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startPostgres, startRedis, type TestServer } from './test-servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    postgresUrl: string;
  }
}

const servers: TestServer[] = [];

export async function setup(project: TestProject): Promise<void> {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  servers.push(redis, postgres);
  project.provide('redisUrl', redis.url);
  project.provide('postgresUrl', postgres.url);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}
