import assert from 'node:assert/strict';
import { diffSuite, diffTest, parseReply } from '../helpers/differential.js';

diffSuite('hashes', (env) => {
  diffTest(env, 'HSET HGET HMGET HGETALL HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS', async (b) => {
    await b.do('HSET', 'h', 'f1', 'v1', 'f2', 'v2', '\x00bin', '\xff');
    await b.do('HSET', 'h', 'f1', 'new', 'f3', 'v3');
    await b.do('HSET', 'h', 'f1');
    await b.do('HMSET', 'h', 'f4', 'v4');
    await b.do('HMSET', 'h', 'f4');
    await b.do('HGET', 'h', 'f1');
    await b.do('HGET', 'h', 'nope');
    await b.do('HGET', 'missing', 'f');
    await b.do('HMGET', 'h', 'f1', 'nope', '\x00bin');
    await b.do('HMGET', 'missing', 'a', 'b');
    await b.do('HGETALL', 'h');
    await b.do('HGETALL', 'missing');
    await b.do('HKEYS', 'h');
    await b.do('HVALS', 'h');
    await b.do('HLEN', 'h');
    await b.do('HSTRLEN', 'h', 'f1');
    await b.do('HSTRLEN', 'h', 'nope');
    await b.do('HEXISTS', 'h', 'f2');
    await b.do('HEXISTS', 'h', 'nope');
    await b.do('HSETNX', 'h', 'f1', 'x');
    await b.do('HSETNX', 'h', 'f9', 'x');
    await b.do('HDEL', 'h', 'f1', 'f1', 'nope');
    await b.do('HDEL', 'missing', 'a');
    await b.do('HSET', 'one', 'a', '1');
    await b.do('HDEL', 'one', 'a');
    await b.do('EXISTS', 'one');
    await b.do('SET', 's', 'v');
    for (const cmd of [['HSET', 's', 'a', 'b'], ['HGET', 's', 'a'], ['HGETALL', 's'], ['HDEL', 's', 'a'], ['HLEN', 's'], ['HINCRBY', 's', 'a', 1], ['HRANDFIELD', 's']]) {
      await b.do(...cmd);
    }
  });

  diffTest(env, 'HINCRBY HINCRBYFLOAT', async (b) => {
    await b.do('HINCRBY', 'h', 'n', 5);
    await b.do('HINCRBY', 'h', 'n', -10);
    await b.do('HINCRBY', 'h', 'n', 'x');
    await b.do('HSET', 'h', 'big', '9223372036854775807', 'str', 'abc', 'f', '1.5');
    await b.do('HINCRBY', 'h', 'big', 1);
    await b.do('HINCRBY', 'h', 'str', 1);
    await b.do('HINCRBYFLOAT', 'h', 'f', '0.1');
    await b.do('HINCRBYFLOAT', 'h', 'f', '0.1');
    await b.do('HINCRBYFLOAT', 'h', 'new', '1e3');
    await b.do('HINCRBYFLOAT', 'h', 'str', '1');
    await b.do('HINCRBYFLOAT', 'h', 'f', 'inf');
    await b.do('HINCRBYFLOAT', 'h', 'f', 'abc');
    await b.do('HINCRBYFLOAT', 'h', 'big', '1');
    await b.do('HGETALL', 'h');
  });

  diffTest(env, 'HRANDFIELD shapes and errors', async (b, resp) => {
    await b.do('HRANDFIELD', 'missing');
    await b.do('HRANDFIELD', 'missing', 5);
    await b.do('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    await b.do('HRANDFIELD', 'h', 0);
    await b.doSorted('HRANDFIELD', 'h', 10);
    await b.do('HRANDFIELD', 'h', 1, 'FOO');
    await b.do('HRANDFIELD', 'h', 'x');
    await b.do('HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES');
    const reply = parseReply(await b.nodis.call('HRANDFIELD', 'h', -5, 'WITHVALUES')) as unknown[];
    assert.equal(reply.length, resp === 2 ? 10 : 5);
    const two = parseReply(await b.nodis.call('HRANDFIELD', 'h', 2)) as string[];
    assert.equal(new Set(two).size, 2);
  });

  diffTest(env, 'HSCAN and encodings', async (b) => {
    await b.do('HSET', 'h', 'a', '1', 'b', '2', 'ab', '3');
    await b.do('HSCAN', 'h', 0);
    await b.do('HSCAN', 'h', 0, 'MATCH', 'a*');
    await b.do('HSCAN', 'h', 0, 'COUNT', 0);
    await b.do('HSCAN', 'h', 'x');
    await b.do('HSCAN', 'missing', 0);
    await b.do('OBJECT', 'ENCODING', 'h');
    await b.do('HSET', 'h', 'long', 'x'.repeat(65));
    await b.do('OBJECT', 'ENCODING', 'h');
    await b.do('HSET', 'h2', 'long', 'x'.repeat(64));
    await b.do('OBJECT', 'ENCODING', 'h2');
    await b.do('COPY', 'h', 'h3');
    await b.doSorted('HGETALL', 'h3');
    await b.do('TYPE', 'h');
  });
});
