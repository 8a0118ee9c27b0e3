/** The Redis store's resource samples: one sorted set under `samples`, scored by the sample's time. */
import type { ResourceSample } from '../../contract/metrics.ts';
import type { RedisSpace } from './redis-space.ts';

/** Samples read per call. */
const READ_BATCH = 1000;

export class RedisSamples {
  constructor(private readonly space: RedisSpace) {}

  async appendSamples(samples: ResourceSample[]): Promise<void> {
    if (samples.length === 0) return;
    const args = samples.flatMap((s) => [Date.parse(s.at), JSON.stringify(s)]);
    await this.space.redis.zadd(this.space.k('samples'), ...args);
  }

  async readSamples(since: number, nodeId: string | undefined, limit: number): Promise<ResourceSample[]> {
    const out: ResourceSample[] = [];
    let from = String(since);
    while (out.length < limit) {
      const batch = await this.space.redis.zrangebyscore(this.space.k('samples'), from, '+inf', 'WITHSCORES', 'LIMIT', 0, READ_BATCH);
      if (batch.length === 0) break;
      for (let i = 0; i < batch.length; i += 2) {
        const s = JSON.parse(batch[i]!) as ResourceSample;
        if (!nodeId || s.nodeId === nodeId) out.push(s);
      }
      if (batch.length < 2 * READ_BATCH) break;
      from = `(${batch.at(-1)}`;
    }
    return out.slice(0, limit);
  }

  async trimSamples(before: number): Promise<number> {
    return this.space.redis.zremrangebyscore(this.space.k('samples'), '-inf', `(${before}`);
  }
}
