/**
 * SharedStore on Redis, under `<prefix>:sq:` next to BullMQ's `<prefix>:<queue>:…` keys, in parts
 * by what they store:
 * - event log, recorder positions and wake-ups: redis-event-log.ts (one Lua script appends an
 *   event and updates the job index with it, redis-scripts.ts);
 * - job index (rows and the sorted sets lists walk): redis-job-index.ts;
 * - audit log, settings, resource samples: redis-audit-log.ts, redis-settings.ts,
 *   redis-samples.ts; idempotency keys: idempotency-keys.ts.
 */
import type { RedisOptions } from 'ioredis';
import { claimRedisKey, putRedisKey } from './idempotency-keys.ts';
import { RedisAuditLog } from './redis-audit-log.ts';
import { RedisEventLog } from './redis-event-log.ts';
import { RedisJobIndex } from './redis-job-index.ts';
import { RedisSamples } from './redis-samples.ts';
import { RedisSettings } from './redis-settings.ts';
import { connectRedisSpace } from './redis-space.ts';
import { PRIORITIES } from '../../contract/domain.ts';
import { type LineCounts, SCORE_BAND, type SharedStore } from './shared-store.ts';

/** Opens the store on its own connection (plus one for pub/sub when someone subscribes). */
export async function openRedisStore(options: { connection: RedisOptions; prefix: string }): Promise<SharedStore> {
  const space = await connectRedisSpace(options.connection, options.prefix);
  const { redis } = space;
  const index = new RedisJobIndex(space);
  await index.upgradeLayout();
  const log = new RedisEventLog(space, index);
  const audit = new RedisAuditLog(space);
  const settings = new RedisSettings(space);
  const samples = new RedisSamples(space);
  return {
    kind: 'redis',
    recordChange: (change) => log.recordChange(change),
    recordChanges: (changes, opts) => log.recordChanges(changes, opts),
    recordedKeys: (keys) => log.recordedKeys(keys),
    hasRecorded: (key) => log.hasRecorded(key),
    recorderCursor: (queue) => log.recorderCursor(queue),
    readEvents: (afterId, limit) => log.readEvents(afterId, limit),
    lastEventId: () => log.lastEventId(),
    trimEvents: (keep) => log.trimEvents(keep),
    subscribe: (listener) => log.subscribe(listener),

    getRow: (id) => index.getRow(id),
    getRows: (ids) => index.getRows(ids),
    setCancelIntents: (ids, intent) => index.setCancelIntents(ids, intent),
    listRows: (query) => index.listRows(query),
    positions: (rows) => index.positions(rows),
    counts: (stuckBefore) => index.counts(stuckBefore),
    async lineCounts(type) {
      // A priority's jobs in line are one score range of the queue's pending set (sortScore).
      const pipe = redis.pipeline();
      PRIORITIES.forEach((_, rank) => pipe.zcount(space.k(`z:pending:${type}`), rank * SCORE_BAND, `(${(rank + 1) * SCORE_BAND}`));
      pipe.zcard(space.k(`z:tb:${type}:active`));
      const n = (await pipe.exec())!.map(([error, value]) => {
        if (error) throw error;
        return Number(value);
      });
      return { ready: Object.fromEntries(PRIORITIES.map((p, i) => [p, n[i]!])) as LineCounts['ready'], active: n[PRIORITIES.length]! };
    },
    finishedSince: (since, maxRows) => index.finishedSince(since, maxRows),
    history: (afterSeq, limit) => index.history(afterSeq, limit),
    trimTombstones: (beforeSeq) => index.trimTombstones(beforeSeq),
    unfinished: (afterCreatedSeq, limit) => index.unfinished(afterCreatedSeq, limit),

    appendAudit: (record) => audit.appendAudit(record),
    listAudit: (beforeId, limit) => audit.listAudit(beforeId, limit),
    getSetting: <T>(key: string) => settings.getSetting<T>(key),
    putSetting: (key, value) => settings.putSetting(key, value),
    deleteSetting: (key) => settings.deleteSetting(key),
    listSettings: <T>(prefix: string) => settings.listSettings<T>(prefix),
    appendSamples: (list) => samples.appendSamples(list),
    readSamples: (since, nodeId, limit) => samples.readSamples(since, nodeId, limit),
    trimSamples: (before) => samples.trimSamples(before),
    claimIdempotencyKey: (key, entry, ttlMs) => claimRedisKey(redis, space.k(`idem:${key}`), entry, ttlMs),
    putIdempotencyKey: (key, entry, ttlMs) => putRedisKey(redis, space.k(`idem:${key}`), entry, ttlMs),
    trimIdempotencyKeys: async () => 0, // Redis expires them itself

    async ping() {
      // While reconnecting a PING would wait in the offline queue: say at once that it is down.
      if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
      const started = performance.now();
      await redis.ping();
      return performance.now() - started;
    },
    async close() {
      log.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
