/**
 * What the Pending card says about the backlog of every queue in view, on every cluster: growing
 * if any queue grows (a paused queue that is filling grows too: nothing drains it), otherwise
 * draining until the last queue clears, which is the latest clear time of them all. A queue whose
 * run time is not known yet makes the clear time unknown, rather than the other queues' answer
 * passing for the whole backlog. Clusters answering from the cache are left out: their load is as
 * old as their snapshot, and the card speaks of now.
 */
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import { describeLoad } from '../../../contract/load.ts';

export interface PendingOutlook {
  /** One line for the card. */
  note: string;
  /** More words for the tooltip: which queues, and the clock time it clears by. */
  detail: string;
  tone: 'critical' | 'good' | undefined;
}

interface Seen {
  clusterId: string;
  type: JobType;
  paused: boolean;
  status: string;
  drainSeconds: number | null;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
/** Beyond this a clock time could be tomorrow's: the card says the span instead. */
const CLOCK_WITHIN_S = 12 * 3600;

function names(items: readonly Seen[], several: boolean): string {
  return items.map((i) => (several ? `${JOB_TYPE_LABELS[i.type]} on ${i.clusterId}` : JOB_TYPE_LABELS[i.type])).join(', ');
}

/** The Pending card's outlook, or null when no live cluster in view reports its load. */
export function pendingOutlook(summary: DashboardSummary): PendingOutlook | null {
  const live = summary.clusters.filter((c) => c.summary && !c.fromCache);
  const several = live.length > 1;
  const seen: Seen[] = live.flatMap((c) =>
    c.summary!.queues.flatMap((q) => (q.load ? [{ clusterId: c.clusterId, type: q.type, paused: q.paused, status: q.load.status, drainSeconds: q.load.drainSeconds }] : [])),
  );
  if (seen.length === 0) return null;
  const growing = seen.filter((s) => s.status === 'growing');
  if (growing.length > 0) {
    const allPaused = growing.every((g) => g.paused);
    return {
      note: `↑ ${allPaused ? 'Paused: will not drain' : 'Growing: will not drain'}`,
      detail: `Backlog growing in ${names(growing, several)}${allPaused ? ' (paused, filling)' : ''}.`,
      tone: 'critical',
    };
  }
  const unknown = seen.filter((s) => s.status === 'insufficient-data');
  if (unknown.length > 0) {
    return { note: 'Not enough data to forecast', detail: `Too few finished jobs to know how long one takes: ${names(unknown, several)}.`, tone: undefined };
  }
  const draining = seen.filter((s) => s.status === 'draining');
  if (draining.length === 0) return { note: 'Idle: nothing ready to run', detail: 'No queue has jobs ready and waiting.', tone: undefined };
  if (draining.some((d) => d.drainSeconds === null)) return { note: '↓ Draining', detail: `Draining: ${names(draining, several)}.`, tone: 'good' };
  const last = draining.reduce((a, b) => (b.drainSeconds! > a.drainSeconds! ? b : a));
  const at = Math.max(...live.map((c) => Date.parse(c.summary!.at)));
  const inWords = describeLoad({ status: 'draining', drainSeconds: last.drainSeconds });
  // The card has room for one short line: a clock time while it is today's, the span beyond that.
  const short = last.drainSeconds! >= 60 && last.drainSeconds! < CLOCK_WITHIN_S ? `Clears by ${timeFmt.format(at + last.drainSeconds! * 1000)}` : inWords;
  return {
    note: `↓ ${short}`,
    detail: `Draining at current rates: ${inWords.toLowerCase()}; the last queue to clear is ${names([last], several)}.`,
    tone: 'good',
  };
}
