import { describe, expect, it } from 'vitest';
import { readCoreState, writeCoreState } from './core-state.ts';

describe('reading stored settings leniently', () => {
  it('keeps good fields and clusters, defaults/drops bad ones, and says which', () => {
    const read = readCoreState({
      settings: { theme: 'dark', retentionDays: -5, notificationsEnabled: 'yes', bogus: 1, localClusterEnabled: false },
      clusters: [
        { id: 'prod', name: 'Prod', url: 'https://jobs.example.com:7420', colour: '#112233' },
        { id: 'bad', name: 'Bad', url: 'ftp://nope' },
        { id: 'prod', name: 'Prod again', url: 'https://x.example.com' },
        { id: 'local', name: 'Sneaky', url: 'http://127.0.0.1:1' },
        'garbage',
      ],
    });
    expect(read.settings).toMatchObject({ theme: 'dark', retentionDays: 90, notificationsEnabled: true, localClusterEnabled: false });
    expect(read.clusters.map((c) => c.id)).toEqual(['prod']);
    expect(read.clusters[0]).toMatchObject({ colour: '#112233', caCertificate: null });
    const text = read.problems.join('\n');
    expect(text).toMatch(/retentionDays.*default/);
    expect(text).toMatch(/notificationsEnabled/);
    expect(text).toMatch(/Unknown setting "bogus"/);
    expect(text).toMatch(/Cluster "Bad".*invalid.*add it again/);
    expect(text).toMatch(/appeared twice/);
    expect(text).toMatch(/Cluster "Sneaky"/);
    expect(text).toMatch(/Cluster #5/);
  });

  it('survives anything: null, a string, an array of clusters that is not one', () => {
    expect(readCoreState(undefined)).toMatchObject({ clusters: [], problems: [] });
    expect(readCoreState('text').problems[0]).toMatch(/not an object/);
    expect(readCoreState({ clusters: 'x', settings: [] }).problems).toHaveLength(2);
  });

  it('round-trips what it writes', () => {
    const first = readCoreState({ settings: { retentionDays: 30 }, clusters: [{ id: 'a', name: 'A', url: 'http://a.example.com' }] });
    const again = readCoreState(writeCoreState(first));
    expect(again.problems).toEqual([]);
    expect(again.settings).toEqual(first.settings);
    expect(again.clusters).toEqual(first.clusters);
  });
});
