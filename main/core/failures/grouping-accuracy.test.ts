import { describe, expect, it } from 'vitest';
import { buildFailureCorpus } from '../../../cluster/testing/failure-corpus.ts';
import { FailureGrouping } from './failure-grouping.ts';
import { groupingAccuracy } from './grouping-accuracy.ts';

describe('groupingAccuracy', () => {
  it('counts a message right only when its group is exactly its label', () => {
    expect(groupingAccuracy(['g1', 'g1', 'g2', 'g3'], ['a', 'a', 'b', 'c'])).toBe(1);
    // a split label costs both halves; a merged pair costs all its members
    expect(groupingAccuracy(['g1', 'g2', 'g3', 'g3'], ['a', 'a', 'b', 'c'])).toBe(0);
    expect(groupingAccuracy(['g1', 'g1', 'g2', 'g3'], ['a', 'a', 'b', 'b'])).toBe(0.5);
    expect(() => groupingAccuracy(['g1'], [])).toThrow(/1 groups for 0 labels/);
  });
});

describe('grouping the handlers’ real failures', () => {
  it.each([1, 2])('reaches a grouping accuracy of at least 0.95 on the labelled corpus (seed %i)', async (seed) => {
    const corpus = await buildFailureCorpus(30, seed);
    const grouping = new FailureGrouping();
    const predicted = corpus.map((f) => grouping.assign({ ...f, failedAt: '2025-03-01T00:00:00Z' }).group.id);
    const accuracy = groupingAccuracy(predicted, corpus.map((f) => f.label));
    const labels = new Set(corpus.map((f) => f.label));
    // Every problem of the corpus gets a group of its own: no fewer groups than labels, no more.
    expect({ accuracy: accuracy >= 0.95, groups: grouping.groups().length }).toEqual({ accuracy: true, groups: labels.size });
  }, 30_000);
});
