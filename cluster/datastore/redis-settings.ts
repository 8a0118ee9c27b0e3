/** The Redis store's settings: JSON values in one hash under `settings`, listed by key prefix. */
import type { RedisSpace } from './redis-space.ts';

export class RedisSettings {
  constructor(private readonly space: RedisSpace) {}

  async getSetting<T>(key: string): Promise<T | null> {
    const v = await this.space.redis.hget(this.space.k('settings'), key);
    return v === null ? null : (JSON.parse(v) as T);
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    await this.space.redis.hset(this.space.k('settings'), key, JSON.stringify(value));
  }

  async deleteSetting(key: string): Promise<boolean> {
    return (await this.space.redis.hdel(this.space.k('settings'), key)) > 0;
  }

  async listSettings<T>(prefix: string): Promise<{ key: string; value: T }[]> {
    const all = await this.space.redis.hgetall(this.space.k('settings'));
    return Object.entries(all)
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value: JSON.parse(value) as T }));
  }
}
