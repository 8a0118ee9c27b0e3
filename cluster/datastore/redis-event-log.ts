/**
 * The Redis store's event log: a stream whose entry ids are our event ids (`N-0`), appended by a
 * Lua script that also does the dedup check, the INCR and the job-index update
 * (redis-scripts.ts); the recorders' stream positions; and wake-ups by pub/sub on
 * `<prefix>:sq:events`.
 */
import { Redis } from 'ioredis';
import { PRIORITIES } from '../../contract/domain.ts';
import type { RedisJobIndex } from './redis-job-index.ts';
import type { RedisSpace, ScriptedPipeline } from './redis-space.ts';
import { clampStoredId, type EventRead, type JobRow, type RecordChange, type RecordResult, SCORE_BAND } from './shared-store.ts';

/** Entries dropped per command when the event log and its dedup keys are trimmed. */
const TRIM_STEP = 1000;

export class RedisEventLog {
  private subscriber: Redis | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly space: RedisSpace,
    private readonly index: RedisJobIndex,
  ) {}

  /** The script arguments of one change and the record JSON among them, or null when there is nothing to record. */
  private changeArgs(change: RecordChange): { args: (string | number)[]; recordJson: string } | null {
    let mode: 'job' | 'removed' | 'other' = 'other';
    let id = '';
    let type = '';
    let rowJson = '';
    let recordJson = '';
    let head: Record<string, unknown>;
    let base = '';
    let rank = 0;
    let finished = '';
    let priority = '';
    let user = '';
    let ready = '';
    if (change.job) {
      const { record, ...rest } = change.job.row;
      mode = 'job';
      id = rest.id;
      type = rest.type;
      rowJson = JSON.stringify(rest);
      recordJson = JSON.stringify(record);
      head = { at: change.at, kind: 'job', change: change.job.change };
      base = rest.base;
      rank = PRIORITIES.indexOf(rest.priority);
      priority = rest.priority;
      user = rest.user;
      ready = rest.ready ? '1' : '';
      finished = rest.finishedAt === null ? '' : String(rest.finishedAt);
    } else if (change.removed) {
      mode = 'removed';
      id = change.removed.id;
      type = change.removed.type;
      rowJson = JSON.stringify({ id, type });
      head = { at: change.at, kind: 'job-removed', jobId: id, type };
    } else if (change.other) {
      head = { ...change.other } as Record<string, unknown>;
    } else {
      return null;
    }
    const headJson = JSON.stringify(head).slice(1, -1);
    const also = change.alsoKeys ?? [];
    if (also.length > 1) throw new Error('redis store: at most one extra dedup key per change');
    const args = [
      this.space.k('ev:counter'), this.space.k('job:counter'), this.space.k('ev:log'), this.space.k('ev:dedup'), this.space.k('cursors'),
      this.space.k('rows'), this.space.k('rec'), this.space.k('meta'), this.space.k('z:change'),
      change.dedupKey, change.src, change.cursor?.queue ?? '', change.cursor?.position ?? '', mode, id, type, rowJson,
      recordJson, headJson, base, rank, finished, this.space.prefix, this.space.k('events'), Date.parse(change.at), SCORE_BAND, priority,
      also[0] ?? '', change.clearCancelIntent ? '1' : '', user, ready,
    ];
    return { args, recordJson };
  }

  async recordChange(change: RecordChange): Promise<RecordResult> {
    const [result] = await this.recordChanges([change], { returnRows: true });
    return result!;
  }

  async recordChanges(changes: RecordChange[], options: { cursor?: { queue: string; position: string }; returnRows?: boolean } = {}): Promise<RecordResult[]> {
    // One pipeline: every script runs atomically and in order, so ids stay gapless and ordered.
    const pipe = this.space.redis.pipeline() as ScriptedPipeline;
    const slots: number[] = [];
    const sent: string[] = [];
    changes.forEach((change, i) => {
      const script = this.changeArgs(change);
      if (!script) return;
      pipe.sqRecordChange(...script.args);
      slots.push(i);
      sent.push(script.recordJson);
    });
    if (options.cursor) pipe.sqAdvanceCursor(this.space.k('cursors'), options.cursor.queue, options.cursor.position);
    const results: RecordResult[] = changes.map(() => ({ eventId: null, row: null }));
    if (slots.length === 0 && !options.cursor) return results;
    const replies = (await pipe.exec())!;
    for (let n = 0; n < slots.length; n++) {
      const [error, reply] = replies[n]!;
      if (error) throw error;
      const [eventId, createdSeq, queueSeq, published, cancel] = reply as [string, string, string, string, string];
      if (eventId === '') continue;
      const change = changes[slots[n]!]!;
      results[slots[n]!] = { eventId, row: null };
      if (!change.job || !options.returnRows) continue;
      const id = change.job.row.id;
      // The record published is ours unless the row kept a newer one: then the row is read back.
      const ours = published === sent[n];
      const row: JobRow = {
        ...change.job.row,
        record: ours ? change.job.row.record : (JSON.parse(published) as JobRow['record']),
        createdSeq: Number(createdSeq),
        queueSeq: Number(queueSeq),
        changeSeq: Number(eventId),
        src: change.src,
        cancelIntent: cancel ? (JSON.parse(cancel) as JobRow['cancelIntent']) : null,
      };
      results[slots[n]!] = { eventId, row: ours ? row : ((await this.index.getRow(id)) ?? row) };
    }
    const last = replies.at(-1);
    if (options.cursor && last?.[0]) throw last[0];
    return results;
  }

  async recordedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const scores = await this.space.redis.zmscore(this.space.k('ev:dedup'), ...keys);
    return new Set(keys.filter((_, i) => scores[i] !== null));
  }

  async hasRecorded(dedupKey: string): Promise<boolean> {
    return (await this.recordedKeys([dedupKey])).has(dedupKey);
  }

  async recorderCursor(queue: string): Promise<string | null> {
    return this.space.redis.hget(this.space.k('cursors'), queue);
  }

  async readEvents(afterId: string, limit: number): Promise<EventRead> {
    const [entries, bounds] = await Promise.all([
      this.space.redis.xrange(this.space.k('ev:log'), `(${clampStoredId(afterId)}-0`, '+', 'COUNT', limit),
      this.bounds(),
    ]);
    return {
      events: entries.map(([entryId, fields]) => ({ id: entryId.split('-')[0]!, event: JSON.parse(fields[1]!) })),
      ...bounds,
    };
  }

  private async bounds(): Promise<{ oldestId: string; lastId: string }> {
    const [first, last] = await this.space.redis
      .multi()
      .xrange(this.space.k('ev:log'), '-', '+', 'COUNT', 1)
      .get(this.space.k('ev:counter'))
      .exec()
      .then((r) => r!.map(([, v]) => v) as [[string, string[]][], string | null]);
    return { oldestId: first[0]?.[0].split('-')[0] ?? '0', lastId: last ?? '0' };
  }

  async lastEventId(): Promise<string> {
    return (await this.space.redis.get(this.space.k('ev:counter'))) ?? '0';
  }

  async trimEvents(keep: { maxEvents: number; maxAgeMs: number }): Promise<number> {
    const last = Number(await this.lastEventId());
    let minKeep = Math.max(0, last - keep.maxEvents) + 1;
    const cutoff = Date.now() - keep.maxAgeMs;
    // Walk the oldest entries in small batches to find the first one young enough.
    let from = '-';
    for (;;) {
      const batch = await this.space.redis.xrange(this.space.k('ev:log'), from, '+', 'COUNT', 500);
      const young = batch.find(([, f]) => Number(f[3]) >= cutoff);
      if (young) {
        minKeep = Math.max(minKeep, Number(young[0].split('-')[0]));
        break;
      }
      if (batch.length < 500) {
        minKeep = Math.max(minKeep, last + 1);
        break;
      }
      from = `(${batch.at(-1)![0]}`;
    }
    // Both in steps of TRIM_STEP entries: one command over a long backlog holds the server.
    let removed = 0;
    for (;;) {
      const oldest = await this.space.redis.xrange(this.space.k('ev:log'), '-', '+', 'COUNT', TRIM_STEP);
      const last = oldest.at(-1);
      const step = last ? Math.min(minKeep, Number(last[0].split('-')[0]) + 1) : minKeep;
      const n = await this.space.redis.xtrim(this.space.k('ev:log'), 'MINID', `${step}-0`);
      removed += n;
      if (step >= minKeep || n === 0) break;
    }
    const dedup = this.space.k('ev:dedup');
    for (;;) {
      const edge = await this.space.redis.zrange(dedup, TRIM_STEP - 1, TRIM_STEP - 1, 'WITHSCORES');
      if (edge.length === 2 && Number(edge[1]) < minKeep) await this.space.redis.zremrangebyrank(dedup, 0, TRIM_STEP - 1);
      else {
        await this.space.redis.zremrangebyscore(dedup, '-inf', `(${minKeep}`); // fewer than TRIM_STEP left to drop
        break;
      }
    }
    return removed;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) {
      const sub = new Redis({ ...this.space.connection });
      sub.on('error', () => undefined);
      sub.on('message', () => {
        for (const l of this.listeners) l();
      });
      void sub.subscribe(this.space.k('events')).catch(() => undefined);
      this.subscriber = sub;
    }
    return () => this.listeners.delete(listener);
  }

  /** Ends the pub/sub connection (the store closes the main one). */
  close(): void {
    this.listeners.clear();
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = null;
    }
  }
}
