/**
 * Lua scripts of the Redis SharedStore. Each runs atomically, which is what makes event ids
 * gapless and ordered: INCR of the counter and XADD of the event happen in one step, together with
 * the dedup check and the job-index update.
 *
 * Scores are written with string.format('%.0f') — Lua's tostring keeps only 14 digits.
 */

/**
 * recordChange.
 * KEYS: 1 event counter, 2 job counter, 3 event stream, 4 dedup zset, 5 recorder cursors hash,
 *       6 rows hash, 7 records hash, 8 meta hash, 9 change zset
 * ARGV: 1 dedupKey, 2 src, 3 cursor queue ('' = none), 4 cursor position, 5 mode (job|removed|other),
 *       6 job id, 7 type, 8 row JSON (without record), 9 record JSON, 10 event head JSON fields,
 *       11 base, 12 priority rank, 13 finishedAt ('' = none), 14 key prefix for index sets,
 *       15 pub/sub channel, 16 event time ms, 17 score band, 18 priority, 19 another dedup key of the
 *       same change ('' = none), 20 '1' = clear the job's cancel intent, 21 user,
 *       22 '1' = in line to run (JobRowInput.ready)
 * Returns { eventId or '', createdSeq, queueSeq, published record JSON, the job's cancel intent JSON or '' }.
 */
