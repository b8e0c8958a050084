/**
 * The error texts that live in src/errors.ts, each provoked once against nodis and a real
 * redis-server and compared byte for byte (most are also exercised by their family's tests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('error texts', (env) => {
  diffTest(env, 'transactions', async (b) => {
    await b.do('EXEC');
    await b.do('DISCARD');
    await b.do('MULTI');
    await b.do('MULTI');
    await b.do('WATCH', 'k');
    await b.do('DISCARD');
    await b.do('MULTI');
    await b.do('GET');
    await b.do('EXEC');
  });

  diffTest(
    env,
    'subscribed context',
    async (b) => {
      await b.do('SUBSCRIBE', 'ch');
      await b.do('GET', 'k');
      await b.do('CONFIG', 'GET', 'maxmemory');
    },
    [2],
  );

  diffTest(env, 'connection: HELLO and CLIENT SETNAME', async (b) => {
    await b.do('HELLO', 'abc');
    await b.do('HELLO', '4');
    await b.do('HELLO', '2', 'FOO');
    await b.do('HELLO', '2', 'SETNAME');
    await b.do('CLIENT', 'SETNAME', 'a b');
    await b.do('HELLO', '2', 'SETNAME', 'a\nb');
  });

  diffTest(env, 'CLIENT LIST/KILL/PAUSE', async (b) => {
    await b.do('CLIENT', 'LIST', 'TYPE', 'nope');
    await b.do('CLIENT', 'LIST', 'ID', '0');
    await b.do('CLIENT', 'LIST', 'ID', 'x');
    await b.do('CLIENT', 'KILL', 'ID', '0');
    await b.do('CLIENT', 'KILL', 'TYPE', 'Nope');
    await b.do('CLIENT', 'KILL', 'USER', 'bob');
    await b.do('CLIENT', 'KILL', '1.2.3.4:5');
    await b.do('CLIENT', 'KILL', 'ID', '999999');
    await b.do('CLIENT', 'PAUSE', 'abc');
    await b.do('CLIENT', 'PAUSE', '-1');
    await b.do('CLIENT', 'PAUSE', '10', 'sometimes');
    await b.do('CLIENT', 'PAUSE', '10', 'WRITE', 'extra');
  });

  diffTest(
    env,
    'CLIENT TRACKING and CACHING',
    async (b) => {
      await b.do('CLIENT', 'CACHING', 'YES');
      await b.do('CLIENT', 'TRACKING', 'on', 'REDIRECT', '1', 'REDIRECT', '2');
      await b.do('CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999');
      await b.do('CLIENT', 'TRACKING', 'on', 'PREFIX', 'a');
      await b.do('CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN');
      await b.do('CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT');
      await b.do('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab');
      await b.do('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab');
      await b.do('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a');
      await b.do('CLIENT', 'TRACKING', 'on');
      await b.do('CLIENT', 'TRACKING', 'off');
      await b.do('CLIENT', 'TRACKING', 'on', 'OPTIN');
      await b.do('CLIENT', 'TRACKING', 'on', 'OPTOUT');
      await b.do('CLIENT', 'CACHING', 'NO');
      await b.do('CLIENT', 'TRACKING', 'off');
      await b.do('CLIENT', 'TRACKING', 'on', 'OPTOUT');
      await b.do('CLIENT', 'CACHING', 'YES');
      await b.do('CLIENT', 'TRACKING', 'off');
    },
    [3],
  );

  test('CLIENT UNBLOCK ERROR: the -UNBLOCKED reply and its errorstats', async () => {
    const admin = await env.both(2);
    const waiter = await env.both(2, false);
    await admin.do('CONFIG', 'RESETSTAT');
    const ids = [await waiter.nodis.call('CLIENT', 'ID'), await waiter.redis.call('CLIENT', 'ID')].map((r) => r.slice(1, -2));
    waiter.nodis.send('BLPOP', 'nothing', 0);
    waiter.redis.send('BLPOP', 'nothing', 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', ids[0]!, 'ERROR'), await admin.redis.call('CLIENT', 'UNBLOCK', ids[1]!, 'ERROR'));
    assert.equal(await waiter.nodis.read(), await waiter.redis.read());
    await admin.do('INFO', 'errorstats');
    const failed = async (b: typeof admin.nodis): Promise<string | undefined> =>
      /cmdstat_blpop:.*(failed_calls=\d+)/.exec(await b.call('INFO', 'commandstats'))?.[1];
    assert.equal(await failed(admin.nodis), await failed(admin.redis));
    waiter.close();
    admin.close();
  });

  diffTest(env, 'COMMAND GETKEYS', async (b) => {
    await b.do('COMMAND', 'GETKEYS', 'nosuchcommand', 'x');
    await b.do('COMMAND', 'GETKEYS', 'get', 'a', 'b');
    await b.do('COMMAND', 'GETKEYS', 'ping', 'x');
    await b.do('COMMAND', 'GETKEYS', 'zunionstore', 'dst', '0');
  });

  diffTest(env, 'CONFIG SET', async (b) => {
    await b.do('CONFIG', 'SET', 'no-such-option', 'x');
    await b.do('CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2');
    await b.do('CONFIG', 'SET', 'daemonize', 'yes');
    await b.do('CONFIG', 'SET', 'dir', '/tmp');
    await b.do('CONFIG', 'SET', 'maxmemory', 'abc');
    await b.do('CONFIG', 'SET', 'hz', '0', 'maxmemory', 'abc');
    await b.do('CONFIG', 'SET', 'protected-mode', 'maybe');
    await b.do('CONFIG', 'SET', 'hz', 'abc');
    await b.do('CONFIG', 'SET', 'maxclients', '0');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'sometimes');
    await b.do('CONFIG', 'SET', 'save', '1 2 3');
    await b.do('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2');
    await b.do('CONFIG', 'SET', 'client-output-buffer-limit', 'nobody 1 2 3');
    await b.do('CONFIG', 'SET', 'client-output-buffer-limit', 'normal x 2 3');
    await b.do('CONFIG', 'SET', 'notify-keyspace-events', 'Q');
    await b.do('CONFIG', 'SET', 'oom-score-adj-values', '1 2');
    await b.do('CONFIG', 'SET', 'oom-score-adj-values', '1 2 3000');
    await b.do('CONFIG', 'SET', 'latency-tracking-info-percentiles', '101');
    await b.do('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 abc');
    await b.do('CONFIG', 'SET', 'bind', Array.from({ length: 17 }, () => '127.0.0.1').join(' '));
  });

  diffTest(env, 'SLOWLOG, MEMORY, DEBUG', async (b) => {
    await b.do('SLOWLOG', 'GET', '-2');
    await b.do('SET', 'k', 'v');
    await b.do('MEMORY', 'USAGE', 'k', 'SAMPLES', '-1');
    await b.do('MEMORY', 'USAGE', 'k', 'SAMPLES', 'abc');
    await b.do('DEBUG', 'RELOAD', 'FOO');
    await b.do('DEBUG', 'NOSUCHSUBCOMMAND');
    await b.do('DEBUG', 'OBJECT', 'missing');
  });

  diffTest(env, 'keyspace: EXPIRE, SCAN, SWAPDB, COPY, SORT, OBJECT, SELECT', async (b) => {
    await b.do('SET', 'k', 'v');
    await b.do('EXPIRE', 'k', '10', 'FOO');
    await b.do('EXPIRE', 'k', '10', 'NX', 'XX');
    await b.do('EXPIRE', 'k', '10', 'GT', 'LT');
    await b.do('SCAN', 'abc');
    await b.do('SCAN', '18446744073709551616');
    await b.do('SWAPDB', 'a', '0');
    await b.do('SWAPDB', '0', 'b');
    await b.do('COPY', 'k', 'k2', 'DB', 'x');
    await b.do('RPUSH', 'list', '1', 'a');
    await b.do('SORT', 'list');
    await b.do('OBJECT', 'FREQ', 'k');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await b.do('OBJECT', 'IDLETIME', 'k');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await b.do('SELECT', '99999999999');
  });

  diffTest(env, 'strings and hashes', async (b) => {
    await b.do('DECRBY', 'n', '-9223372036854775808');
    await b.do('SET', 's', 'abc');
    await b.do('RPUSH', 'list', 'x');
    await b.do('LCS', 's', 'list');
    await b.do('LCS', 's', 's', 'IDX', 'LEN');
    await b.do('HSET', 'h', 'f', 'abc');
    await b.do('HINCRBY', 'h', 'f', '1');
    await b.do('HINCRBYFLOAT', 'h', 'f', '1');
    await b.do('HINCRBYFLOAT', 'h', 'g', 'inf');
    await b.do('HRANDFIELD', 'h', 'abc');
    await b.do('HRANDFIELD', 'h', '-9223372036854775808');
    await b.do('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES');
  });

  diffTest(env, 'bitmaps', async (b) => {
    await b.do('BITPOS', 'k', '2');
    await b.do('BITOP', 'NOT', 'd', 'a', 'b');
    await b.do('BITFIELD', 'k', 'GET', 'u64', '0');
    await b.do('BITFIELD', 'k', 'GET', 'x8', '0');
    await b.do('BITFIELD', 'k', 'OVERFLOW', 'foo');
    await b.do('BITFIELD_RO', 'k', 'SET', 'u8', '0', '1');
  });
});
