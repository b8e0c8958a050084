import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, Both, parseReply } from '../helpers/differential.js';
import { RespClient } from '../helpers/resp-client.js';

diffSuite('sorted sets: set algebra, stores, random, scan, mpop', (env) => {
  diffTest(env, 'ZUNION ZINTER ZDIFF with WEIGHTS and AGGREGATE, sets as inputs', async (b) => {
    await b.do('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
    await b.do('ZADD', 'b', '10', 'y', '20', 'z', '30', 'w');
    await b.do('SADD', 's', 'z', 'q');
    await b.do('ZADD', 'inf1', 'inf', 'm');
    await b.do('ZADD', 'inf2', '-inf', 'm');
    for (const args of [
      ['ZUNION', 2, 'a', 'b'], ['ZUNION', 2, 'a', 'b', 'WITHSCORES'], ['ZUNION', 3, 'a', 'b', 's', 'WITHSCORES'],
      ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 2, 0.5, 'WITHSCORES'], ['ZUNION', 2, 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNION', 2, 'a', 'b', 'AGGREGATE', 'MAX', 'WITHSCORES'], ['ZINTER', 2, 'a', 'b', 'WITHSCORES'], ['ZINTER', 3, 'a', 'b', 's'],
      ['ZINTER', 2, 'a', 'missing'], ['ZDIFF', 2, 'a', 'b', 'WITHSCORES'], ['ZDIFF', 1, 'missing'], ['ZUNION', 2, 'inf1', 'inf2', 'WITHSCORES'],
      ['ZUNION', 0, 'a'], ['ZUNION', 3, 'a', 'b'], ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 1], ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 1, 'x'],
      ['ZUNION', 2, 'a', 'b', 'AGGREGATE', 'AVG'], ['ZDIFF', 2, 'a', 'b', 'WEIGHTS', 1, 2], ['ZINTER', 'x', 'a'],
      ['ZINTERCARD', 2, 'a', 'b'], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 1], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', -1], ['ZINTERCARD', 1, 'a', 'a'], ['ZINTERCARD', 0, 'a'],
    ]) {
      await b.do(...args);
    }
    await b.do('ZUNIONSTORE', 'dst', 2, 'a', 'b', 'WEIGHTS', 1, 2);
    await b.do('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await b.do('ZINTERSTORE', 'dst', 2, 'a', 'missing');
    await b.do('EXISTS', 'dst');
    await b.do('ZDIFFSTORE', 'dst', 2, 'a', 'b');
    await b.do('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await b.do('ZUNIONSTORE', 'dst', 1, 'a', 'WITHSCORES');
    await b.do('SET', 'str', 'v');
    await b.do('ZUNION', 2, 'a', 'str');
  });

  diffTest(env, 'ZRANGESTORE ZRANDMEMBER ZSCAN', async (b, resp) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await b.do('ZRANGESTORE', 'dst', 'z', 1, 2);
    await b.do('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await b.do('ZRANGESTORE', 'dst', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', 0, 2);
    await b.do('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await b.do('ZRANGESTORE', 'dst', 'z', 0, -1, 'REV');
    await b.do('ZRANGESTORE', 'dst', 'z', 0, -1, 'WITHSCORES');
    await b.do('ZRANGESTORE', 'dst', 'missing', 0, -1);
    await b.do('EXISTS', 'dst');
    await b.do('ZRANDMEMBER', 'missing');
    await b.do('ZRANDMEMBER', 'missing', 3);
    await b.do('ZRANDMEMBER', 'z', 0);
    await b.doSorted('ZRANDMEMBER', 'z', 10);
    await b.do('ZRANDMEMBER', 'z', 'x');
    await b.do('ZRANDMEMBER', 'z', 1, 'FOO');
    const rep = parseReply(await b.nodis.call('ZRANDMEMBER', 'z', -6, 'WITHSCORES')) as unknown[];
    assert.equal(rep.length, resp === 2 ? 12 : 6);
    await b.do('ZSCAN', 'z', 0);
    await b.do('ZSCAN', 'z', 0, 'MATCH', '[ab]');
    await b.do('ZSCAN', 'missing', 0);
  });

  diffTest(env, 'ZMPOP and non-blocking behaviour of the blocking pops', async (b) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    await b.do('ZMPOP', 2, 'missing', 'z', 'MIN');
    await b.do('ZMPOP', 1, 'z', 'MAX', 'COUNT', 10);
    await b.do('ZMPOP', 1, 'z', 'MIN');
    await b.do('ZMPOP', 0, 'z', 'MIN');
    await b.do('ZMPOP', 1, 'z', 'MIDDLE');
    await b.do('ZMPOP', 1, 'z', 'MIN', 'COUNT', 0);
    await b.do('ZADD', 'z', '5', 'e', '6', 'f', '7', 'g');
    await b.do('BZPOPMIN', 'missing', 'z', 0);
    await b.do('BZPOPMAX', 'z', 0);
    await b.do('BZMPOP', 0, 1, 'z', 'MIN');
    await b.do('BZPOPMIN', 'missing', '0.01');
    await b.do('BZMPOP', '0.01', 1, 'missing', 'MAX');
    await b.do('BZPOPMIN', 'z', -1);
    await b.do('MULTI');
    await b.do('BZPOPMIN', 'missing', 0);
    await b.do('EXEC');
  });
});

diffSuite('sorted sets: blocking pops are served by ZADD', (env) => {
  test('BZPOPMIN and BZMPOP wake in FIFO order', async () => {
    const admin = await env.both(2);
    const pair = async (): Promise<Both> => new Both(await RespClient.connect(env.nodisServer.port), await RespClient.connect(env.redisServer.port));
    const w1 = await pair();
    const w2 = await pair();
    w1.nodis.send('BZPOPMIN', 'zq', 0);
    w1.redis.send('BZPOPMIN', 'zq', 0);
    await new Promise((r) => setTimeout(r, 30));
    w2.nodis.send('BZMPOP', 0, 1, 'zq', 'MAX', 'COUNT', 2);
    w2.redis.send('BZMPOP', 0, 1, 'zq', 'MAX', 'COUNT', 2);
    await new Promise((r) => setTimeout(r, 30));
    await admin.do('ZADD', 'zq', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    assert.equal(await w1.nodis.read(), await w1.redis.read());
    assert.equal(await w2.nodis.read(), await w2.redis.read());
    await admin.do('ZRANGE', 'zq', 0, -1, 'WITHSCORES');
    w1.close();
    w2.close();
    admin.close();
  });
});
