import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, parseReply } from '../helpers/differential.js';

const BIN = 'k\x00\xff\r\nbin';

diffSuite('keyspace', (env) => {
  diffTest(env, 'DEL UNLINK EXISTS TYPE DBSIZE TOUCH', async (b) => {
    await b.do('MSET', 'a', '1', 'b', '2', 'c', '3', BIN, 'v');
    await b.do('EXISTS', 'a', 'a', 'b', 'missing', BIN);
    await b.do('TYPE', 'a');
    await b.do('TYPE', 'missing');
    await b.do('DBSIZE');
    await b.do('TOUCH', 'a', 'b', 'missing');
    await b.do('DEL', 'a', 'missing', 'a');
    await b.do('UNLINK', 'b', BIN);
    await b.do('DBSIZE');
    await b.do('DEL');
  });

  diffTest(env, 'KEYS and glob patterns', async (b) => {
    const keys = ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'h[llo', 'a', 'ab', 'abc', '', 'user:1:name', 'user:22:name', 'x\\y', '\xff\x01', '-', ']'];
    for (const k of keys) await b.do('SET', k, 'v');
    for (const p of ['*', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h[b-a]llo', 'h\\*llo', 'h[llo', 'h[', '[', 'user:*:name', 'user:?:name', '*\\\\*', '\xff*', '[\x00-\xff]*', '*a*', '**', '?', '', '[]]', '[-]', 'a[^b]*', 'x\\', '[a-c]b*']) {
      await b.doSorted('KEYS', p);
    }
  });

  diffTest(env, 'RENAME and RENAMENX', async (b) => {
    await b.do('SET', 'a', '1', 'EX', '100');
    await b.do('RENAME', 'a', 'b');
    await b.do('GET', 'b');
    await b.doApprox(1, 'TTL', 'b');
    await b.do('RENAME', 'missing', 'x');
    await b.do('RENAMENX', 'missing', 'x');
    await b.do('RENAME', 'b', 'b');
    await b.do('RENAMENX', 'b', 'b');
    await b.do('SET', 'c', '3');
    await b.do('RENAMENX', 'b', 'c');
    await b.do('RENAME', 'b', 'c');
    await b.do('MGET', 'b', 'c');
    await b.doApprox(1, 'TTL', 'c');
  });

  diffTest(env, 'MOVE COPY SWAPDB SELECT', async (b) => {
    await b.do('SET', 'a', '1', 'PX', '100000');
    await b.do('MOVE', 'a', 1);
    await b.do('MOVE', 'a', 1);
    await b.do('MOVE', 'a', 0);
    await b.do('MOVE', 'a', 16);
    await b.do('MOVE', 'a', -1);
    await b.do('MOVE', 'a', 'x');
    await b.do('SELECT', 1);
    await b.do('GET', 'a');
    await b.doApprox(100, 'PTTL', 'a');
    await b.do('SET', 'x', 'y');
    await b.do('MOVE', 'x', 0);
    await b.do('COPY', 'a', 'a2');
    await b.do('COPY', 'a', 'a2');
    await b.do('COPY', 'a', 'a2', 'REPLACE');
    await b.doApprox(100, 'PTTL', 'a2');
    await b.do('COPY', 'a', 'a', 'DB', 1);
    await b.do('COPY', 'a', 'a');
    await b.do('COPY', 'a', 'a', 'DB', 0);
    await b.do('COPY', 'a', 'z', 'DB', 99);
    await b.do('COPY', 'a', 'z', 'DB', 'x');
    await b.do('COPY', 'a', 'z', 'DB');
    await b.do('COPY', 'a', 'z', 'FOO');
    await b.do('COPY', 'missing', 'z');
    await b.do('SELECT', 0);
    await b.do('GET', 'a');
    await b.do('APPEND', 'mut', 'abc');
    await b.do('APPEND', 'mut', 'def');
    await b.do('COPY', 'mut', 'mut2');
    await b.do('APPEND', 'mut', 'ghi');
    await b.do('MGET', 'mut', 'mut2');
    await b.do('SWAPDB', 0, 1);
    await b.do('GET', 'x');
    await b.do('SWAPDB', 0, 0);
    await b.do('SWAPDB', 0, 16);
    await b.do('SWAPDB', 'a', 1);
    await b.do('SWAPDB', 0, 'b');
    await b.do('SWAPDB', -1, 0);
    await b.do('SWAPDB', 1, 0);
    await b.do('DBSIZE');
  });

  diffTest(env, 'RANDOMKEY', async (b) => {
    await b.do('RANDOMKEY');
    await b.do('SET', 'only', '1');
    await b.do('RANDOMKEY');
  });

  diffTest(env, 'FLUSHDB FLUSHALL', async (b) => {
    await b.do('SET', 'a', '1');
    await b.do('FLUSHDB', 'ASYNC');
    await b.do('FLUSHDB', 'SYNC');
    await b.do('FLUSHDB', 'FOO');
    await b.do('FLUSHDB', 'ASYNC', 'SYNC');
    await b.do('FLUSHALL', 'BAR');
    await b.do('FLUSHALL', 'sync');
    await b.do('DBSIZE');
  });

  diffTest(env, 'SCAN option errors', async (b) => {
    await b.do('SCAN', 'abc');
    await b.do('SCAN', '-1');
    await b.do('SCAN', ' 0');
    await b.do('SCAN', '18446744073709551616');
    await b.do('SCAN', 0, 'COUNT', 0);
    await b.do('SCAN', 0, 'COUNT', 'x');
    await b.do('SCAN', 0, 'COUNT');
    await b.do('SCAN', 0, 'FOO', 'bar');
    await b.do('SCAN', 0, 'MATCH');
    await b.do('SCAN', 0, 'TYPE', 'nosuchtype');
  });

  diffTest(env, 'OBJECT', async (b) => {
    await b.do('SET', 'int', '12345');
    await b.do('SET', 'bigint', '123456789012345678');
    await b.do('SET', 'embstr', 'hello');
    await b.do('SET', 'raw', 'x'.repeat(45));
    await b.do('SET', 'edge44', 'x'.repeat(44));
    await b.do('SET', 'notint', '012');
    await b.do('APPEND', 'appended', 'abc');
    await b.do('APPEND', 'appended2', 'abc');
    await b.do('APPEND', 'appended2', 'def');
    await b.do('SETRANGE', 'ranged', 0, 'abc');
    await b.do('INCR', 'counter');
    await b.do('INCRBYFLOAT', 'float', '1.5');
    for (const k of ['int', 'bigint', 'embstr', 'raw', 'edge44', 'notint', 'appended', 'appended2', 'ranged', 'counter', 'float', 'missing']) {
      await b.do('OBJECT', 'ENCODING', k);
      await b.do('OBJECT', 'REFCOUNT', k);
    }
    await b.do('SET', 'bigcount', '99999');
    await b.do('OBJECT', 'REFCOUNT', 'bigcount');
    await b.doApprox(1, 'OBJECT', 'IDLETIME', 'int');
    await b.do('OBJECT', 'IDLETIME', 'missing');
    await b.do('OBJECT', 'FREQ', 'int');
    await b.do('OBJECT', 'FREQ', 'missing');
    await b.do('OBJECT', 'NOSUCH', 'int');
    await b.do('OBJECT');
    await b.do('OBJECT', 'ENCODING');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await b.do('SET', 'lfu', 'v');
    await b.do('OBJECT', 'FREQ', 'lfu');
    await b.do('OBJECT', 'IDLETIME', 'lfu');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });
});

diffSuite('keyspace (SCAN guarantees)', (env) => {
  test('a full SCAN returns every key, with MATCH, COUNT and TYPE, on both servers', async () => {
    const b = await env.both(2);
    for (let i = 0; i < 500; i++) await b.do('SET', `key:${i}`, String(i));
    for (const args of [[], ['MATCH', 'key:1*'], ['COUNT', '7'], ['TYPE', 'string'], ['TYPE', 'list'], ['MATCH', 'nomatch*', 'COUNT', '3']]) {
      const seen: Set<string>[] = [];
      for (const client of [b.nodis, b.redis]) {
        const keys = new Set<string>();
        let cursor = '0';
        do {
          const reply = parseReply(await client.call('SCAN', cursor, ...args)) as [string, string[]];
          cursor = reply[0];
          for (const k of reply[1]) keys.add(k);
        } while (cursor !== '0');
        seen.push(keys);
      }
      assert.deepEqual([...seen[0]!].sort(), [...seen[1]!].sort(), `SCAN ${args.join(' ')}`);
    }
    b.close();
  });

  test('keys present for the whole iteration are returned while others come and go', async () => {
    const b = await env.both(2);
    const c = b.nodis;
    for (let i = 0; i < 2000; i++) c.send('SET', `stable:${i}`, 'v');
    for (let i = 0; i < 2000; i++) await c.read();
    const seen = new Set<string>();
    let cursor = '0';
    let step = 0;
    do {
      const reply = parseReply(await c.call('SCAN', cursor, 'COUNT', 50)) as [string, string[]];
      cursor = reply[0];
      for (const k of reply[1]) seen.add(k);
      // Churn between steps: add and delete other keys, forcing hole reuse and compaction.
      for (let i = 0; i < 100; i++) await c.call('SET', `churn:${step}:${i}`, 'v');
      for (let i = 0; i < 100; i++) await c.call('DEL', `churn:${step}:${i}`);
      step++;
    } while (cursor !== '0');
    for (let i = 0; i < 2000; i++) assert.ok(seen.has(`stable:${i}`), `stable:${i} missing from the SCAN`);
    b.close();
  });
});
