// The record of the wait predictions: median and p90 of the error over the latest started jobs, and the poor flag.
import { describe, expect, it } from 'vitest';
import { forecastErrorOf, MAX_FORECAST_SAMPLES, MIN_FORECAST_SAMPLES, type ScoredWait } from './forecast-error.ts';

const scored = (pairs: [predicted: number, actual: number][], startedAt = 0): ScoredWait[] =>
  pairs.map(([predictedMs, actualMs], i) => ({ predictedMs, actualMs, startedAt: startedAt + i }));

describe('forecastErrorOf', () => {
  it('says nothing with fewer than the minimum of scored jobs', () => {
    expect(forecastErrorOf(scored(Array.from({ length: MIN_FORECAST_SAMPLES - 1 }, () => [1000, 2000])))).toBeNull();
  });

  it('gives the median and p90 of the absolute error, the median signed error and the median wait', () => {
    // Errors (actual − predicted): −10, 0, 10, 20, 30, 40, 50, 60, 70, 80 s.
    const pairs = Array.from({ length: 10 }, (_, i): [number, number] => [60_000, 50_000 + i * 10_000]);
    const got = forecastErrorOf(scored(pairs))!;
    expect(got.samples).toBe(10);
    // |errors| sorted: 0, 10, 10, 20, 30, 40, 50, 60, 70, 80 s.
    expect(got.medianMs).toBe(35_000);
    expect(got.p90Ms).toBeCloseTo(71_000, 6);
    expect(got.biasMs).toBe(35_000);
    expect(got.medianWaitMs).toBe(95_000);
    // 35 s off waits of ~95 s: over 30% and over 10 s.
    expect(got.poor).toBe(true);
  });

  it('is not poor when the error is a small share of the waits, or only seconds', () => {
    const close = forecastErrorOf(scored(Array.from({ length: 8 }, (_, i): [number, number] => [300_000, 300_000 + (i % 2 ? 20_000 : -20_000)])))!;
    expect(close.medianMs).toBe(20_000);
    expect(close.poor).toBe(false);
    // Short waits off by 100%, but by 4 s: nothing an admin would do differently.
    const short = forecastErrorOf(scored(Array.from({ length: 8 }, (): [number, number] => [4_000, 8_000])))!;
    expect(short.medianMs).toBe(4_000);
    expect(short.poor).toBe(false);
  });

  it('scores the latest started jobs only', () => {
    const old = scored(Array.from({ length: MAX_FORECAST_SAMPLES }, (): [number, number] => [0, 60_000]), 0);
    const recent = scored(Array.from({ length: MAX_FORECAST_SAMPLES }, (): [number, number] => [1_000, 1_000]), 1_000_000);
    const got = forecastErrorOf([...old, ...recent])!;
    expect(got.samples).toBe(MAX_FORECAST_SAMPLES);
    expect(got.medianMs).toBe(0);
  });
});
