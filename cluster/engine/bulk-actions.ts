/**
 * Bulk actions over ids or a filter. Work is chunked: the filter is walked with the job index's
 * keyset pages (BULK_CHUNK rows per datastore call, never a scan in one call), each chunk acted on
 * with a few jobs in flight, and every job gets its own result. A dry run only counts.
 */
import { isActionAllowed } from '../../contract/domain.ts';
import type { ActionResult, BulkActionRequest, BulkActionResponse } from '../../contract/api.ts';
import type { JobRow } from '../datastore/shared-store.ts';
import type { EngineContext } from './engine-context.ts';
import { actionReason, cancelPending, conflictMessage, jobAction } from './job-actions.ts';
import { type Actor, EngineError } from './job-engine.ts';
import { rowQueryOf } from './job-list.ts';

export const BULK_CHUNK = 200;
const IN_FLIGHT = 8;

/** Walks the rows of a bulk request, a chunk at a time. */
async function* chunks(ctx: EngineContext, request: BulkActionRequest): AsyncGenerator<{ ids: string[]; rows: Map<string, JobRow> }> {
  if (request.ids) {
    const ids = [...new Set(request.ids)];
    for (let i = 0; i < ids.length; i += BULK_CHUNK) {
      const slice = ids.slice(i, i + BULK_CHUNK);
      yield { ids: slice, rows: await ctx.store.getRows(slice) };
    }
    return;
  }
  let cursor: string | undefined;
  const query = rowQueryOf(ctx, { ...request.filter, sort: 'created', limit: BULK_CHUNK });
  // Created order is stable while we act, so jobs that change state are neither skipped nor seen twice.
  for (;;) {
    const page = await ctx.store.listRows({ ...query, after: cursor === undefined ? undefined : JSON.parse(cursor) });
    yield { ids: page.rows.map((r) => r.id), rows: new Map(page.rows.map((r) => [r.id, r])) };
    if (!page.next) return;
    cursor = JSON.stringify(page.next);
  }
}

/** Acts on a parsed request (the route's BulkActionRequest: either ids or a filter, never both). */
export async function bulkAction(ctx: EngineContext, request: BulkActionRequest, actor: Actor): Promise<BulkActionResponse> {
  const response: BulkActionResponse = { action: request.action, dryRun: request.dryRun, matched: 0, ok: 0, skipped: 0, failed: 0, results: [] };
  // A job's place in line costs a count over the pending jobs ahead of it (a long scan deep in a
  // 100k queue), and a bulk result's job is read again once its chunk settled: present without it.
  const quick: EngineContext = Object.create(ctx, {
    presentAll: { value: async (rows: JobRow[]) => rows.map((r) => ctx.present(r)) },
  }) as EngineContext;
  // A delay by seconds ends at the same time for every job of the request, whatever its chunk.
  const until = request.action !== 'delay' ? undefined : request.seconds !== undefined ? new Date(Date.now() + request.seconds * 1000).toISOString() : request.until;
  for await (const chunk of chunks(ctx, request)) {
    const present = chunk.ids.filter((id) => chunk.rows.has(id));
    response.matched += present.length;
    if (request.dryRun) continue;
    const results: ActionResult[] = [];
    for (const id of chunk.ids.filter((i) => !chunk.rows.has(i))) results.push({ id, outcome: 'failed', message: `no job '${id}' in this cluster` });
    if (request.action === 'cancel') {
      results.push(...(await cancelChunk(ctx, present.map((id) => chunk.rows.get(id)!), actionReason(request, actor))));
    } else {
      for (const wave of request.action === 'delete' ? parentsFirst(present, chunk.rows) : [present]) {
        results.push(...(await actEach(quick, wave, chunk.rows, request, until, actor)));
      }
    }
    for (const r of results) response[r.outcome] += 1;
    response.results.push(...results);
    await settleChunk(ctx, request, until, chunk.rows, results);
    await withRecordsAfter(ctx, results);
  }
  return response;
}

/**
 * Delete order within a chunk: jobs of a flow (a sweep's child backtests) after the others, so a
 * sweep and its children are not removed at the same moment (its removal takes them along).
 */
function parentsFirst(ids: string[], rows: Map<string, JobRow>): string[][] {
  const isChild = (id: string) => Boolean(rows.get(id)?.record.parentId);
  return [ids.filter((id) => !isChild(id)), ids.filter(isChild)].filter((wave) => wave.length > 0);
}

