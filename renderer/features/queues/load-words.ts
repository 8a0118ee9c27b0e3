/**
 * How a queue's load reads on screen: the growth arrow, the drain sentence and the short numbers
 * beside it. One place, so the table, the load panel and the what-if say the same thing.
 */
import { describeLoad, type ForecastError, type LoadStatus, type LoadWhatIf, type QueueLoad } from '../../../contract/load.ts';
import { formatDuration } from '../../components/format.ts';

export interface Trend {
  arrow: '↑' | '↓' | '–' | '?';
  /** Words for screen readers and titles. */
  words: string;
  tone: 'critical' | 'good' | 'idle' | 'muted';
}

/** The arrow of a load status: up while the backlog grows, down while it drains. */
export function trendOf(status: LoadStatus): Trend {
  switch (status) {
    case 'growing':
      return { arrow: '↑', words: 'growing', tone: 'critical' };
    case 'draining':
      return { arrow: '↓', words: 'draining', tone: 'good' };
    case 'idle':
      return { arrow: '–', words: 'idle', tone: 'idle' };
    case 'insufficient-data':
      return { arrow: '?', words: 'not enough data', tone: 'muted' };
  }
}

/** "Clears in ~35 min", "Growing: will not drain", "Paused: will not drain", "Idle", "Not enough data". */
export function drainWords(load: Pick<QueueLoad, 'status' | 'drainSeconds'>, paused: boolean): string {
  return describeLoad(load, paused);
}

/** A wait in words, or "—" when the model cannot say; under a second reads "none". */
export function waitWords(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return 'none';
  return formatDuration(ms);
}

/** Utilisation as a percentage; above 100% the queue cannot keep up. */
export function utilisationWords(u: number | null): string {
  if (u === null) return '—';
  if (u > 9.99) return '> 999%';
  return `${Math.round(u * 100)}%`;
}

/** Jobs per minute with a sign, e.g. "+2.4/min", "−0.5/min", "0/min". */
export function growthWords(perMin: number | null): string {
  if (perMin === null) return '—';
  const rounded = Math.abs(perMin) >= 10 ? Math.round(perMin) : Math.round(perMin * 10) / 10;
  if (rounded === 0) return '0/min';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)}/min`;
}

/** What a what-if would do, as one sentence: "clears in ~12 min, p95 wait 40 s". */
export function whatIfWords(w: LoadWhatIf, paused: boolean): string {
  const drain = describeLoad(w, paused);
  if (w.predictedWaitP95Ms === null) return drain;
  return `${drain}, p95 wait ${waitWords(w.predictedWaitP95Ms)}`;
}

/** How the cluster's wait predictions fared, in words; null when it does not keep score. */
export function forecastErrorWords(fe: ForecastError | null | undefined): string | null {
  if (fe === undefined) return null;
  if (fe === null) return 'wait predictions not scored yet (fewer than 5 started jobs had one)';
  const record = `wait predictions off by ${waitWords(fe.medianMs)} (median), ${waitWords(fe.p90Ms)} (p90) over ${fe.samples} started jobs`;
  return fe.poor ? `${record}: a poor record, read them as rough` : record;
}
