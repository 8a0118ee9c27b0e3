/** Test-only: renders a piece of UI over a fake AdminApi, with a short event batch window. */
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ApiProvider } from '../api/api-context.tsx';
import { Toasts } from '../components/toasts.tsx';
import { useClusters } from '../components/use-clusters.ts';
import { FakeAdminApi, type FakeOptions } from './fake-admin-api.ts';

/** Keeps the cluster list loaded, as the shell does in the app (table cells only read it). */
function ClusterList() {
  useClusters();
  return null;
}

/** Renders `ui` inside an ApiProvider over a new FakeAdminApi; returns the fake too. */
export function renderWithFake(ui: ReactNode, options: FakeOptions = {}) {
  const fake = new FakeAdminApi({ localJobs: 80, researchJobs: 10, ...options });
  const result = render(
    <ApiProvider api={fake.api} batchWindowMs={10}>
      <ClusterList />
      {ui}
      <Toasts />
    </ApiProvider>,
  );
  return { fake, ...result };
}
