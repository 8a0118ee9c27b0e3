import { render, screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { App } from './app.tsx';

it('renders the application title', () => {
  render(<App />);
  expect(screen.getByRole('heading', { name: 'Sigmatiq Admin Jobs' })).toBeTruthy();
});
