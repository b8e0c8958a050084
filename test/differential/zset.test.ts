import assert from 'node:assert/strict';
import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('sorted sets', (env) => {
  diffTest(env, 'ZADD options and errors, ZINCRBY, ZSCORE, ZMSCORE, ZCARD', async (b) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '-3.5', 'c', 'inf', 'top', '-inf', 'bottom');
    await b.do('ZADD', 'z', 'NX', '10', 'a', '10', 'new');
    await b.do('ZADD', 'z', 'XX', '5', 'a', '5', 'nope');
    await b.do('ZADD', 'z', 'XX', 'CH', '6', 'a', '2', 'b');
    await b.do('ZADD', 'z', 'GT', 'CH', '1', 'a', '100', 'b');
    await b.do('ZADD', 'z', 'LT', 'CH', '1', 'a', '200', 'b');
    await b.do('ZADD', 'z', 'INCR', '1.5', 'a');
    await b.do('ZADD', 'z', 'NX', 'INCR', '1', 'a');
    await b.do('ZADD', 'z', 'GT', 'INCR', '-1', 'a');
    await b.do('ZADD', 'z', 'NX', 'XX', '1', 'a');
    await b.do('ZADD', 'z', 'GT', 'LT', '1', 'a');
    await b.do('ZADD', 'z', 'NX', 'GT', '1', 'a');
    await b.do('ZADD', 'z', 'INCR', '1', 'a', '2', 'b');
    await b.do('ZADD', 'z', '1');
    await b.do('ZADD', 'z', 'x', 'a');
    await b.do('ZADD', 'z', 'nan', 'a');
    await b.do('ZADD', 'z', 'INCR', 'inf', 'top2');
    await b.do('ZADD', 'z', 'INCR', '-inf', 'top2');
    await b.do('ZADD', 'missing', 'XX', '1', 'a');
    await b.do('EXISTS', 'missing');
    await b.do('ZINCRBY', 'z', '0.1', 'c');
    await b.do('ZINCRBY', 'z', 'x', 'c');
    await b.do('ZSCORE', 'z', 'c');
    await b.do('ZSCORE', 'z', 'nope');
    await b.do('ZSCORE', 'missing', 'a');
    await b.do('ZMSCORE', 'z', 'a', 'nope', 'top', 'bottom');
    await b.do('ZMSCORE', 'missing', 'a');
    await b.do('ZCARD', 'z');
    await b.do('ZRANGE', 'z', 0, -1, 'WITHSCORES');
    await b.do('SET', 's', 'v');
    for (const cmd of [['ZADD', 's', '1', 'a'], ['ZSCORE', 's', 'a'], ['ZRANGE', 's', 0, 1], ['ZREM', 's', 'a'], ['ZPOPMIN', 's'], ['ZCARD', 's']]) await b.do(...cmd);
  });

  diffTest(env, 'score formatting: short binary fractions, exact ties at 17 digits, long fractions', async (b) => {
    const scores = ['123.25', '-0.5', '0.0009765625', '9203006760.30078125', '9609299868195.15625', '-94997362214136.5625', '99999999.9990234375', '4503599627370495.5', '0.1', '1e-5', '0.00025', '1.5e300', '-2.5e-300', '3', '1.00000762939453125', '-0.500003814697265625', '12345678.123456789'];
    const args: string[] = [];
    scores.forEach((sc, i) => args.push(sc, `m${i}`));
    await b.do('ZADD', 'f', ...args);
    for (let i = 0; i < scores.length; i++) await b.do('ZSCORE', 'f', `m${i}`);
    await b.do('ZRANGE', 'f', 0, -1, 'WITHSCORES');
    await b.do('ZINCRBY', 'f', '0.125', 'm0');
    await b.do('ZADD', 'f', 'INCR', '-0.0625', 'm1');
    await b.do('ZINCRBY', 'f', '0.0000152587890625', 'm0');
  });

  diffTest(env, "C's strtod in score ranges (empty is 0, leading blanks skipped); option words in ZINCRBY", async (b) => {
    await b.do('ZADD', 'r', '0', 'a', '1', 'b', '-1', 'c', '2', 'd');
    for (const [min, max] of [['', ''], ['(', '('], [' 1', '1'], ['( 1', '2'], ['  ', '1'], ['1 ', '1'], [' +inf', '-inf'], ['-inf', ' (1'], ['\t\n-1', '\r1']]) {
      await b.do('ZRANGEBYSCORE', 'r', min!, max!);
      await b.do('ZCOUNT', 'r', min!, max!);
      await b.do('ZRANGE', 'r', min!, max!, 'BYSCORE');
      await b.do('ZREMRANGEBYSCORE', 'missing', min!, max!);
    }
    for (const args of [['NX', 'a'], ['nx', 'xx'], ['gt', '5'], ['5', 'gt'], ['CH', 'CH'], ['incr', 'a'], ['1.5', 'a'], ['x', 'a'], [' 1', 'a']]) {
      await b.do('ZINCRBY', 'r', ...args);
    }
    await b.do('ZRANGE', 'r', 0, -1, 'WITHSCORES');
    // strtod's ERANGE: overflow and underflow to 0 are refused, a subnormal is kept.
    for (const sc of ['1e400', '-1e400', '1e-400', '1e-310', '0e-400', '0x1p5000', '0x1p-5000', '0x0p-5000', 'inf', '-Infinity']) {
      await b.do('ZADD', 'e', sc, `m${sc}`);
      await b.do('ZINCRBY', 'e', sc, 'acc');
      await b.do('ZUNIONSTORE', 'u', 1, 'r', 'WEIGHTS', sc);
    }
    await b.do('ZRANGE', 'e', 0, -1, 'WITHSCORES');
  });

  diffTest(env, 'ZRANK ZREVRANK ZCOUNT ZLEXCOUNT', async (b, resp) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '3', 'd');
    await b.do('ZRANK', 'z', 'c');
    await b.do('ZREVRANK', 'z', 'c');
    await b.do('ZRANK', 'z', 'nope');
    await b.do('ZRANK', 'missing', 'a');
    // WITHSCORE is new in 7.2 (the 7.0 oracle rejects it).
    assert.equal(await b.nodis.call('ZRANK', 'z', 'c', 'WITHSCORE'), resp === 2 ? '*2\r\n:2\r\n$1\r\n3\r\n' : '*2\r\n:2\r\n,3\r\n');
    assert.equal(await b.nodis.call('ZREVRANK', 'z', 'nope', 'WITHSCORE'), resp === 2 ? '*-1\r\n' : '_\r\n');
    for (const [min, max] of [['-inf', '+inf'], ['(1', '3'], ['1', '(3'], ['2', '1'], ['x', '1'], ['(x', '2'], ['3', '3']]) await b.do('ZCOUNT', 'z', min!, max!);
    await b.do('ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e');
    for (const [min, max] of [['-', '+'], ['[b', '[d'], ['(b', '(d'], ['[c', '+'], ['-', '(c'], ['+', '-'], ['b', 'c'], ['[a', 'x']]) await b.do('ZLEXCOUNT', 'lex', min!, max!);
  });

  diffTest(env, 'ZRANGE in every form and the legacy range commands', async (b) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '5', 'ee');
    for (const args of [
      [0, -1], [1, 2, 'WITHSCORES'], [-2, -1], [5, 2], [0, 100], [0, -1, 'REV'], [0, 1, 'REV', 'WITHSCORES'],
      ['(1', '4', 'BYSCORE'], ['-inf', '+inf', 'BYSCORE', 'LIMIT', 1, 2], ['-inf', '+inf', 'BYSCORE', 'LIMIT', 1, -1], ['-inf', '+inf', 'BYSCORE', 'LIMIT', -1, 2], ['-inf', '+inf', 'BYSCORE', 'LIMIT', 0, 0],
      ['5', '(2', 'BYSCORE', 'REV', 'WITHSCORES'], ['x', '1', 'BYSCORE'], [0, 1, 'LIMIT', 0, 1], ['-', '+', 'BYLEX', 'WITHSCORES'], ['[a', '[c', 'BYLEX'], ['x', 'y', 'BYLEX'],
      [0, 1, 'FOO'], [0, 1, 'BYSCORE', 'BYLEX'], [0, 1, 'REV', 'REV'],
    ]) {
      await b.do('ZRANGE', 'z', ...args);
    }
    await b.do('ZREVRANGE', 'z', 0, 2, 'WITHSCORES');
    await b.do('ZREVRANGE', 'z', 0, 2, 'REV');
    await b.do('ZRANGEBYSCORE', 'z', '2', '4', 'WITHSCORES', 'LIMIT', 1, 5);
    await b.do('ZRANGEBYSCORE', 'z', '2', '4', 'BYSCORE');
    await b.do('ZREVRANGEBYSCORE', 'z', '4', '2');
    await b.do('ZREVRANGEBYSCORE', 'z', '+inf', '(4', 'WITHSCORES');
    await b.do('ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
    await b.do('ZRANGEBYLEX', 'lex', '(a', '[c');
    await b.do('ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', 1, 2);
    await b.do('ZREVRANGEBYLEX', 'lex', '+', '(b');
    await b.do('ZRANGEBYLEX', 'lex', 'a', 'c');
    await b.do('ZRANGE', 'missing', 0, -1);
  });

  diffTest(env, 'ZREM ZREMRANGEBY* ZPOPMIN ZPOPMAX', async (b) => {
    await b.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f');
    await b.do('ZREM', 'z', 'a', 'nope', 'a');
    await b.do('ZREMRANGEBYRANK', 'z', 0, 0);
    await b.do('ZREMRANGEBYSCORE', 'z', '(3', '4');
    await b.do('ZREMRANGEBYSCORE', 'z', 'x', '4');
    await b.do('ZRANGE', 'z', 0, -1);
    await b.do('ZPOPMIN', 'z');
    await b.do('ZPOPMAX', 'z', 1);
    await b.do('ZPOPMAX', 'z', 0);
    await b.do('ZPOPMIN', 'z', -1);
    await b.do('ZPOPMIN', 'z', 10);
    await b.do('EXISTS', 'z');
    await b.do('ZPOPMIN', 'missing');
    await b.do('ZPOPMIN', 'missing', 2);
    await b.do('ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c');
    await b.do('ZREMRANGEBYLEX', 'lex', '[a', '(c');
    await b.do('ZREMRANGEBYLEX', 'lex', 'a', 'c');
    await b.do('ZREMRANGEBYLEX', 'lex', '-', '+');
    await b.do('EXISTS', 'lex');
    await b.do('ZREM', 'missing', 'a');
  });

  diffTest(env, 'encodings', async (b) => {
    await b.do('ZADD', 'small', '1', 'a');
    await b.do('OBJECT', 'ENCODING', 'small');
    await b.do('ZADD', 'long', '1', 'x'.repeat(65));
    await b.do('OBJECT', 'ENCODING', 'long');
    await b.nodis.call('ZADD', 'many', ...Array.from({ length: 129 }, (_, i) => [String(i), `m${i}`]).flat());
    await b.redis.call('ZADD', 'many', ...Array.from({ length: 129 }, (_, i) => [String(i), `m${i}`]).flat());
    await b.do('OBJECT', 'ENCODING', 'many');
    await b.do('ZRANGE', 'many', 125, -1, 'WITHSCORES');
    assert.equal(await b.nodis.call('TYPE', 'many'), '+zset\r\n');
  });
});
