/**
 * Test-only entry (loaded by e2e/harness/index.html): the real renderer App over the fake AdminApi with generated data, for
 * screenshots and the UI benchmark before (and besides) the real browser-mode host.
 * Query parameters: `jobs` (local jobs, default 240), `live` (ms between simulated ticks, 0 = off),
 * `latency` (ms per call), `offline=local` (start with the local cluster offline), `failures` (extra
 * generated failure patterns, some with long templates).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../app/app.tsx';
import { startApp } from '../app/app-start.ts';
import { FakeAdminApi } from './fake-admin-api.ts';
import '../styles/theme.css';
import '../styles/base.css';
import '../styles/components.css';

const params = new URLSearchParams(location.search);
const t0 = performance.now();
const fake = new FakeAdminApi({
  localJobs: Number(params.get('jobs') ?? 240),
  latencyMs: Number(params.get('latency') ?? 0),
  validate: params.get('validate') !== '0',
});
(window as unknown as { __fake: FakeAdminApi; __generatedMs: number }).__fake = fake;
(window as unknown as { __generatedMs: number }).__generatedMs = performance.now() - t0;
const live = Number(params.get('live') ?? 0);
if (live > 0) setInterval(() => fake.tick(), live);
if (params.get('failures')) fake.failures.extraGroups = Number(params.get('failures'));
if (params.get('offline')) fake.setStatus(params.get('offline')!, 'offline', 'The cluster stopped answering (connection refused).');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={fake.api} started={startApp(fake.api)} />
  </StrictMode>,
);
