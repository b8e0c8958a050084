/**
 * Scripts on the server-thread engine (main-lua.ts): each script runs three times, the first on
 * the Lua worker and the next ones (promoted) on the server thread, where redis.call replies
 * are re-encoded for Lua and plain results are written straight from engine memory
 * (wire-codec.ts). Every reply is compared with Redis, in RESP2 and RESP3.
 */
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';

async function thrice(b: Both, script: string, ...args: (string | number)[]): Promise<void> {
  for (let i = 0; i < 3; i++) await b.do('EVAL', script, ...args);
}

diffSuite('scripting on the server thread', (env) => {
  diffTest(env, 'plain results: nil, booleans, integers, strings, status, nested arrays', async (b) => {
    for (const script of [
      'return nil',
      'return false',
      'return true',
      'return 0',
      'return -7.9',
      'return 2^53',
      'return -2^53 - 2',
      'return 2^62',
      'return 1e30',
      'return -1e30',
      "return ''",
      "return 'abcdefghijklmnopqrstuvwx'", // 24 characters: the longest short decode
      "return 'abcdefghijklmnopqrstuvwxy'",
      "return string.rep('z', 5000)",
      "return {ok='fine'}",
      "return {ok='two\\r\\nlines'}",
      "return {1, 'a', {2, {3, {}}}, false, true, 'x'}",
      'return {1, 2, nil, 4}',
      "return {1, {err='XE nested'}, 3}",
      "return {double=1.5}",
    ]) {
      await thrice(b, script, 0);
    }
  });

  diffTest(env, 'binary strings in and out', async (b) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    await b.do('SET', 'bin', all);
    await thrice(b, "return redis.call('GET', KEYS[1])", 1, 'bin');
    await thrice(b, 'return ARGV[1]', 0, all);
    await thrice(b, "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('STRLEN', KEYS[1])", 1, 'bin2', all);
  });

  diffTest(env, 'redis.call replies of every shape, passed through', async (b) => {
    await b.do('RPUSH', 'l', 'a', 'b', 'c');
    await b.do('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
    await b.do('ZADD', 'z', '1.5', 'm1', '-2', 'm2');
    await b.do('SET', 'big', 'x'.repeat(10_000));
    for (const script of [
      "return redis.call('PING')",
      "return redis.call('SET', 'k', 'v')",
      "return redis.call('GET', 'nosuchkey')",
      "return redis.call('INCRBY', 'n', -5)",
      "return redis.call('INCRBY', 'n2', '9007199254740993')",
      "return redis.call('LRANGE', 'l', 0, -1)",
      "return redis.call('HGETALL', 'h')",
      "return redis.call('ZRANGE', 'z', 0, -1, 'WITHSCORES')",
      "return redis.call('TYPE', 'l')",
      "return redis.call('GET', 'big')", // longer than the direct-encoding limit
      "return #redis.call('GET', 'big')",
      "return redis.pcall('INCR', 'l')",
      "return redis.call('EXISTS', 'l', 'h', 'none')",
      "local t = redis.call('LRANGE', 'l', 0, -1) return #t",
    ]) {
      await thrice(b, script, 0);
    }
  });

  diffTest(env, 'errors after promotion: raised, returned, from commands', async (b) => {
    await b.do('SET', 's', 'str');
    await thrice(b, "return redis.call('INCR', KEYS[1])", 1, 's');
    await thrice(b, "local x = nil return x.y", 0);
    await thrice(b, "return redis.error_reply('MY failure')", 0);
    await thrice(b, "return {err='OWN error'}", 0);
  });
});
