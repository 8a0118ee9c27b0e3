/**
 * One Vite config, three builds and the test projects.
 *
 * Decisions encoded here:
 * - `vite build --mode renderer`: the React UI, with relative asset paths so it loads from the
 *   app's custom `app://` protocol and from the browser-mode host alike; a chunk per screen, loaded
 *   when it is first shown, and the charts library in a chunk of its own.
 * - `vite build --mode node`: the Node entry points (Electron main, browser-mode host, cluster CLI
 *   and the cluster's sandboxed job processor) as ESM, dependencies left external (they ship in
 *   node_modules, native modules included).
 * - `vite build --mode preload`: the preload as CommonJS — sandboxed preloads cannot be ESM.
 * - Tests: `unit` (Node), `renderer` (happy-dom), `integration` (*.pg / *.redis tests against real
 *   servers that the global setup starts), `build` (*.build.test.ts: they run `npm run build` when
 *   its output is stale, minutes on a busy machine, and check the bundles) and `e2e` (Chromium
 *   against browser mode). Integration, build and e2e run after the fast projects so a broken unit
 *   test fails in seconds, and `npm run test:unit` never builds.
 */
import { builtinModules } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';
import { startChunk } from './vite.start-chunk.ts';

const NODE_ENTRIES: Record<string, string> = {
  'electron-main': 'main/electron/main.ts',
  'web-serve': 'main/web/serve.ts',
  'cluster-cli': 'cluster/cli.ts',
  'job-processor': 'cluster/workers/processor.ts',
};

const nodeExternal = [/^node:/, ...builtinModules.map((m) => new RegExp(`^${m}(/.*)?$`)), /^[^./]/];

/**
 * The charts library and what it alone brings (redux, d3 via victory-vendor…): one chunk of its
 * own, loaded with the first screen that draws a chart and never with the shell or the Jobs view.
 */
const CHART_MODULES =
  /node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs[\\/]toolkit|redux|redux-thunk|react-redux|reselect|immer|decimal\.js-light|es-toolkit|eventemitter3|tiny-invariant|clsx)[\\/]/;

function rendererBuild(): UserConfig {
  const start = startChunk();
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), start.plugin],
    build: {
      outDir: '../out/renderer',
      emptyOutDir: true,
      target: 'chrome130',
      sourcemap: true,
      // Each screen is its own chunk (renderer/app/lazy-screens.tsx); the charts go together; what
      // the entry imports statically is one file (vite.start-chunk.ts).
      rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'charts', test: CHART_MODULES, includeDependenciesRecursively: false }, start.group] } } },
    },
  };
}

function nodeBuild(): UserConfig {
  const input = NODE_ENTRIES;
  return {
    build: {
      ssr: true,
      outDir: 'out/node',
      emptyOutDir: true,
      target: 'node20',
      sourcemap: true,
      // Shared chunks sit next to the entries: code that finds `job-processor.js` next to itself
      // must find it from a chunk too.
      rollupOptions: { input, external: nodeExternal, output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
    },
  };
}

function preloadBuild(): UserConfig {
  return {
    // A sandboxed preload can only require 'electron': bundle everything else.
    ssr: { noExternal: true },
    build: {
      ssr: true,
      outDir: 'out/preload',
      emptyOutDir: true,
      target: 'node22',
      rollupOptions: {
        input: { preload: 'preload/preload.ts' },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  };
}

export default defineConfig(({ mode, command }) => {
  // The builds are what the app ships, whoever starts them. Vite takes NODE_ENV from the
  // environment when it is set, and React, the JSX transform and other libraries pick their
  // development builds by it: a build run from a test (vitest sets NODE_ENV=test) made a
  // development renderer, which the e2e tests then drove and `sigmatiq-admin serve` went on serving.
  if (command === 'build') process.env.NODE_ENV = 'production';
  if (mode === 'node') return nodeBuild();
  if (mode === 'preload') return preloadBuild();
  if (mode === 'renderer') return rendererBuild();
  return {
    plugins: [react()],
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            environment: 'node',
            include: ['*.test.ts', '{contract,cluster,main,preload,bench,bin}/**/*.test.ts'],
            exclude: ['**/node_modules/**', '**/*.pg.test.ts', '**/*.redis.test.ts', '**/*.build.test.ts'],
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: {
            name: 'renderer',
            environment: 'happy-dom',
            include: ['renderer/**/*.test.{ts,tsx}'],
            setupFiles: ['renderer/test-setup.ts'],
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            environment: 'node',
            include: ['**/*.pg.test.ts', '**/*.redis.test.ts'],
            exclude: ['**/node_modules/**'],
            globalSetup: ['cluster/testing/global-setup.ts'],
            testTimeout: 120_000,
            hookTimeout: 180_000,
            sequence: { groupOrder: 1 },
          },
        },
        {
          extends: true,
          test: {
            name: 'build',
            environment: 'node',
            include: ['**/*.build.test.ts'],
            exclude: ['**/node_modules/**'],
            sequence: { groupOrder: 1 },
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['e2e/**/*.test.ts'],
            testTimeout: 240_000,
            hookTimeout: 240_000,
            fileParallelism: false,
            sequence: { groupOrder: 2 },
          },
        },
      ],
    },
  };
});
