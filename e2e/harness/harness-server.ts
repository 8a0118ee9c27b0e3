/**
 * Test-only: serves the dev harness (e2e/harness/index.html) with Vite, in dev mode for
 * screenshots or as a production build for the benchmark. Returns the URL and a close function.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { build, createServer, preview } from 'vite';
import { startChunk } from '../../vite.start-chunk.ts';

// Vite's root is the repository, so the page (e2e/harness/index.html) can load renderer/ files.
const repo = path.join(import.meta.dirname, '..', '..');
const PAGE = 'e2e/harness/index.html';

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

function buildHarness(outDir: string) {
  // Chunked as the app's renderer build is (vite.config.ts): the start in one file.
  const start = startChunk();
  return build({
    configFile: false,
    root: repo,
    logLevel: 'warn',
    plugins: [react(), start.plugin],
    base: './',
    build: { outDir, emptyOutDir: true, target: 'chrome130', chunkSizeWarningLimit: 1000, rolldownOptions: { input: path.join(repo, PAGE), output: { codeSplitting: { groups: [start.group] } } } },
  });
}

/** Starts the harness. `production` builds it first (minified React, as users run it). */
export async function startHarness({ production = false } = {}): Promise<HarnessServer> {
  if (!production) {
    const server = await createServer({
      configFile: false,
      root: repo,
      logLevel: 'warn',
      plugins: [react()],
      server: { host: '127.0.0.1', port: 0, fs: { allow: [repo] } },
    });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('harness server has no port');
    return { url: `http://127.0.0.1:${address.port}/${PAGE}`, close: () => server.close() };
  }
  const outDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-harness-'));
  // Vite and the React plugin build for NODE_ENV, which vitest sets to 'test': React's development
  // build, many times slower than what users run. The production build is built as production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await buildHarness(outDir);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const server = await preview({ configFile: false, root: repo, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/${PAGE}`,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
