import assert from 'node:assert/strict';
import { diffSuite, diffTest, parseReply } from '../helpers/differential.js';

diffSuite('sets', (env) => {
  diffTest(env, 'SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS', async (b) => {
    await b.do('SADD', 'ints', '5', '1', '3', '-7', '1');
    await b.do('SMEMBERS', 'ints');
    await b.do('OBJECT', 'ENCODING', 'ints');
    await b.do('SADD', 's', 'a', 'b', 'c', '\x00\xff');
    await b.doSorted('SMEMBERS', 's');
    // Redis 7.2 keeps small non-integer sets as listpacks (7.0, the oracle, uses hashtable).
    assert.equal(await b.nodis.call('OBJECT', 'ENCODING', 's'), '$8\r\nlistpack\r\n');
    await b.nodis.call('SADD', 'big', ...Array.from({ length: 129 }, (_, i) => `m${i}`));
    assert.equal(await b.nodis.call('OBJECT', 'ENCODING', 'big'), '$9\r\nhashtable\r\n');
    await b.nodis.call('SADD', 'manyints', ...Array.from({ length: 513 }, (_, i) => String(i)));
    assert.equal(await b.nodis.call('OBJECT', 'ENCODING', 'manyints'), '$9\r\nhashtable\r\n');
    await b.do('SCARD', 's');
    await b.do('SISMEMBER', 's', 'a');
    await b.do('SISMEMBER', 's', 'z');
    await b.do('SMISMEMBER', 's', 'a', 'z', 'b');
    await b.do('SMISMEMBER', 'missing', 'a');
    await b.do('SREM', 's', 'a', 'z', 'a');
    await b.do('SREM', 'missing', 'a');
    await b.do('SADD', 'one', 'x');
    await b.do('SREM', 'one', 'x');
    await b.do('EXISTS', 'one');
    await b.do('SMEMBERS', 'missing');
    await b.do('SET', 'str', 'v');
    for (const cmd of [['SADD', 'str', 'a'], ['SMEMBERS', 'str'], ['SCARD', 'str'], ['SINTER', 's', 'str'], ['SMOVE', 'str', 's', 'a'], ['SMOVE', 's', 'str', 'b'], ['SPOP', 'str'], ['SRANDMEMBER', 'str']]) {
      await b.do(...cmd);
    }
  });

  diffTest(env, 'SINTER SUNION SDIFF and STORE variants, SINTERCARD', async (b) => {
    await b.do('SADD', 'a', '1', '2', '3', '4');
    await b.do('SADD', 'b', '3', '4', '5');
    await b.do('SADD', 'c', 'x', '3');
    await b.do('SINTER', 'a', 'b');
    await b.doSorted('SINTER', 'a', 'b', 'c');
    await b.do('SINTER', 'a', 'missing');
    await b.doSorted('SUNION', 'a', 'b', 'missing');
    await b.do('SDIFF', 'a', 'b');
    await b.do('SDIFF', 'missing', 'a');
    await b.do('SINTERSTORE', 'dst', 'a', 'b');
    await b.do('SMEMBERS', 'dst');
    await b.do('SUNIONSTORE', 'dst', 'a', 'b');
    await b.do('SCARD', 'dst');
    await b.do('SDIFFSTORE', 'dst', 'a', 'b');
    await b.do('SMEMBERS', 'dst');
    await b.do('SINTERSTORE', 'dst', 'a', 'missing');
    await b.do('EXISTS', 'dst');
    await b.do('SINTERCARD', 2, 'a', 'b');
    await b.do('SINTERCARD', 2, 'a', 'b', 'LIMIT', 1);
    await b.do('SINTERCARD', 2, 'a', 'b', 'LIMIT', 0);
    await b.do('SINTERCARD', 0, 'a');
    await b.do('SINTERCARD', 3, 'a', 'b');
    await b.do('SINTERCARD', 2, 'a', 'b', 'LIMIT', -1);
    await b.do('SINTERCARD', 2, 'a', 'b', 'FOO');
    await b.do('SINTERCARD', 1, 'missing');
  });

  diffTest(env, 'SMOVE SPOP SRANDMEMBER', async (b, resp) => {
    await b.do('SADD', 'src', '1', '2', '3');
    await b.do('SMOVE', 'src', 'dst', '2');
    await b.do('SMOVE', 'src', 'dst', '9');
    await b.do('SMOVE', 'missing', 'dst', '1');
    await b.do('SMOVE', 'src', 'src', '1');
    await b.do('SMEMBERS', 'dst');
    await b.do('SPOP', 'missing');
    await b.do('SPOP', 'missing', 3);
    await b.do('SPOP', 'src', 0);
    await b.do('SPOP', 'src', -1);
    await b.do('SPOP', 'src', 'x');
    await b.do('SPOP', 'src', 1, 2);
    await b.do('SRANDMEMBER', 'missing');
    await b.do('SRANDMEMBER', 'missing', 5);
    await b.do('SRANDMEMBER', 'src', 0);
    await b.do('SRANDMEMBER', 'src', 10);
    await b.do('SRANDMEMBER', 'src', 'x');
    await b.do('SRANDMEMBER', 'src', 1, 2);
    const repeated = parseReply(await b.nodis.call('SRANDMEMBER', 'src', -7)) as string[];
    assert.equal(repeated.length, 7);
    assert.ok(repeated.every((m) => m === '1' || m === '3'));
    await b.do('SPOP', 'src', 10);
    await b.do('EXISTS', 'src');
    await b.do('SADD', 'p', 'only');
    await b.do('SPOP', 'p');
    await b.do('EXISTS', 'p');
    void resp;
  });

  diffTest(env, 'SSCAN', async (b) => {
    await b.do('SADD', 'ints', '3', '1', '2');
    await b.do('SSCAN', 'ints', 0);
    await b.do('SSCAN', 'ints', 0, 'MATCH', '1*');
    await b.do('SSCAN', 'ints', 0, 'COUNT', 0);
    await b.do('SSCAN', 'missing', 0);
  });
});
