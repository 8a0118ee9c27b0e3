/**
 * What clients sync from: the history feed (job records changed after a cursor, for a desktop
 * cache's first load and catch-up) and the event log (events after an id, for the live stream
 * with `Last-Event-ID` resume; an id older than the log keeps gets `reset`).
 */
import { EventId, type HistoryPage } from '../../contract/events.ts';
import type { EngineContext } from './engine-context.ts';
import { finishedDetails } from './finished-details.ts';
import { EngineError, type EventBatch } from './job-engine.ts';

const MAX_HISTORY_PAGE = 2000;
const MAX_EVENT_BATCH = 1000;

export async function historyPage(ctx: EngineContext, after: string | undefined, limit: number): Promise<HistoryPage> {
  if (after !== undefined && !/^\d{1,20}$/.test(after)) {
    throw new EngineError('bad_request', 'after: not a history cursor from this cluster; start again without it');
  }
  const from = after === undefined ? 0 : Number(after);
  // Read the event id first: replaying events after it covers anything that changes meanwhile.
  const eventId = await ctx.store.lastEventId();
  const page = await ctx.store.history(from, Math.max(1, Math.min(limit, MAX_HISTORY_PAGE)));
  return {
    items: page.rows.map((r) => ctx.present(r)),
    removed: page.removed,
    cursor: String(Math.max(from, page.reached)),
    eventId,
    hasMore: page.hasMore,
    details: await finishedDetails(ctx.datastore, (type) => ctx.queue(type), page.rows),
  };
}

export async function readEvents(ctx: EngineContext, after: string | null, limit: number): Promise<EventBatch> {
  if (after === null) return { events: [], reset: false, lastId: await ctx.store.lastEventId() };
  if (!EventId.safeParse(after).success) throw new EngineError('bad_request', `event id '${after}': a decimal number`);
  const read = await ctx.store.readEvents(after, Math.max(1, Math.min(limit, MAX_EVENT_BATCH)));
  const a = BigInt(after);
  const last = BigInt(read.lastId);
  const oldest = read.oldestId === '0' ? last + 1n : BigInt(read.oldestId);
  // An id from the future (wiped datastore) or one older than what we keep: the client must resync.
  if (a > last || a + 1n < oldest) return { events: [], reset: true, lastId: read.lastId };
  const events = read.events.map((e) => e.event);
  return { events, reset: false, lastId: events.at(-1)?.id ?? after };
}
