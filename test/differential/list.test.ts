import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, Both } from '../helpers/differential.js';
import { RespClient } from '../helpers/resp-client.js';

diffSuite('lists', (env) => {
  diffTest(env, 'push, pop, length, index, range', async (b) => {
    await b.do('LPUSH', 'l', 'a', 'b', 'c');
    await b.do('RPUSH', 'l', 'd', 'e', '\x00\xff');
    await b.do('LLEN', 'l');
    await b.do('LRANGE', 'l', 0, -1);
    for (const [s, e] of [[0, 0], [-2, -1], [2, 100], [5, 2], [-100, 1], [100, 200], ['-9223372036854775808', '9223372036854775807']]) {
      await b.do('LRANGE', 'l', s!, e!);
    }
    for (const i of [0, 5, -1, -6, 6, -7, 'x']) await b.do('LINDEX', 'l', i);
    await b.do('LPOP', 'l');
    await b.do('RPOP', 'l');
    await b.do('LPOP', 'l', 2);
    await b.do('RPOP', 'l', 0);
    await b.do('RPOP', 'l', 100);
    await b.do('EXISTS', 'l');
    await b.do('LPOP', 'l');
    await b.do('LPOP', 'l', 3);
    await b.do('RPOP', 'l', -1);
    await b.do('RPOP', 'l', 'x');
    await b.do('LPOP', 'l', 1, 2);
    await b.do('LPUSHX', 'l', 'a');
    await b.do('RPUSHX', 'l', 'a');
    await b.do('RPUSH', 'l', 'x');
    await b.do('LPUSHX', 'l', 'y', 'z');
    await b.do('RPUSHX', 'l', 'w');
    await b.do('LRANGE', 'l', 0, -1);
    await b.do('LLEN', 'missing');
    await b.do('LINDEX', 'missing', 0);
    await b.do('LRANGE', 'missing', 0, -1);
    await b.do('SET', 's', 'v');
    for (const cmd of [['LPUSH', 's', 'a'], ['RPUSHX', 's', 'a'], ['LPOP', 's'], ['LLEN', 's'], ['LRANGE', 's', 0, 1], ['LINDEX', 's', 0], ['LSET', 's', 0, 'x'], ['LREM', 's', 0, 'x'], ['LTRIM', 's', 0, 1], ['LPOS', 's', 'x'], ['LMOVE', 's', 'l', 'LEFT', 'LEFT'], ['LMOVE', 'l', 's', 'LEFT', 'LEFT'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['BLPOP', 's', 0], ['LMPOP', 1, 's', 'LEFT']]) {
      await b.do(...cmd);
    }
  });

  diffTest(env, 'LSET LINSERT LREM LTRIM', async (b) => {
    await b.do('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'd');
    await b.do('LSET', 'l', 1, 'B');
    await b.do('LSET', 'l', -1, 'D');
    await b.do('LSET', 'l', 10, 'x');
    await b.do('LSET', 'l', 'x', 'x');
    await b.do('LSET', 'missing', 0, 'x');
    await b.do('LINSERT', 'l', 'BEFORE', 'c', 'X');
    await b.do('LINSERT', 'l', 'after', 'D', 'Y');
    await b.do('LINSERT', 'l', 'BEFORE', 'nope', 'Z');
    await b.do('LINSERT', 'l', 'MIDDLE', 'a', 'Z');
    await b.do('LINSERT', 'missing', 'BEFORE', 'a', 'Z');
    await b.do('LRANGE', 'l', 0, -1);
    await b.do('LREM', 'l', 1, 'a');
    await b.do('LREM', 'l', -1, 'a');
    await b.do('LREM', 'l', 0, 'a');
    await b.do('LREM', 'l', 0, 'nope');
    await b.do('LREM', 'l', 'x', 'a');
    await b.do('LRANGE', 'l', 0, -1);
    await b.do('LTRIM', 'l', 1, -2);
    await b.do('LRANGE', 'l', 0, -1);
    await b.do('LTRIM', 'l', 5, 1);
    await b.do('EXISTS', 'l');
    await b.do('LTRIM', 'missing', 0, 1);
    await b.do('LTRIM', 'l', 'x', 1);
    await b.do('RPUSH', 'r', 'x', 'x', 'x');
    await b.do('LREM', 'r', 0, 'x');
    await b.do('EXISTS', 'r');
  });

  diffTest(env, 'LPOS', async (b) => {
    await b.do('RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
    for (const args of [[], ['RANK', 2], ['RANK', -1], ['RANK', -2], ['COUNT', 0], ['COUNT', 2], ['RANK', 2, 'COUNT', 0], ['RANK', -1, 'COUNT', 2], ['MAXLEN', 3], ['MAXLEN', 7, 'COUNT', 0], ['RANK', 10], ['RANK', 0], ['COUNT', -1], ['MAXLEN', -1], ['RANK'], ['FOO', 1]]) {
      await b.do('LPOS', 'l', 'c', ...args);
    }
    // 7.2 range-checks RANK (7.0 accepted LONG_MIN and overflowed).
    assert.equal(
      await b.nodis.call('LPOS', 'l', 'c', 'RANK', '-9223372036854775808'),
      '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n',
    );
    await b.do('LPOS', 'missing', 'c');
    await b.do('LPOS', 'missing', 'c', 'COUNT', 1);
  });

  diffTest(env, 'LMOVE RPOPLPUSH LMPOP', async (b) => {
    await b.do('RPUSH', 'src', 'a', 'b', 'c');
    await b.do('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT');
    await b.do('LMOVE', 'src', 'dst', 'RIGHT', 'LEFT');
    await b.do('LMOVE', 'src', 'src', 'LEFT', 'RIGHT');
    await b.do('LMOVE', 'src', 'dst', 'UP', 'LEFT');
    await b.do('LMOVE', 'missing', 'dst', 'LEFT', 'LEFT');
    await b.do('RPOPLPUSH', 'src', 'dst');
    await b.do('RPOPLPUSH', 'src', 'dst');
    await b.do('LRANGE', 'dst', 0, -1);
    await b.do('EXISTS', 'src');
    await b.do('LMPOP', 2, 'missing', 'dst', 'LEFT');
    await b.do('LMPOP', 2, 'missing', 'dst', 'RIGHT', 'COUNT', 10);
    await b.do('LMPOP', 1, 'missing', 'LEFT');
    await b.do('LMPOP', 0, 'dst', 'LEFT');
    await b.do('LMPOP', -1, 'dst', 'LEFT');
    await b.do('LMPOP', 1, 'dst', 'MIDDLE');
    await b.do('LMPOP', 2, 'dst', 'LEFT');
    await b.do('LMPOP', 1, 'dst', 'LEFT', 'COUNT', 0);
    await b.do('LMPOP', 1, 'dst', 'LEFT', 'COUNT', 1, 'COUNT', 1);
    await b.do('LMPOP', 1, 'dst', 'LEFT', 'FOO');
  });

  diffTest(env, 'non-blocking behaviour of blocking commands on data', async (b) => {
    await b.do('RPUSH', 'l', 'a', 'b', 'c');
    await b.do('BLPOP', 'missing', 'l', 0);
    await b.do('BRPOP', 'l', 1);
    await b.do('BLMPOP', 0, 2, 'missing', 'l', 'LEFT', 'COUNT', 5);
    await b.do('RPUSH', 'l', 'x', 'y');
    await b.do('BLMOVE', 'l', 'm', 'LEFT', 'LEFT', 0);
    await b.do('BRPOPLPUSH', 'l', 'm', 0);
    await b.do('LRANGE', 'm', 0, -1);
    await b.do('BLPOP', 'l', -1);
    await b.do('BLPOP', 'l', 'x');
    await b.do('BLPOP', 'l', 'nan');
    // Redis 7.2 refuses infinite timeouts as out of range (7.0 wrapped them to negative).
    assert.equal(await b.nodis.call('BLPOP', 'l', 'inf'), '-ERR timeout is out of range\r\n');
    await b.do('BLMPOP', 'x', 1, 'l', 'LEFT');
    await b.do('BLMOVE', 'l', 'm', 'LEFT', 'LEFT', -1);
    await b.do('BLPOP', 'missing', 0.01);
    await b.do('BRPOP', 'missing', '0.02');
    await b.do('BLMPOP', '0.01', 1, 'missing', 'RIGHT');
    await b.do('BLMOVE', 'missing', 'm', 'LEFT', 'LEFT', '0.01');
    await b.do('BRPOPLPUSH', 'missing', 'm', '0.01');
  });

  // Long enough to be stored in packed chunks of 128 (src/types/list.ts) at both ends.
  diffTest(env, 'a long list: reads, edits and pops across chunk boundaries', async (b) => {
    const value = (i: number): string => (i % 7 === 0 ? 'dup' : i % 5 === 0 ? String(i) : `v:${i}:${'z'.repeat(i % 150)}`);
    for (let i = 0; i < 1500; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => value(i + k));
      await b.do(i % 200 === 0 ? 'RPUSH' : 'LPUSH', 'l', ...batch);
    }
    await b.do('OBJECT', 'ENCODING', 'l');
    for (const i of [0, 1, 99, 100, 127, 128, 129, 255, 256, 700, 1401, 1499, 1500, -1, -128, -129, -700]) await b.do('LINDEX', 'l', i);
    for (const [s, e] of [[0, 99], [120, 400], [-300, -1], [1000, 5000], [0, -1]]) await b.do('LRANGE', 'l', s!, e!);
    for (const i of [3, 130, 640, -5, -200]) await b.do('LSET', 'l', i, `set:${i}`);
    await b.do('LRANGE', 'l', 0, -1);
    for (const args of [[], ['RANK', 3], ['RANK', -2], ['COUNT', 0], ['RANK', -5, 'COUNT', 7], ['MAXLEN', 300, 'COUNT', 0], ['RANK', -1, 'MAXLEN', 50, 'COUNT', 0]]) {
      await b.do('LPOS', 'l', 'dup', ...args);
    }
    await b.do('LPOS', 'l', 'set:640');
    await b.do('LREM', 'l', 5, 'dup');
    await b.do('LREM', 'l', -9, 'dup');
    await b.do('LINSERT', 'l', 'BEFORE', 'set:640', 'inserted');
    await b.do('LRANGE', 'l', 600, 700);
    await b.do('LREM', 'l', 0, 'dup');
    await b.do('LLEN', 'l');
    await b.do('LPOP', 'l', 300);
    await b.do('RPOP', 'l', 290);
    await b.do('LTRIM', 'l', 10, -10);
    await b.do('LRANGE', 'l', 0, -1);
    await b.do('LMOVE', 'l', 'l', 'LEFT', 'RIGHT');
    await b.do('LRANGE', 'l', -3, -1);
    await b.do('COPY', 'l', 'l2');
    await b.do('LSET', 'l2', 200, 'only-in-copy');
    await b.do('LINDEX', 'l', 200);
    await b.do('LINDEX', 'l2', 200);
    do await b.do('RPOP', 'l', 97);
    while ((await b.do('EXISTS', 'l')) !== ':0\r\n');
  });

  diffTest(env, 'MULTI makes blocking commands answer at once', async (b) => {
    await b.do('MULTI');
    await b.do('BLPOP', 'missing', 0);
    await b.do('BLMOVE', 'missing', 'x', 'LEFT', 'LEFT', 0);
    await b.do('EXEC');
  });
});

async function pair(env: { nodisServer: { port: number }; redisServer: { port: number } }): Promise<Both> {
  return new Both(await RespClient.connect(env.nodisServer.port), await RespClient.connect(env.redisServer.port));
}

diffSuite('lists (blocking)', (env) => {
  test('a push wakes blocked clients in FIFO order, each command once', async () => {
    const admin = await env.both(2);
    const waiters = [await pair(env), await pair(env), await pair(env)];
    for (const [i, w] of waiters.entries()) {
      w.nodis.send('BLPOP', 'q', 'other', 0);
      w.redis.send('BLPOP', 'q', 'other', 0);
      await admin.do('CLIENT', 'ID').catch(() => undefined);
      void i;
    }
    await new Promise((r) => setTimeout(r, 50));
    await admin.do('RPUSH', 'q', 'one', 'two');
    for (const w of waiters.slice(0, 2)) assert.equal(await w.nodis.read(), await w.redis.read());
    await admin.do('LPUSH', 'other', 'three');
    assert.equal(await waiters[2]!.nodis.read(), await waiters[2]!.redis.read());
    await admin.do('EXISTS', 'q', 'other');
    for (const w of waiters) w.close();
    admin.close();
  });

  test('timeouts reply null and pipelined commands run afterwards', async () => {
    for (const resp of [2, 3] as const) {
      const b = await env.both(resp);
      b.nodis.send('BLPOP', 'nothing', '0.1');
      b.nodis.send('PING');
      b.redis.send('BLPOP', 'nothing', '0.1');
      b.redis.send('PING');
      const started = Date.now();
      assert.equal(await b.nodis.read(), await b.redis.read());
      assert.ok(Date.now() - started >= 80, 'waited for the timeout');
      assert.equal(await b.nodis.read(), await b.redis.read());
      b.nodis.send('BLMOVE', 'nothing', 'x', 'LEFT', 'LEFT', '0.05');
      b.redis.send('BLMOVE', 'nothing', 'x', 'LEFT', 'LEFT', '0.05');
      assert.equal(await b.nodis.read(), await b.redis.read());
      b.close();
    }
  });

  test('BLMOVE and BLMPOP are served by a later push', async () => {
    const admin = await env.both(2);
    const w1 = await pair(env);
    const w2 = await pair(env);
    w1.nodis.send('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', 0);
    w1.redis.send('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', 0);
    w2.nodis.send('BLMPOP', 0, 2, 'a', 'b', 'LEFT', 'COUNT', 3);
    w2.redis.send('BLMPOP', 0, 2, 'a', 'b', 'LEFT', 'COUNT', 3);
    await new Promise((r) => setTimeout(r, 50));
    await admin.do('RPUSH', 'src', 'x', 'y');
    assert.equal(await w1.nodis.read(), await w1.redis.read());
    await admin.do('RPUSH', 'b', '1', '2', '3', '4');
    assert.equal(await w2.nodis.read(), await w2.redis.read());
    await admin.do('LRANGE', 'dst', 0, -1);
    await admin.do('LRANGE', 'b', 0, -1);
    w1.close();
    w2.close();
    admin.close();
  });

  test('CLIENT UNBLOCK with TIMEOUT and ERROR', async () => {
    const admin = await env.both(2);
    const w = await pair(env);
    const ids = [await w.nodis.call('CLIENT', 'ID'), await w.redis.call('CLIENT', 'ID')].map((r) => r.slice(1, -2));
    w.nodis.send('BRPOP', 'k', 0);
    w.redis.send('BRPOP', 'k', 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', ids[0]!, 'TIMEOUT'), await admin.redis.call('CLIENT', 'UNBLOCK', ids[1]!, 'TIMEOUT'));
    assert.equal(await w.nodis.read(), await w.redis.read());
    w.nodis.send('BRPOP', 'k', 0);
    w.redis.send('BRPOP', 'k', 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', ids[0]!, 'ERROR'), await admin.redis.call('CLIENT', 'UNBLOCK', ids[1]!, 'ERROR'));
    assert.equal(await w.nodis.read(), await w.redis.read());
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', ids[0]!), await admin.redis.call('CLIENT', 'UNBLOCK', ids[1]!));
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', 'x'), await admin.redis.call('CLIENT', 'UNBLOCK', 'x'));
    assert.equal(await admin.nodis.call('CLIENT', 'UNBLOCK', 1, 'FOO'), await admin.redis.call('CLIENT', 'UNBLOCK', 1, 'FOO'));
    w.close();
    admin.close();
  });

  test('a key that changes type inside MULTI does not serve a blocked client; a later push does', async () => {
    for (const [block, push] of [
      [['BLPOP', 'bk', 0], ['LPUSH', 'bk']],
      [['BLMPOP', 0, 1, 'bk', 'LEFT'], ['RPUSH', 'bk']],
      [['BZPOPMIN', 'bk', 0], ['ZADD', 'bk', 1]],
      [['BZMPOP', 0, 1, 'bk', 'MIN'], ['ZADD', 'bk', 2]],
    ] as const) {
      const admin = await env.both(2);
      await admin.do('DEL', 'bk');
      const w = await pair(env);
      w.nodis.send(...block);
      w.redis.send(...block);
      await new Promise((r) => setTimeout(r, 50));
      await admin.seq(['MULTI'], [...push, 'a'], ['DEL', 'bk'], ['SET', 'bk', 'foo'], ['EXEC']);
      await admin.do('DEL', 'bk');
      await admin.do(...push, 'b');
      const reply = await w.nodis.read();
      assert.equal(reply, await w.redis.read());
      assert.ok(reply.includes('b'), `served by the second push: ${reply}`);
      await admin.do('EXISTS', 'bk');
      w.close();
      admin.close();
    }
  });

  test('SWAPDB wakes a client blocked on a key the other database has', async () => {
    const admin = await env.both(2);
    await admin.seq(['SELECT', 1], ['FLUSHDB'], ['RPUSH', 'sk', 'hello'], ['ZADD', 'sz', 1, 'one'], ['SELECT', 9], ['FLUSHDB']);
    const w = await pair(env);
    const z = await pair(env);
    for (const c of [w.nodis, w.redis]) c.send('SELECT', 9);
    for (const c of [z.nodis, z.redis]) c.send('SELECT', 9);
    assert.equal(await w.nodis.read(), await w.redis.read());
    assert.equal(await z.nodis.read(), await z.redis.read());
    w.nodis.send('BRPOP', 'sk', 5);
    w.redis.send('BRPOP', 'sk', 5);
    z.nodis.send('BZPOPMAX', 'sz', 5);
    z.redis.send('BZPOPMAX', 'sz', 5);
    await new Promise((r) => setTimeout(r, 50));
    await admin.do('SWAPDB', 1, 9);
    assert.equal(await w.nodis.read(1000), await w.redis.read(1000));
    assert.equal(await z.nodis.read(1000), await z.redis.read(1000));
    await admin.seq(['DBSIZE'], ['SELECT', 1], ['DBSIZE'], ['SELECT', 9]);
    w.close();
    z.close();
    admin.close();
  });
});
