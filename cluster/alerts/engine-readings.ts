/**
 * The readings an evaluation works on, read through the engine the way the API reads them: the
 * metrics summary, the worker nodes, and the resource samples of the last minute (a node whose
 * latest sample is older reads as no reading, so its alert resolves instead of firing for ever).
 */
import type { JobEngine } from '../engine/job-engine.ts';
import { metricReadingsOf } from './metric-readings.ts';
import type { MetricReadings } from './rule-evaluator.ts';

const RESOURCE_SAMPLES_MS = 60_000;

export function engineReadings(engine: Pick<JobEngine, 'summary' | 'workers' | 'resources'>, now: () => number = Date.now): () => Promise<MetricReadings> {
  return async () => {
    const [summary, workers, resources] = await Promise.all([engine.summary(), engine.workers(), engine.resources(new Date(now() - RESOURCE_SAMPLES_MS).toISOString())]);
    return metricReadingsOf({ summary, workers, resources });
  };
}
