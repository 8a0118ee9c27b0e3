/**
 * The cluster keeps score of its own wait predictions: each job queued while the load model could
 * say how long it would wait carries that prediction (`Job.predictedWaitMs`); once it has started,
 * its actual wait (start − when it became ready) is known. This file turns those pairs into the
 * error figures next to the forecasts. Pure; load-inputs.ts picks the pairs from the rows the load
 * model reads anyway, so keeping score costs no read of its own.
 */
import type { ForecastError } from '../../contract/load.ts';
import { latest } from './latest.ts';

/** Fewer scored jobs than this and the record says nothing (the figures would be one job's luck). */
export const MIN_FORECAST_SAMPLES = 5;
/** The most recent started jobs scored. */
export const MAX_FORECAST_SAMPLES = 500;
/** A typical error above this share of the typical wait is a poor record… */
export const POOR_ERROR_SHARE = 0.3;
/** …unless it is under this: seconds off a short wait change nothing an admin does. */
export const POOR_ERROR_FLOOR_MS = 10_000;

export interface ScoredWait {
  predictedMs: number;
  actualMs: number;
  /** When the job started: the latest are scored. */
  startedAt: number;
}

/** The q-quantile of sorted values, interpolated between ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function forecastErrorOf(scored: readonly ScoredWait[]): ForecastError | null {
  const recent = latest(scored, (s) => s.startedAt, MAX_FORECAST_SAMPLES);
  if (recent.length < MIN_FORECAST_SAMPLES) return null;
  const ascending = (values: number[]) => values.sort((a, b) => a - b);
  const errors = ascending(recent.map((s) => Math.abs(s.actualMs - s.predictedMs)));
  const signed = ascending(recent.map((s) => s.actualMs - s.predictedMs));
  const waits = ascending(recent.map((s) => s.actualMs));
  const medianMs = quantile(errors, 0.5);
  const medianWaitMs = quantile(waits, 0.5);
  return {
    samples: recent.length,
    medianMs,
    p90Ms: quantile(errors, 0.9),
    biasMs: quantile(signed, 0.5),
    medianWaitMs,
    poor: medianMs > POOR_ERROR_FLOOR_MS && medianMs > POOR_ERROR_SHARE * medianWaitMs,
  };
}
