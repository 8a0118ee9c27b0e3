/**
 * AlertStore on Redis, under `<prefix>:sq:al:` next to the SharedStore's keys, on a connection of
 * its own. Rules, channels, silences and users are hashes (with a creation order where lists show
 * one); the evaluation state and the alert history change together in one Lua script that checks
 * the state's version first; the delivery log is a hash of records with sorted sets by id, per
 * channel and per alert.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { AlertDelivery, AlertDeliveryInput } from '../../contract/alert-deliveries.ts';
import type { StoredAlertChannel } from '../../contract/alert-channels.ts';
import { DEFAULT_CLUSTER_ALERT_RULES, type Alert, type AlertSilence, type ClusterAlertRule } from '../../contract/alerts.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';
import type { StoredUserContact } from '../../contract/user-directory.ts';
import {
  EMPTY_ALERT_STATE,
  type AlertHistoryPage,
  type AlertHistoryWrite,
  type AlertListQuery,
  type AlertState,
  type AlertStore,
  type DeliveryListQuery,
  type VersionedAlertState,
} from '../alerts/alert-store.ts';
import { clampStoredId } from './shared-store.ts';

/**
 * KEYS: 1 state hash {version, body}, 2 history hash id → JSON, 3 history seq hash id → seq,
 *       4 history counter, 5 all-alerts zset, 6 resolved-at zset
 * ARGV: 1 expected version, 2 state JSON, 3 zset key prefix per state, 4 n upserts, then per upsert
 *       (id, state, JSON, resolvedAt ms or ''), then the ids to drop (pending only)
 * Returns the new version, or -1 when the version moved.
 */
const WRITE_STATE = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'version', current + 1, 'body', ARGV[2])
local states = {'pending', 'firing', 'resolved'}
local p = ARGV[3]
local n = tonumber(ARGV[4])
local i = 5
for _ = 1, n do
  local id, state, body, resolved = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  local seq = redis.call('HGET', KEYS[3], id)
  if not seq then
    seq = redis.call('INCR', KEYS[4])
    redis.call('HSET', KEYS[3], id, seq)
  end
  redis.call('HSET', KEYS[2], id, body)
  for _, s in ipairs(states) do redis.call('ZREM', p .. s, id) end
  redis.call('ZADD', p .. state, seq, id)
  redis.call('ZADD', KEYS[5], seq, id)
  if resolved ~= '' then redis.call('ZADD', KEYS[6], resolved, id) end
