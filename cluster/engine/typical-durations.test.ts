import { describe, expect, it } from 'vitest';
import { etaOf } from './job-record.ts';
import { median } from './typical-durations.ts';

const t0 = Date.parse('2026-11-28T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();

describe('ETA', () => {
  it('uses the type’s typical duration before progress says much', () => {
    expect(etaOf(t0, 1, t0 + 10_000, 300_000)).toBe(at(300_000));
    expect(etaOf(t0, undefined, t0 + 10_000, 300_000)).toBe(at(300_000));
    expect(etaOf(t0, 1, t0 + 10_000)).toBeNull();
  });

  it('uses the progress rate alone without history', () => {
    expect(etaOf(t0, 50, t0 + 60_000)).toBe(at(120_000));
  });

  it('blends the two, trusting progress more as the job advances', () => {
    // 50 %: half of the progress estimate (120 s) and half of the typical 300 s.
    expect(etaOf(t0, 50, t0 + 60_000, 300_000)).toBe(at(210_000));
    // 90 %: mostly the progress estimate (100 s), a little of the typical 300 s.
    expect(etaOf(t0, 90, t0 + 90_000, 300_000)).toBe(at(120_000));
  });

  it('never lies in the past, also when the job runs longer than usual', () => {
    expect(etaOf(t0, 2, t0 + 600_000, 300_000)).toBe(at(600_000));
  });

  it('takes the median of past durations', () => {
    expect(median([])).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
