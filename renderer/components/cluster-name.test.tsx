import { screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { renderWithFake } from '../testing/render-app.tsx';
import { ClusterName } from './cluster-name.tsx';

it('names a cluster by its configured name, with the whole name and its URL on hover (a narrow column cuts the name)', async () => {
  const { fake } = renderWithFake(<ClusterName id="research" />);
  const research = (await fake.api.listClusters()).find((c) => c.id === 'research')!;
  const name = await screen.findByText(research.name);
  expect(name.closest('.cluster-name')!.getAttribute('title')).toBe(`${research.name} — ${research.url}`);
});

it('an id no cluster has any more is shown as it is', async () => {
  renderWithFake(<ClusterName id="gone" />);
  const name = await screen.findByText('gone');
  expect(name.closest('.cluster-name')!.getAttribute('title')).toBe('gone');
});
