import { describe, expect, it } from 'vitest';
import { liveLabel } from './live-label.ts';

const at = Date.parse('2026-12-02T07:30:00Z');

describe('liveLabel', () => {
  it('says Live while the host is linked and a cluster is online', () => {
    expect(liveLabel({ updatedAt: at, hostLink: 'up', clustersInView: 2, clustersOnline: 1 })).toMatch(/^Live · updated /);
  });

  it('does not say Live once the admin host is gone', () => {
    for (const hostLink of ['lost', 'refused'] as const) {
      const label = liveLabel({ updatedAt: at, hostLink, clustersInView: 1, clustersOnline: 1 });
      expect(label).not.toMatch(/^Live/);
      expect(label).toMatch(/admin host is unreachable · last known as of/);
    }
  });

  it('does not say Live when every cluster in view is offline', () => {
    expect(liveLabel({ updatedAt: at, hostLink: 'up', clustersInView: 2, clustersOnline: 0 })).toMatch(/^Not live: no cluster in view is online · cached as of/);
  });

  it('says Loading before the first answer', () => {
    expect(liveLabel({ updatedAt: null, hostLink: 'up', clustersInView: 1, clustersOnline: 1 })).toBe('Loading…');
  });
});
