// The real CLI on the test Redis: two serve processes act as one cluster.
import { describe, inject, it } from 'vitest';
import { twoNodesActAsOne } from './testing/two-nodes.ts';

describe('sigmatiq-cluster serve on Redis', () => {
  it('runs two API nodes on one Redis as one cluster', async () => {
    // A database of its own (the CLI uses the default key prefix), so other test files cannot interfere.
    const url = new URL(inject('redisUrl'));
    url.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
    await twoNodesActAsOne(url.toString());
  }, 180_000);
});
