import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, Both } from '../helpers/differential.js';
import { RespClient } from '../helpers/resp-client.js';

diffSuite('transactions', (env) => {
  diffTest(env, 'MULTI EXEC DISCARD and their errors', async (b) => {
    await b.do('EXEC');
    await b.do('DISCARD');
    await b.do('MULTI');
    await b.do('MULTI');
    await b.do('SET', 'a', '1');
    await b.do('INCR', 'a');
    await b.do('LPUSH', 'a', 'x');
    await b.do('GET', 'a');
    await b.do('EXEC');
    await b.do('MULTI');
    await b.do('SET', 'b', '1');
    await b.do('DISCARD');
    await b.do('EXISTS', 'b');
    await b.do('MULTI');
    await b.do('SET', 'c', '1');
    await b.do('NOSUCHCOMMAND');
    await b.do('GET');
    await b.do('EXEC');
    await b.do('EXISTS', 'c');
    await b.do('MULTI');
    await b.do('WATCH', 'x');
    await b.do('EXEC');
    await b.do('MULTI');
    await b.do('EXEC');
  });

  diffTest(env, 'WATCH with this client\'s own writes, UNWATCH, expiry', async (b) => {
    await b.do('SET', 'w', '1');
    await b.do('WATCH', 'w');
    await b.do('SET', 'w', '2');
    await b.do('MULTI');
    await b.do('GET', 'w');
    await b.do('EXEC');
    await b.do('WATCH', 'w');
    await b.do('UNWATCH');
    await b.do('SET', 'w', '3');
    await b.do('MULTI');
    await b.do('GET', 'w');
    await b.do('EXEC');
    await b.do('WATCH', 'missing');
    await b.do('MULTI');
    await b.do('PING');
    await b.do('EXEC');
    await b.do('WATCH', 'w');
    await b.do('FLUSHALL');
    await b.do('MULTI');
    await b.do('PING');
    await b.do('EXEC');
  });
});

async function pair(env: { nodisServer: { port: number }; redisServer: { port: number } }): Promise<Both> {
  return new Both(await RespClient.connect(env.nodisServer.port), await RespClient.connect(env.redisServer.port));
}

diffSuite('transactions (two clients)', (env) => {
  test('a WATCHed key changed by another client makes EXEC return null', async () => {
    const a = await env.both(2);
    const other = await pair(env);
    await a.do('SET', 'k', '1');
    await a.do('WATCH', 'k');
    await other.do('SET', 'k', '2');
    await a.do('MULTI');
    await a.do('INCR', 'k');
    await a.do('EXEC');
    await a.do('GET', 'k');
    a.close();
    other.close();
  });

  test('a blocked BLPOP is served after the whole EXEC, not in the middle', async () => {
    const admin = await env.both(2);
    const waiter = await pair(env);
    waiter.nodis.send('BLPOP', 'q', 0);
    waiter.redis.send('BLPOP', 'q', 0);
    await new Promise((r) => setTimeout(r, 50));
    await admin.do('MULTI');
    await admin.do('LPUSH', 'q', 'a', 'b');
    await admin.do('LPOP', 'q');
    await admin.do('EXEC');
    assert.equal(await waiter.nodis.read(), await waiter.redis.read());
    await admin.do('LLEN', 'q');
    admin.close();
    waiter.close();
  });

  test('a client that disconnects or is killed in the middle of MULTI leaves nothing behind', async () => {
    const admin = await env.both(2);
    // Disconnects after queueing, and after sending half of EXEC.
    for (const tail of ['', '*1\r\n$4\r\nEX']) {
      const quitter = await pair(env);
      await quitter.do('MULTI');
      await quitter.do('SET', 'a', '1');
      await quitter.do('INCR', 'counter');
      if (tail !== '') {
        quitter.nodis.writeRaw(tail);
        quitter.redis.writeRaw(tail);
      }
      quitter.close();
    }
    // Killed by another client while in MULTI.
    const victim = await pair(env);
    await victim.do('CLIENT', 'SETNAME', 'victim');
    await victim.do('MULTI');
    await victim.do('SET', 'b', '1');
    const [nodisList, redisList] = [await admin.nodis.call('CLIENT', 'LIST'), await admin.redis.call('CLIENT', 'LIST')];
    const idOf = (list: string): string => /id=(\d+) [^\n]*name=victim/.exec(list)![1]!;
    admin.nodis.send('CLIENT', 'KILL', 'ID', idOf(nodisList));
    admin.redis.send('CLIENT', 'KILL', 'ID', idOf(redisList));
    assert.equal(await admin.nodis.read(), await admin.redis.read());
    await new Promise((r) => setTimeout(r, 50));
    await admin.do('EXISTS', 'a', 'b', 'counter');
    await admin.do('DBSIZE');
    victim.close();
    admin.close();
  });
});
