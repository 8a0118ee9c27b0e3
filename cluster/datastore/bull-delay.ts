/**
 * Moving a job that waits to run into BullMQ's delayed set, in one atomic step on the datastore.
 * BullMQ has no public call for it (changeDelay reschedules only jobs already delayed, and
 * moveToDelayed needs the lock of a worker running the job); removing and re-adding the job would
 * leave a moment in which it exists nowhere. So the move is one Lua script on Redis and one UPDATE
 * on PostgreSQL, each doing what BullMQ's own changeDelay does to a delayed job: the job leaves
 * the waiting list (or the prioritized set) only if it is still there, joins the delayed set with
 * BullMQ's score, and a `delayed` event announces it. A job that started or left meanwhile is not
 * touched (the answer is false).
 *
 * The job's `delay` is set to runAt − its creation, so BullMQ's own reading (timestamp + delay)
 * names the time it will run.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * KEYS: wait, paused, prioritized, delayed, marker, events, meta, job hash.
 * ARGV: job id, runAt (ms), delay (ms since creation).
 * Returns 0 moved, -1 no such job, -3 not waiting.
 */
const MOVE_TO_DELAYED_LUA = `
local rcall = redis.call
local jobId = ARGV[1]
if rcall("EXISTS", KEYS[8]) == 0 then return -1 end
local removed = rcall("LREM", KEYS[1], 0, jobId)
if removed == 0 then removed = rcall("LREM", KEYS[2], 0, jobId) end
if removed == 0 then removed = rcall("ZREM", KEYS[3], jobId) end
if removed == 0 then return -3 end
local runAt = tonumber(ARGV[2])
local minScore = runAt * 0x1000
local maxScore = (runAt + 1) * 0x1000 - 1
local score = minScore
local last = rcall("ZREVRANGEBYSCORE", KEYS[4], maxScore, minScore, "WITHSCORES", "LIMIT", 0, 1)
if last[2] then
  local current = tonumber(last[2])
  if current >= maxScore then score = maxScore else score = current + 1 end
end
rcall("ZADD", KEYS[4], score, jobId)
rcall("HSET", KEYS[8], "delay", ARGV[3])
local maxEvents = tonumber(rcall("HGET", KEYS[7], "opts.maxLenEvents") or 10000)
rcall("XADD", KEYS[6], "MAXLEN", "~", maxEvents, "*", "event", "delayed", "jobId", jobId, "delay", runAt)
local first = rcall("ZRANGE", KEYS[4], 0, 0, "WITHSCORES")
if first[2] then rcall("ZADD", KEYS[5], math.floor(tonumber(first[2]) / 0x1000), "1") end
return 0
`;

interface RedisBackendLike {
  client: Promise<Redis>;
}

/** Redis: the job waiting (or prioritized) moves to the delayed set until `runAtMs`; false when it was not waiting. */
export async function redisDelayWaiting(queue: Queue, id: string, runAtMs: number, delayMs: number): Promise<boolean> {
  const client = await (queue.backend as unknown as RedisBackendLike).client;
  const k = queue.keys;
  const keys = [k.wait!, k.paused!, k.prioritized!, k.delayed!, k.marker!, k.events!, k.meta!, queue.toKey(id)];
  const answer = await client.eval(MOVE_TO_DELAYED_LUA, keys.length, ...keys, id, String(Math.round(runAtMs)), String(Math.round(delayMs)));
  return answer === 0;
}

/** PostgreSQL: the same move as one statement over BullMQ's job table (`schema` is BullMQ's). */
export function pgDelayWaitingSql(schema: string): string {
  const s = `"${schema}"`;
  return `WITH moved AS (
      UPDATE ${s}.job SET state = 'delayed', delay_ms = $4, process_at_ms = $3
       WHERE queue = $1 AND id = $2 AND state = 'waiting'
      RETURNING id
    )
    SELECT ${s}.publish_event($1, 'delayed', jsonb_build_object('jobId', id, 'delay', $3::bigint)) AS event,
           pg_notify('bullmq_jobs', $1) AS woken
      FROM moved`;
}