end
while i <= #ARGV do
  local id = ARGV[i]
  i = i + 1
  if redis.call('ZSCORE', p .. 'pending', id) then
    redis.call('ZREM', p .. 'pending', id)
    redis.call('ZREM', KEYS[5], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return current + 1
`;

/** KEYS: 1 order zset, 2 order counter, 3 hash; ARGV: 1 id, 2 JSON. Keeps the first position of an id. */
const PUT_ORDERED = `
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), ARGV[1]) end
return 1
`;

interface ScriptedRedis extends Redis {
  alWriteState(...args: (string | number)[]): Promise<number>;
  alPutOrdered(...args: (string | number)[]): Promise<number>;
}

/** Records dropped per step when the delivery log or the history is trimmed. */
const TRIM_STEP = 500;

export async function openRedisAlertStore(options: { connection: RedisOptions; prefix: string }): Promise<AlertStore> {
  const redis = new Redis({ ...options.connection, lazyConnect: true }) as ScriptedRedis;
  redis.on('error', () => undefined); // reconnects on its own; calls fail while down
  redis.defineCommand('alWriteState', { numberOfKeys: 6, lua: WRITE_STATE });
  redis.defineCommand('alPutOrdered', { numberOfKeys: 3, lua: PUT_ORDERED });
  await redis.connect();
  const p = `${options.prefix}:sq:al:`;
  try {
    // Seeded once per cluster: a default rule an admin deleted stays deleted.
    if ((await redis.set(`${p}rules-seeded`, '1', 'NX')) === 'OK') {
      for (const rule of DEFAULT_CLUSTER_ALERT_RULES) await redis.alPutOrdered(`${p}rules:order`, `${p}rules:counter`, `${p}rules`, rule.id, JSON.stringify(rule));
    }
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return new RedisAlertStore(redis, p);
}

const parse = <T>(json: string | null | undefined): T | null => (json === null || json === undefined ? null : (JSON.parse(json) as T));

class RedisAlertStore implements AlertStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly p: string,
  ) {}

  private k(name: string): string {
    return this.p + name;
  }

  async getThresholds(): Promise<Thresholds> {
    return parse<Thresholds>(await this.redis.get(this.k('thresholds'))) ?? DEFAULT_THRESHOLDS;
  }

  async putThresholds(thresholds: Thresholds): Promise<void> {
    await this.redis.set(this.k('thresholds'), JSON.stringify(thresholds));
  }

  listRules(): Promise<ClusterAlertRule[]> {
    return this.listOrdered<ClusterAlertRule>('rules');
  }

  async getRule(id: string): Promise<ClusterAlertRule | null> {
    return parse(await this.redis.hget(this.k('rules'), id));
  }

  async putRule(rule: ClusterAlertRule): Promise<void> {
    await this.putOrdered('rules', rule.id, rule);
  }

  deleteRule(id: string): Promise<boolean> {
    return this.deleteOrdered('rules', id);
  }

  listChannels(): Promise<StoredAlertChannel[]> {
    return this.listOrdered<StoredAlertChannel>('channels');
  }

  async getChannel(id: string): Promise<StoredAlertChannel | null> {
    return parse(await this.redis.hget(this.k('channels'), id));
  }

  async putChannel(channel: StoredAlertChannel): Promise<void> {
    await this.putOrdered('channels', channel.id, channel);
  }

  deleteChannel(id: string): Promise<boolean> {
    return this.deleteOrdered('channels', id);
  }

  async readState(): Promise<VersionedAlertState> {
    const [version, body] = await this.redis.hmget(this.k('state'), 'version', 'body');
    return { state: parse<AlertState>(body) ?? EMPTY_ALERT_STATE, version: Number(version ?? 0) };
  }

  async writeState(version: number, state: AlertState, history: AlertHistoryWrite): Promise<number | null> {
    const upserts = history.upsert.flatMap((a) => [a.id, a.state, JSON.stringify(a), a.resolvedAt === undefined ? '' : String(Date.parse(a.resolvedAt))]);
    const next = await this.redis.alWriteState(
      this.k('state'),
      this.k('alerts'),
      this.k('alerts:seq'),
      this.k('alerts:counter'),
      this.k('alerts:z:all'),
      this.k('alerts:resolved-at'),
      version,
      JSON.stringify(state),
      this.k('alerts:z:'),
      history.upsert.length,
      ...upserts,
      ...history.drop,
    );
    return next < 0 ? null : next;
  }

  async listAlerts(query: AlertListQuery): Promise<AlertHistoryPage> {
    const set = this.k(`alerts:z:${query.state === 'all' ? 'all' : query.state}`);
    const max = query.cursor === undefined ? '+inf' : `(${clampStoredId(query.cursor)}`;
    const scored = await this.redis.zrevrangebyscore(set, max, '-inf', 'WITHSCORES', 'LIMIT', 0, query.limit + 1);
    const ids = scored.filter((_, i) => i % 2 === 0);
    const page = ids.slice(0, query.limit);
    const bodies = page.length === 0 ? [] : await this.redis.hmget(this.k('alerts'), ...page);
    const items = bodies.map((b) => parse<Alert>(b)).filter((a): a is Alert => a !== null);
    return { items, nextCursor: ids.length > query.limit ? scored[(query.limit - 1) * 2 + 1]! : null };
  }

  async getAlert(id: string): Promise<Alert | null> {
    return parse(await this.redis.hget(this.k('alerts'), id));
  }

  async trimAlerts(before: number): Promise<number> {
    let dropped = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.k('alerts:resolved-at'), '-inf', `(${before}`, 'LIMIT', 0, TRIM_STEP);
      if (ids.length === 0) return dropped;
      await this.redis
        .multi()
        .zrem(this.k('alerts:resolved-at'), ...ids)
        .zrem(this.k('alerts:z:resolved'), ...ids)
        .zrem(this.k('alerts:z:all'), ...ids)
        .hdel(this.k('alerts'), ...ids)
        .hdel(this.k('alerts:seq'), ...ids)
        .exec();
      dropped += ids.length;
    }
  }

  async listSilences(): Promise<AlertSilence[]> {
    return this.listOrdered<AlertSilence>('silences');
  }

  async putSilence(silence: AlertSilence): Promise<void> {
    await this.putOrdered('silences', silence.id, silence);
  }

  deleteSilence(id: string): Promise<boolean> {
    return this.deleteOrdered('silences', id);
  }

  async trimSilences(before: number): Promise<number> {
    const ended = (await this.listSilences()).filter((s) => Date.parse(s.until) < before);
    for (const s of ended) await this.deleteOrdered('silences', s.id);
    return ended.length;
  }

  async appendDelivery(record: AlertDeliveryInput): Promise<AlertDelivery> {
    const id = String(await this.redis.incr(this.k('deliveries:counter')));
    const pipe = this.redis.multi().hset(this.k('deliveries'), id, JSON.stringify(record)).zadd(this.k('deliveries:z:all'), id, id).zadd(this.k('deliveries:at'), Date.parse(record.at), id);
    if (record.channelId !== undefined) pipe.zadd(this.k(`deliveries:z:ch:${record.channelId}`), id, id);
    for (const alertId of new Set(record.alertIds)) pipe.zadd(this.k(`deliveries:z:al:${alertId}`), id, id);
    await pipe.exec();
    return { ...record, id };
  }

  async listDeliveries(query: DeliveryListQuery): Promise<{ items: AlertDelivery[]; nextCursor: string | null }> {
    const set =
      query.channelId !== undefined
        ? this.k(`deliveries:z:ch:${query.channelId}`)
        : query.alertId !== undefined
          ? this.k(`deliveries:z:al:${query.alertId}`)
          : this.k('deliveries:z:all');
    // Both filters: walk one index and check the other on each record.
    const items: AlertDelivery[] = [];
    let max = query.cursor === undefined ? '+inf' : `(${clampStoredId(query.cursor)}`;
    for (;;) {
      const ids = await this.redis.zrevrangebyscore(set, max, '-inf', 'LIMIT', 0, query.limit + 1);
      if (ids.length === 0) return { items, nextCursor: null };
      const bodies = await this.redis.hmget(this.k('deliveries'), ...ids);
      for (let i = 0; i < ids.length; i++) {
        const record = parse<AlertDeliveryInput>(bodies[i]);
        if (record === null) continue;
        if (query.alertId !== undefined && !record.alertIds.includes(query.alertId)) continue;
        if (items.length === query.limit) return { items, nextCursor: items.at(-1)!.id };
        items.push({ ...record, id: ids[i]! });
      }
      if (ids.length <= query.limit) return { items, nextCursor: null };
      max = `(${ids.at(-1)!}`;
    }
  }

  async trimDeliveries(before: number): Promise<number> {
    let dropped = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.k('deliveries:at'), '-inf', `(${before}`, 'LIMIT', 0, TRIM_STEP);
      if (ids.length === 0) return dropped;
      const bodies = await this.redis.hmget(this.k('deliveries'), ...ids);
      const pipe = this.redis.multi().zrem(this.k('deliveries:at'), ...ids).zrem(this.k('deliveries:z:all'), ...ids).hdel(this.k('deliveries'), ...ids);
      ids.forEach((id, i) => {
        const record = parse<AlertDeliveryInput>(bodies[i]);
        if (record?.channelId !== undefined) pipe.zrem(this.k(`deliveries:z:ch:${record.channelId}`), id);
        for (const alertId of record?.alertIds ?? []) pipe.zrem(this.k(`deliveries:z:al:${alertId}`), id);
      });
      await pipe.exec();
      dropped += ids.length;
    }
  }

  async listUsers(): Promise<StoredUserContact[]> {
    const all = await this.redis.hgetall(this.k('users'));
    return Object.keys(all)
      .sort()
      .map((user) => JSON.parse(all[user]!) as StoredUserContact);
  }

  async getUser(user: string): Promise<StoredUserContact | null> {
    return parse(await this.redis.hget(this.k('users'), user));
  }

  async putUser(entry: StoredUserContact): Promise<void> {
    await this.redis.hset(this.k('users'), entry.user, JSON.stringify(entry));
  }

  async deleteUser(user: string): Promise<boolean> {
    return (await this.redis.hdel(this.k('users'), user)) > 0;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async listOrdered<T>(name: string): Promise<T[]> {
    const ids = await this.redis.zrange(this.k(`${name}:order`), 0, -1);
    if (ids.length === 0) return [];
    const bodies = await this.redis.hmget(this.k(name), ...ids);
    return bodies.map((b) => parse<T>(b)).filter((v): v is NonNullable<typeof v> => v !== null) as T[];
  }

  private async putOrdered(name: string, id: string, value: unknown): Promise<void> {
    await this.redis.alPutOrdered(this.k(`${name}:order`), this.k(`${name}:counter`), this.k(name), id, JSON.stringify(value));
  }

  private async deleteOrdered(name: string, id: string): Promise<boolean> {
    const [[, removed]] = (await this.redis.multi().hdel(this.k(name), id).zrem(this.k(`${name}:order`), id).exec()) as [[unknown, number], [unknown, number]];
    return removed > 0;
  }
}
