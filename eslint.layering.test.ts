/**
 * Proves the layering rule (docs/architecture.md) fails the lint on forbidden imports and passes allowed ones.
 * Runs real ESLint with the project's config on code placed, virtually, in each folder.
 */
import { ESLint } from 'eslint';
import { describe, expect, it, vi } from 'vitest';

// The first lint loads the TypeScript parser and the whole config: slow on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const eslint = new ESLint({ cwd: import.meta.dirname });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'local/layering').map((m) => m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['renderer/app/app.tsx', "import { x } from '../../main/core/admin-api.ts';\nexport const y = x;", 'main/core'],
    ['renderer/features/jobs/jobs.ts', "import { x } from '../../../cluster/engine/engine.ts';\nexport const y = x;", 'cluster'],
    ['renderer/api/client.ts', "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;", 'electron'],
    ['renderer/api/client.ts', "import fs from 'node:fs';\nexport const y = fs;", 'node:fs'],
    ['renderer/api/client.ts', "import fs from 'fs';\nexport const y = fs;", "'fs'"],
    ['main/core/cache/job-cache.ts', "import { app } from 'electron';\nexport const y = app;", 'electron'],
    ['main/core/clusters/registry.ts', "import { x } from '../../../cluster/api/server.ts';\nexport const y = x;", 'cluster'],
    ['contract/jobs.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;", 'node:fs'],
    ['contract/jobs.ts', "import { x } from '../main/core/x.ts';\nexport const y = x;", 'main/core'],
    ['cluster/api/server.ts', "export { x } from '../../main/core/x.ts';", 'main/core'],
    ['preload/preload.ts', "import fs from 'node:fs';\nexport const y = fs;", 'node:fs'],
  ])('rejects in %s: %s', async (file, code, needle) => {
    const errors = await layeringErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(needle);
    expect(errors[0]).toContain('docs/architecture.md');
  });

  it.each([
    ['renderer/app/app.tsx', "import { Job } from '../../contract/jobs.ts';\nimport { useState } from 'react';\nexport const y = [Job, useState];"],
    ['main/core/cache/job-cache.ts', "import Database from 'better-sqlite3';\nimport { Job } from '../../../contract/jobs.ts';\nexport const y = [Database, Job];"],
    ['main/electron/main.ts', "import { app } from 'electron';\nimport { x } from '../core/admin-api.ts';\nexport const y = [app, x];"],
    ['contract/jobs.ts', "import { z } from 'zod';\nimport { JobType } from './domain.ts';\nexport const y = [z, JobType];"],
    ['cluster/engine/engine.ts', "import { Queue } from 'bullmq';\nimport { Job } from '../../contract/jobs.ts';\nexport const y = [Queue, Job];"],
    ['main/core/clusters/x.test.ts', "import { startRedis } from '../../../cluster/testing/test-servers.ts';\nexport const y = startRedis;"],
  ])('allows in %s', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
