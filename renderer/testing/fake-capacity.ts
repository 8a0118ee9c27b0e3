/**
 * Test-only: the capacity part of the fake AdminApi. The real signals are SQL over the desktop's
 * cache (main/core/load); here each connected cluster's queues get fixed, plausible numbers put
 * into words by the contract's own sentences, and a cluster with no history says so. Tests and
 * the screenshot script can set `answer` to exactly what the core computed.
 */
import {
  CAPACITY_RULES,
  failureTrendSentence,
  recentDaysOf,
  waitingSentence,
  waitsSentence,
  type CapacityFailureCause,
  type CapacityRequest,
  type CapacitySignals,
  type FailureTrendSignal,
  type QueueCapacity,
} from '../../contract/capacity.ts';
import { JOB_TYPES } from '../../contract/domain.ts';
import { AdminApiError } from '../api/admin-api-error.ts';

export interface FakeCapacityHost {
  now(): number;
  clusterIds(): string[];
  /** Clusters whose cache holds history (the others answer "not enough history"). */
  withHistory(): string[];
}

const DAY = 86_400_000;

/** [share of hours waiting, share of waits over 1 min, recent and earlier timeouts a day] per type. */
const SAMPLE: Record<string, [number, number, number, number]> = {
  backtest: [0.31, 0.03, 0.4, 0.5],
  training: [0.58, 0.12, 3.5, 0.8],
  sweep: [0.92, 0.41, 0, 0],
  'matrix-build': [0.12, 0.01, 1, 1.2],
  signal: [0, 0, 0, 0],
  report: [0.06, 0.02, 0, 0.2],
};

function trend(type: string, cause: CapacityFailureCause, recentPerDay: number, earlierPerDay: number, days: number, fromMs: number): FailureTrendSignal {
  const recentDays = recentDaysOf(days);
  const earlierDays = days - recentDays;
  const perDay = Array.from({ length: days }, (_, i) => ({ from: new Date(fromMs + i * DAY).toISOString(), count: Math.round(i >= earlierDays ? recentPerDay : earlierPerDay) }));
  const increasing = recentPerDay * recentDays >= CAPACITY_RULES.minRecentFailures && recentPerDay >= CAPACITY_RULES.increaseRatio * earlierPerDay;
  const s = { value: recentPerDay, cause, total: perDay.reduce((n, d) => n + d.count, 0), recentDays, recentPerDay, earlierDays, earlierPerDay, increasing };
  return { ...s, perDay, moreCapacityNeeded: increasing, sentence: failureTrendSentence(type, s, days) };
}

export class FakeCapacity {
  /** Answers by period in days, when set (e.g. what the core computed over a fixture cache). */
  answers: Partial<Record<number, CapacitySignals>> = {};

  constructor(private readonly host: FakeCapacityHost) {}

  private build(request: CapacityRequest): CapacitySignals {
    const days = request.days ?? 7;
    const clusters = request.clusterIds ?? this.host.clusterIds();
    for (const id of clusters) if (!this.host.clusterIds().includes(id)) throw new AdminApiError('unknown-cluster', `There is no cluster "${id}". It may have been removed.`);
    const toMs = this.host.now();
    const fromMs = toMs - days * DAY;
    const queues: QueueCapacity[] = [];
    for (const clusterId of clusters.filter((c) => this.host.withHistory().includes(c))) {
      for (const type of JOB_TYPES) {
        const [waitingShare, overShare, recent, earlier] = SAMPLE[type]!;
        const hoursCovered = days * 24;
        const hoursWaiting = Math.round(waitingShare * hoursCovered);
        const w = { value: hoursWaiting / hoursCovered, hoursWaiting, hoursCovered, hoursPaused: 0 };
        const started = days * 40;
        const v = { value: Math.round(overShare * started) / started, started, over: Math.round(overShare * started), thresholdMs: 60_000 };
        const q = {
          clusterId,
          type,
          waiting: { ...w, moreCapacityNeeded: w.value >= CAPACITY_RULES.waitingHoursShare, sentence: waitingSentence(type, w, days) },
          waitsOverThreshold: { ...v, moreCapacityNeeded: v.value > CAPACITY_RULES.overThresholdShare, sentence: waitsSentence(type, v, days) },
          timeouts: trend(type, 'timeout', recent, earlier, days, fromMs),
          limitExceeded: trend(type, 'limit-exceeded', 0, 0, days, fromMs),
        };
        queues.push({ ...q, moreCapacityNeeded: q.waiting.moreCapacityNeeded || q.waitsOverThreshold.moreCapacityNeeded || q.timeouts.moreCapacityNeeded });
      }
    }
    const enoughHistory = queues.length > 0;
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      days,
      enoughHistory,
      note: enoughHistory ? `Over ${days} days.` : 'Not enough history: the cache holds no jobs of these clusters yet. The signals need at least a day of jobs.',
      thresholds: clusters.map((clusterId) => ({ clusterId, waitThresholdMs: 60_000, source: 'cluster' as const })),
      queues,
    };
  }

  /** A set answer narrowed to the clusters asked, as the core answers only for those. */
  private only(answer: CapacitySignals, clusters: readonly string[]): CapacitySignals {
    const queues = answer.queues.filter((q) => clusters.includes(q.clusterId));
    const enoughHistory = queues.some((q) => [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded].some((x) => x.value !== null));
    return {
      ...answer,
      queues,
      enoughHistory,
      note: enoughHistory ? answer.note : 'Not enough history: the cache holds no jobs of this cluster yet. The signals need at least a day of jobs.',
      thresholds: answer.thresholds.filter((t) => clusters.includes(t.clusterId)),
    };
  }

  methods() {
    return {
      getCapacitySignals: (request: CapacityRequest) => {
        const set = this.answers[request.days ?? 7];
        return set ? this.only(set, request.clusterIds ?? this.host.clusterIds()) : this.build(request);
      },
    };
  }
}