/** One action per job, IN_FLIGHT at a time; each job's failure is its own result. */
async function actEach(ctx: EngineContext, ids: string[], rows: Map<string, JobRow>, request: BulkActionRequest, until: string | undefined, actor: Actor): Promise<ActionResult[]> {
  const body = { priority: request.priority, reason: request.reason, ...(request.action === 'delay' ? { until } : {}) };
  const one = async (id: string): Promise<ActionResult> => {
    try {
      return await jobAction(ctx, id, request.action, body, actor, { wait: false });
    } catch (error) {
      const parentId = rows.get(id)?.record.parentId;
      // A sweep's child deleted by the sweep's removal a moment ago: deleted, as asked.
      if (request.action === 'delete' && parentId && error instanceof EngineError && error.code === 'not_found') {
        return { id, outcome: 'ok', message: `deleted with its sweep '${parentId}'` };
      }
      return failureResult(id, error);
    }
  };
  const results: ActionResult[] = [];
  for (let i = 0; i < ids.length; i += IN_FLIGHT) results.push(...(await Promise.all(ids.slice(i, i + IN_FLIGHT).map(one))));
  return results;
}

function failureResult(id: string, error: unknown): ActionResult {
  if (error instanceof EngineError && (error.code === 'conflict' || error.code === 'not_found')) return { id, outcome: 'skipped', message: error.message };
  return { id, outcome: 'failed', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Cancel of a chunk: jobs that are not pending are skipped with the reason, the pending ones are
 * cancelled together (a few datastore calls per chunk besides one removal per job).
 */
async function cancelChunk(ctx: EngineContext, rows: JobRow[], reason: string): Promise<ActionResult[]> {
  const results = new Map<string, ActionResult>();
  const pending: JobRow[] = [];
  for (const row of rows) {
    const state = ctx.present(row).state;
    if (isActionAllowed('cancel', state)) pending.push(row);
    else results.set(row.id, { id: row.id, outcome: 'skipped', message: conflictMessage('cancel', row.id, state) });
  }
  try {
    for (const [id, error] of await cancelPending(ctx, pending, reason)) results.set(id, error ? failureResult(id, error) : { id, outcome: 'ok' });
  } catch (error) {
    // The datastore failed mid-chunk: what was not confirmed is reported failed, with the reason.
    for (const row of pending) if (!results.has(row.id)) results.set(row.id, failureResult(row.id, error));
  }
  return rows.map((r) => results.get(r.id)!);
}

/**
 * Waits (bounded) until the recorders applied this chunk's changes, so a list right after the bulk
 * action shows them; one getRows per poll for the whole chunk. A change counts once the row shows
 * the action's effect (another late event of the job is not it).
 */
async function settleChunk(ctx: EngineContext, request: BulkActionRequest, until: string | undefined, before: Map<string, JobRow>, results: ActionResult[], timeoutMs = 5_000): Promise<void> {
  const applied = (row: JobRow | undefined, was: JobRow): boolean => {
    switch (request.action) {
      case 'cancel':
        return row?.base === 'cancelled';
      case 'delete':
        return row === undefined;
      case 'set-priority':
        return row?.priority === request.priority;
      case 'retry':
        return row !== undefined && row.changeSeq !== was.changeSeq && row.base !== was.base;
      // The job's move is recorded before its new runAt is: wait for the runAt.
      case 'delay':
        return row === undefined || row.base !== 'pending' || row.record.runAt === until;
      case 'run-now':
        return row === undefined || row.base !== 'pending' || !row.record.runAt;
      default:
        return row === undefined || row.changeSeq !== was.changeSeq;
    }
  };
  let pending = results.filter((r) => r.outcome === 'ok' && r.message === undefined && before.has(r.id)).map((r) => r.id);
  const deadline = Date.now() + timeoutMs;
  while (pending.length > 0 && Date.now() < deadline) {
    const now = await ctx.store.getRows(pending);
    pending = pending.filter((id) => !applied(now.get(id), before.get(id)!));
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Each done job's record as it is once its chunk settled, so whoever keeps a copy (the desktop's
 * cache) shows the action's effect at once, not a moment later when the event arrives. One read
 * per chunk; a job that changed again meanwhile shows that newer record, which is as true.
 */
async function withRecordsAfter(ctx: EngineContext, results: ActionResult[]): Promise<void> {
  const done = results.filter((r) => r.outcome === 'ok' && r.job !== undefined);
  if (done.length === 0) return;
  const rows = await ctx.store.getRows(done.map((r) => r.id));
  for (const r of done) {
    const row = rows.get(r.id);
    if (row) r.job = ctx.present(row);
  }
}
