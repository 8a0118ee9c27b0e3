/** The cluster's audit log, a page at a time (newest first; the cursor is the last id seen). */
import type { AuditRecord } from '../../contract/api.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import { EngineError } from './job-engine.ts';

const MAX_AUDIT_PAGE = 500;

export async function auditPage(store: SharedStore, cursor: string | undefined, limit: number): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
  if (cursor !== undefined && !/^\d{1,20}$/.test(cursor)) throw new EngineError('bad_request', 'cursor: not an audit cursor from this cluster; start again without it');
  const n = Math.max(1, Math.min(limit, MAX_AUDIT_PAGE));
  // One more than asked tells whether there is a next page.
  const items = await store.listAudit(cursor, n + 1);
  return { items: items.slice(0, n), nextCursor: items.length > n ? items[n - 1]!.id : null };
}
