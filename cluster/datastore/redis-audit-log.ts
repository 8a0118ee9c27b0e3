/** The Redis store's audit log: a stream under `audit`, ids from `audit:counter` (one Lua script). */
import type { AuditRecord } from '../../contract/api.ts';
import type { RedisSpace } from './redis-space.ts';
import { clampStoredId } from './shared-store.ts';

export class RedisAuditLog {
  constructor(private readonly space: RedisSpace) {}

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const id = await this.space.redis.sqAppendAudit(this.space.k('audit:counter'), this.space.k('audit'), JSON.stringify(record));
    return { ...record, id };
  }

  /** Newest first, before an id. */
  async listAudit(beforeId: string | undefined, limit: number): Promise<AuditRecord[]> {
    const end = beforeId ? `(${clampStoredId(beforeId)}-0` : '+';
    const entries = await this.space.redis.xrevrange(this.space.k('audit'), end, '-', 'COUNT', limit);
    return entries.map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as Omit<AuditRecord, 'id'>), id: id.split('-')[0]! }));
  }
}
