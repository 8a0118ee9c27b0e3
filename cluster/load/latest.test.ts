// The n latest rows by a time, as the load model's statistics keep them.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../contract/seeded-random.ts';
import { latest } from './latest.ts';

describe('latest', () => {
  it('keeps the rows with the largest keys, as a full sort would', () => {
    const rng = new SeededRandom(3);
    const rows = Array.from({ length: 2000 }, (_, id) => ({ id, at: Math.floor(rng.next() * 500) }));
    const got = latest(rows, (r) => r.at, 300);
    expect(got).toHaveLength(300);
    const sorted = [...rows].sort((a, b) => b.at - a.at);
    // Equal keys at the cut may be any of the tied rows: compare the keys.
    expect(got.map((r) => r.at).sort((a, b) => b - a)).toEqual(sorted.slice(0, 300).map((r) => r.at));
  });

  it('keeps every row when there are no more than n, and none for n = 0', () => {
    expect(latest([{ at: 1 }, { at: 2 }], (r) => r.at, 5)).toEqual([{ at: 1 }, { at: 2 }]);
    expect(latest([{ at: 1 }], (r) => r.at, 0)).toEqual([]);
    expect(latest([{ at: 7 }, { at: 7 }, { at: 7 }], (r) => r.at, 2)).toHaveLength(2);
  });
});
