/** Test-only: renders a piece of UI over a fake AdminApi, with a short event batch window. */
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ApiProvider } from '../api/api-context.tsx';
import { Toasts } from '../components/toasts.tsx';
import { FakeAdminApi, type FakeOptions } from './fake-admin-api.ts';

/** Renders `ui` inside an ApiProvider over a new FakeAdminApi; returns the fake too. */
export function renderWithFake(ui: ReactNode, options: FakeOptions = {}) {
  const fake = new FakeAdminApi({ localJobs: 80, researchJobs: 10, ...options });
  const result = render(
    <ApiProvider api={fake.api} batchWindowMs={10}>
      {ui}
      <Toasts />
    </ApiProvider>,
  );
  return { fake, ...result };
}
