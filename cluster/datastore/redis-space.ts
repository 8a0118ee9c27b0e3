/**
 * The Redis store's connection with its Lua scripts (redis-scripts.ts) defined on it, and its key
 * space `<prefix>:sq:` next to BullMQ's `<prefix>:<queue>:…` keys. Every part of the Redis store
 * (job index, event log, records) works through one of these.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ADVANCE_CURSOR, APPEND_AUDIT, PLACES_IN_LINE, RECORD_CHANGE } from './redis-scripts.ts';

export interface ScriptedRedis extends Redis {
  sqRecordChange(...args: (string | number)[]): Promise<[string, string, string, string, string]>;
  sqAppendAudit(...args: (string | number)[]): Promise<string>;
  sqPlacesInLine(...args: string[]): Promise<(number | null)[]>;
}

/** A pipeline of a ScriptedRedis (ioredis types custom commands on the client only). */
export type ScriptedPipeline = ReturnType<Redis['pipeline']> & {
  sqRecordChange(...args: (string | number)[]): unknown;
  sqAdvanceCursor(...args: (string | number)[]): unknown;
  sqPlacesInLine(...args: string[]): unknown;
};

export class RedisSpace {
  constructor(
    readonly redis: ScriptedRedis,
    /** For connections of its own (pub/sub). */
    readonly connection: RedisOptions,
    /** `<prefix>:sq:` */
    readonly prefix: string,
  ) {}

  /** The full name of one of the store's keys. */
  k(name: string): string {
    return this.prefix + name;
  }
}

/** Connects with the store's scripts defined; reconnects on its own (calls fail while down). */
export async function connectRedisSpace(connection: RedisOptions, prefix: string): Promise<RedisSpace> {
  const redis = new Redis({ ...connection, lazyConnect: true }) as ScriptedRedis;
  redis.on('error', () => undefined);
  redis.defineCommand('sqRecordChange', { numberOfKeys: 9, lua: RECORD_CHANGE });
  redis.defineCommand('sqAppendAudit', { numberOfKeys: 2, lua: APPEND_AUDIT });
  redis.defineCommand('sqAdvanceCursor', { numberOfKeys: 1, lua: ADVANCE_CURSOR });
  redis.defineCommand('sqPlacesInLine', { numberOfKeys: 0, lua: PLACES_IN_LINE });
  await redis.connect();
  return new RedisSpace(redis, connection, `${prefix}:sq:`);
}