export const RECORD_CHANGE = `
local function fmt(n) return string.format('%.0f', n) end
if ARGV[3] ~= '' then
  local cur = redis.call('HGET', KEYS[5], ARGV[3])
  if (not cur) or cur < ARGV[4] then redis.call('HSET', KEYS[5], ARGV[3], ARGV[4]) end
end
local seen = redis.call('ZSCORE', KEYS[4], ARGV[1])
if (not seen) and ARGV[19] ~= '' then seen = redis.call('ZSCORE', KEYS[4], ARGV[19]) end
if seen then return {'', '', '', '', ''} end
local mode = ARGV[5]
local id = ARGV[6]
local p = ARGV[14]
local band = tonumber(ARGV[17])
local eventId = redis.call('INCR', KEYS[1])
local body
local createdSeq, queueSeq = '', ''
local published = ''

local function unindex(oid, otype, obase, ouser)
  redis.call('ZREM', p .. 'z:created', oid)
  if ouser then redis.call('ZREM', p .. 'z:u:' .. ouser, oid) end
  redis.call('ZREM', p .. 'z:tb:' .. otype .. ':' .. obase, oid)
  redis.call('ZREM', p .. 'z:pending', oid)
  redis.call('ZREM', p .. 'z:pending:' .. otype, oid)
  redis.call('ZREM', p .. 'z:finished', oid)
  redis.call('ZREM', p .. 'z:priority', oid)
end

local oldMeta = nil
local old = nil
if mode ~= 'other' then
  local m = redis.call('HGET', KEYS[8], id)
  if m then
    local cs, qs, removed, src = string.match(m, '^(%d+)|(%d+)|(%d)|(.*)$')
    oldMeta = { createdSeq = tonumber(cs), queueSeq = tonumber(qs), removed = removed == '1', src = src }
    old = cjson.decode(redis.call('HGET', KEYS[6], id))
  end
end

if mode == 'job' then
  if oldMeta and (not oldMeta.removed) and oldMeta.src > ARGV[2] then
    published = redis.call('HGET', KEYS[7], id)
    createdSeq = fmt(oldMeta.createdSeq)
    queueSeq = fmt(oldMeta.queueSeq)
  else
    local revived = (oldMeta == nil) or oldMeta.removed
    local cs
    if revived then cs = redis.call('INCR', KEYS[2]) else cs = oldMeta.createdSeq end
    local qs
    local ready = ARGV[22] == '1'
    -- Rows written before the ready flag existed were all counted in line.
    local wasReady = (not revived) and old.ready ~= false
    local entering = ARGV[11] == 'pending' and (revived or old.base ~= 'pending' or old.priority ~= ARGV[18] or (ready and not wasReady))
    if revived then
      qs = cs
    elseif entering then
      qs = redis.call('INCR', KEYS[2])
    else
      qs = oldMeta.queueSeq
    end
    if oldMeta and not oldMeta.removed then unindex(id, old.type, old.base, old.user) end
    local rank = tonumber(ARGV[12])
    redis.call('ZADD', p .. 'z:created', fmt(cs), id)
    redis.call('ZADD', p .. 'z:u:' .. ARGV[21], fmt(cs), id)
    redis.call('ZADD', p .. 'z:tb:' .. ARGV[7] .. ':' .. ARGV[11], fmt(cs), id)
    redis.call('ZADD', p .. 'z:priority', fmt(rank * band + cs), id)
    if ARGV[11] == 'pending' then
      -- Jobs out of line (OUT_OF_LINE_RANK bands on) rank after all in line: zrank counts only those.
      local line = rank
      if not ready then line = rank + 4 end
      redis.call('ZADD', p .. 'z:pending', fmt(line * band + qs), id)
      redis.call('ZADD', p .. 'z:pending:' .. ARGV[7], fmt(line * band + qs), id)
    end
    if ARGV[13] ~= '' then redis.call('ZADD', p .. 'z:finished', ARGV[13], id) end
    redis.call('HSET', KEYS[6], id, ARGV[8])
    redis.call('HSET', KEYS[7], id, ARGV[9])
    redis.call('HSET', KEYS[8], id, fmt(cs) .. '|' .. fmt(qs) .. '|0|' .. ARGV[2])
    if ARGV[20] == '1' then redis.call('HDEL', p .. 'cancel', id) end
    published = ARGV[9]
    createdSeq = fmt(cs)
    queueSeq = fmt(qs)
  end
  redis.call('ZADD', KEYS[9], eventId, id)
  body = '{"id":"' .. eventId .. '",' .. ARGV[10] .. ',"job":' .. published .. '}'
elseif mode == 'removed' then
  if oldMeta then
    if not oldMeta.removed then unindex(id, old.type, old.base, old.user) end
    local src = oldMeta.src
    if ARGV[2] > src then src = ARGV[2] end
    redis.call('HSET', KEYS[8], id, fmt(oldMeta.createdSeq) .. '|' .. fmt(oldMeta.queueSeq) .. '|1|' .. src)
  else
    redis.call('HSET', KEYS[6], id, ARGV[8])
    redis.call('HSET', KEYS[8], id, '0|0|1|' .. ARGV[2])
  end
  redis.call('ZADD', KEYS[9], eventId, id)
  body = '{"id":"' .. eventId .. '",' .. ARGV[10] .. '}'
else
  body = '{"id":"' .. eventId .. '",' .. ARGV[10] .. '}'
end
redis.call('ZADD', KEYS[4], eventId, ARGV[1])
if ARGV[19] ~= '' then redis.call('ZADD', KEYS[4], eventId, ARGV[19]) end
redis.call('XADD', KEYS[3], eventId .. '-0', 'b', body, 't', ARGV[16])
redis.call('PUBLISH', ARGV[15], eventId)
local cancel = ''
if mode == 'job' then cancel = redis.call('HGET', p .. 'cancel', id) or '' end
return {tostring(eventId), createdSeq, queueSeq, published, cancel}
`;

/** Moves a recorder cursor forward (never back). KEYS: 1 cursors hash. ARGV: 1 queue, 2 position. */
export const ADVANCE_CURSOR = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (not cur) or cur < ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`;

/**
 * placesInLine: the rank of each job in a pending set, in one call (a pipelined ZRANK per job costs
 * a command, a reply and a promise each on both ends; a page of 50 paid for that 50 times).
 * ARGV: pairs of set key and job id. Returns per pair the 1-based rank, or nil when not in the set.
 */
export const PLACES_IN_LINE = `
local out = {}
for i = 1, #ARGV, 2 do
  local rank = redis.call('ZRANK', ARGV[i], ARGV[i + 1])
  if rank then out[(i + 1) / 2] = rank + 1 else out[(i + 1) / 2] = false end
end
return out
`;

/** appendAudit. KEYS: 1 counter, 2 stream. ARGV: 1 body JSON. Returns the id. */
export const APPEND_AUDIT = `
local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], id .. '-0', 'b', ARGV[1])
return tostring(id)
`;
