/**
 * Real-world style scripts (written for this project): job queues moving jobs between lists
 * and sorted sets with cmsgpack-packed options, redlock-style locks, rate limiters, ARGV
 * unpacking. Timestamps come in ARGV so both servers see the same values.
 */
import { diffSuite, diffTest } from '../helpers/differential.js';

const ADD_JOB = `
local id = redis.call('INCR', KEYS[1] .. ':id')
local opts = cmsgpack.pack({delay = tonumber(ARGV[3]), attempts = tonumber(ARGV[4]), name = ARGV[2]})
redis.call('HSET', KEYS[1] .. ':' .. id, 'data', ARGV[1], 'opts', opts, 'ts', ARGV[5])
if tonumber(ARGV[3]) > 0 then
  redis.call('ZADD', KEYS[3], tonumber(ARGV[5]) + tonumber(ARGV[3]), id)
else
  redis.call('LPUSH', KEYS[2], id)
end
return id`;

const PROMOTE_DELAYED = `
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('LPUSH', KEYS[2], id)
end
return #due`;

const MOVE_TO_ACTIVE = `
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then return nil end
local prefix = ARGV[1]
local opts = cmsgpack.unpack(redis.call('HGET', prefix .. id, 'opts'))
redis.call('HSET', prefix .. id, 'processedOn', ARGV[2])
return {id, redis.call('HGET', prefix .. id, 'data'), opts.name, opts.attempts, opts.delay}`;

const COMPLETE = `
local removed = redis.call('LREM', KEYS[1], -1, ARGV[1])
if removed == 0 then return redis.error_reply('Missing job ' .. ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', ARGV[3] .. ARGV[1], 'finishedOn', ARGV[2], 'returnvalue', cjson.encode({ok = true, n = tonumber(ARGV[1])}))
return redis.call('ZCARD', KEYS[2])`;

const LOCK = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])";
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
const EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

const SLIDING_WINDOW = `
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}`;

const TOKEN_BUCKET = `
local capacity, rate, now, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) / 1000 * rate)
local allowed = tokens >= want
if allowed then tokens = tokens - want end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
return {allowed and 1 or 0, tostring(tokens)}`;

const UNPACK_ARGV = `
redis.call('RPUSH', KEYS[1], unpack(ARGV))
redis.call('SADD', KEYS[2], unpack(ARGV, 2))
return {redis.call('LLEN', KEYS[1]), redis.call('SCARD', KEYS[2]), select('#', unpack(ARGV))}`;

const FIXED_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n > tonumber(ARGV[2]) and redis.status_reply('LIMITED') or n`;

diffSuite('scripting corpus', (env) => {
  diffTest(env, 'job queue: add, delay, promote, activate, complete', async (b) => {
    const keys = ['q', 'q:wait', 'q:delayed'];
    await b.do('EVAL', ADD_JOB, 3, ...keys, '{"x":1}', 'email', 0, 3, 1700000000000);
    await b.do('EVAL', ADD_JOB, 3, ...keys, '{"x":2}', 'sms', 5000, 1, 1700000000000);
    await b.do('EVAL', ADD_JOB, 3, ...keys, 'raw\u00ffbytes', 'push', 0, 5, 1700000000001);
    await b.do('EVAL', PROMOTE_DELAYED, 2, 'q:delayed', 'q:wait', 1700000001000);
    await b.do('EVAL', PROMOTE_DELAYED, 2, 'q:delayed', 'q:wait', 1700000005000);
    for (let i = 0; i < 4; i++) await b.do('EVAL', MOVE_TO_ACTIVE, 2, 'q:wait', 'q:active', 'q:', 1700000006000 + i);
    await b.do('EVAL', COMPLETE, 2, 'q:active', 'q:completed', 2, 1700000007000, 'q:');
    await b.do('EVAL', COMPLETE, 2, 'q:active', 'q:completed', 99, 1700000007000, 'q:');
    await b.do('HGETALL', 'q:2');
    await b.do('LRANGE', 'q:active', 0, -1);
    await b.do('DEL', 'q:id', 'q:1', 'q:2', 'q:3', 'q:wait', 'q:delayed', 'q:active', 'q:completed');
  });

  diffTest(env, 'redlock-style lock, extend, unlock', async (b) => {
    const sha = (await b.do('SCRIPT', 'LOAD', UNLOCK)).split('\r\n')[1]!;
    await b.do('EVAL', LOCK, 1, 'lock:res', 'token-a', 30000);
    await b.do('EVAL', LOCK, 1, 'lock:res', 'token-b', 30000);
    await b.do('EVAL', EXTEND, 1, 'lock:res', 'token-b', 60000);
    await b.do('EVAL', EXTEND, 1, 'lock:res', 'token-a', 60000);
    await b.doApprox(50, 'PTTL', 'lock:res');
    await b.do('EVALSHA', sha, 1, 'lock:res', 'token-b');
    await b.do('EVALSHA', sha, 1, 'lock:res', 'token-a');
    await b.do('EXISTS', 'lock:res');
  });

  diffTest(env, 'rate limiters: sliding window, token bucket, fixed window', async (b) => {
    for (let i = 0; i < 5; i++) await b.do('EVAL', SLIDING_WINDOW, 1, 'rl:sw', 1700000000000 + i * 100, 1000, 3, `req${i}`);
    await b.do('EVAL', SLIDING_WINDOW, 1, 'rl:sw', 1700000001500, 1000, 3, 'late');
    for (let i = 0; i < 4; i++) await b.do('EVAL', TOKEN_BUCKET, 1, 'rl:tb', 5, 2, 1700000000000 + i * 250, 2);
    for (let i = 0; i < 4; i++) await b.do('EVAL', FIXED_WINDOW, 1, 'rl:fw', 60, 2);
    await b.do('DEL', 'rl:sw', 'rl:tb', 'rl:fw');
  });

  diffTest(env, 'unpack of ARGV, cmsgpack options and cjson replies', async (b) => {
    await b.do('EVAL', UNPACK_ARGV, 2, 'u:list', 'u:set', 'a', 'b', 'c', 'b');
    await b.do('EVAL', "local o = cmsgpack.unpack(ARGV[1]) return {o[1], o[2], o[3]}", 0, Buffer.from([0x93, 0x01, 0xa1, 0x78, 0xc3]).toString('latin1'));
    await b.do('EVAL', "return cmsgpack.pack({attempts = 3, backoff = {type = 'exponential', delay = 1000}})", 0);
    await b.do('EVAL', "local t = cjson.decode(ARGV[1]) return {t.id, t.tags[2], tostring(t.score)}", 0, '{"id":"j1","tags":["a","b"],"score":1.5}');
    await b.do('EVAL', "return cjson.encode({name = ARGV[1], list = {1, 2, 3}})", 0, 'n');
    await b.do('DEL', 'u:list', 'u:set');
  });
});
