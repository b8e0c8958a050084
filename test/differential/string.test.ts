import { diffSuite, diffTest } from '../helpers/differential.js';

const BIN = '\x00\xff\r\n\x7f\x80 bin';

diffSuite('strings', (env) => {
  diffTest(env, 'SET/GET basics, binary values, wrong types', async (b) => {
    await b.do('GET', 'missing');
    await b.do('SET', 'k', 'v');
    await b.do('GET', 'k');
    await b.do('SET', BIN, BIN);
    await b.do('GET', BIN);
    await b.do('SET', 'empty', '');
    await b.do('GET', 'empty');
    await b.do('STRLEN', 'empty');
    await b.do('RPUSH', 'list', 'a').catch(() => undefined);
  });

  diffTest(env, 'SET options and their conflicts', async (b) => {
    await b.do('SET', 'k', 'v', 'NX');
    await b.do('SET', 'k', 'v2', 'NX');
    await b.do('SET', 'k', 'v3', 'XX');
    await b.do('SET', 'nokey', 'v', 'XX');
    await b.do('GET', 'k');
    await b.do('SET', 'k', 'v4', 'GET');
    await b.do('SET', 'k2', 'v', 'GET');
    await b.do('SET', 'k', 'v5', 'NX', 'GET');
    await b.do('SET', 'k', 'v', 'NX', 'XX');
    await b.do('SET', 'k', 'v', 'XX', 'NX');
    await b.do('SET', 'k', 'v', 'EX', '10', 'PX', '100');
    await b.do('SET', 'k', 'v', 'EX', '10', 'KEEPTTL');
    await b.do('SET', 'k', 'v', 'KEEPTTL', 'EX', '10');
    await b.do('SET', 'k', 'v', 'EX');
    await b.do('SET', 'k', 'v', 'EX', 'abc');
    await b.do('SET', 'k', 'v', 'EX', '0');
    await b.do('SET', 'k', 'v', 'EX', '-1');
    await b.do('SET', 'k', 'v', 'PX', '0');
    await b.do('SET', 'k', 'v', 'EX', '9223372036854775807');
    await b.do('SET', 'k', 'v', 'PX', '9223372036854775807');
    await b.do('SET', 'k', 'v', 'EXAT', '9223372036854775807');
    await b.do('SET', 'k', 'v', 'PERSIST');
    await b.do('SET', 'k', 'v', 'FOO');
    await b.do('SET', 'k', 'v', 'ex', '100', 'ex', '200');
    await b.doApprox(1, 'TTL', 'k');
    await b.do('SET', 'k', 'v', 'PX', '100000');
    await b.doApprox(50, 'PTTL', 'k');
    await b.do('SET', 'k', 'v2', 'KEEPTTL');
    await b.doApprox(50, 'PTTL', 'k');
    await b.do('SET', 'k', 'v3');
    await b.do('TTL', 'k');
    await b.do('SET', 'k', 'v', 'EXAT', '4102444800');
    await b.do('EXPIRETIME', 'k');
    await b.do('SET', 'k', 'v', 'PXAT', '4102444800123');
    await b.do('PEXPIRETIME', 'k');
    await b.do('SET', 'past', 'v', 'PXAT', '1000');
    await b.do('GET', 'past');
    await b.do('LPUSH', 'list', 'x');
    await b.do('SET', 'list', 'v', 'GET');
    await b.do('GET', 'list');
  });

  diffTest(env, 'SETNX SETEX PSETEX GETSET GETDEL', async (b) => {
    await b.do('SETNX', 'k', '1');
    await b.do('SETNX', 'k', '2');
    await b.do('GET', 'k');
    await b.do('SETEX', 'k', '100', 'v');
    await b.doApprox(1, 'TTL', 'k');
    await b.do('SETEX', 'k', '0', 'v');
    await b.do('SETEX', 'k', '-5', 'v');
    await b.do('SETEX', 'k', 'x', 'v');
    await b.do('PSETEX', 'k', '100000', 'v');
    await b.doApprox(50, 'PTTL', 'k');
    await b.do('PSETEX', 'k', '0', 'v');
    await b.do('GETSET', 'k', 'new');
    await b.do('TTL', 'k');
    await b.do('GETSET', 'nokey', 'new');
    await b.do('GETDEL', 'k');
    await b.do('GETDEL', 'k');
    await b.do('EXISTS', 'k');
    await b.do('LPUSH', 'list', 'x');
    await b.do('GETSET', 'list', 'v');
    await b.do('GETDEL', 'list');
  });

  diffTest(env, 'GETEX', async (b) => {
    await b.do('GETEX', 'missing', 'EX', '10');
    await b.do('SET', 'k', 'v');
    await b.do('GETEX', 'k');
    await b.do('GETEX', 'k', 'EX', '100');
    await b.doApprox(1, 'TTL', 'k');
    await b.do('GETEX', 'k', 'PX', '200000');
    await b.doApprox(1, 'TTL', 'k');
    await b.do('GETEX', 'k', 'EXAT', '4102444800');
    await b.do('EXPIRETIME', 'k');
    await b.do('GETEX', 'k', 'PERSIST');
    await b.do('TTL', 'k');
    await b.do('GETEX', 'k', 'EX', '10', 'PERSIST');
    await b.do('GETEX', 'k', 'PERSIST', 'EX', '10');
    await b.do('GETEX', 'k', 'KEEPTTL');
    await b.do('GETEX', 'k', 'NX');
    await b.do('GETEX', 'k', 'EX', '0');
    await b.do('GETEX', 'k', 'EX', 'x');
    await b.do('GETEX', 'k', 'PXAT', '1');
    await b.do('EXISTS', 'k');
    await b.do('LPUSH', 'list', 'x');
    await b.do('GETEX', 'list', 'EX', '10');
  });

  diffTest(env, 'MSET MSETNX MGET', async (b) => {
    await b.do('MSET', 'a', '1', 'b', '2', BIN, BIN);
    await b.do('MGET', 'a', 'b', 'missing', BIN);
    await b.do('MSET', 'a', '1', 'b');
    await b.do('MSETNX', 'a', 'x', 'c', '3');
    await b.do('MGET', 'a', 'c');
    await b.do('MSETNX', 'c', '3', 'd', '4');
    await b.do('MSETNX', 'c', '3', 'd');
    await b.do('LPUSH', 'list', 'x');
    await b.do('MGET', 'a', 'list', 'c');
  });

  diffTest(env, 'APPEND STRLEN GETRANGE SETRANGE SUBSTR', async (b) => {
    await b.do('APPEND', 'k', 'hello');
    await b.do('APPEND', 'k', ' world');
    await b.do('APPEND', 'k', BIN);
    await b.do('GET', 'k');
    await b.do('STRLEN', 'k');
    await b.do('STRLEN', 'missing');
    for (const [s, e] of [[0, 3], [-3, -1], [0, -1], [5, 2], [-1, -5], [100, 200], [-100, 2], [0, 9223372036854775807], ['-9223372036854775808', 3]]) {
      await b.do('GETRANGE', 'k', s!, e!);
    }
    await b.do('GETRANGE', 'k', 'x', '1');
    await b.do('GETRANGE', 'missing', 0, -1);
    await b.do('SUBSTR', 'k', 1, 4);
    await b.do('SETRANGE', 'k', 6, 'WORLD');
    await b.do('GET', 'k');
    await b.do('SETRANGE', 'k', 30, 'far');
    await b.do('GET', 'k');
    await b.do('SETRANGE', 'k', 0, '');
    await b.do('SETRANGE', 'new', 3, 'abc');
    await b.do('GET', 'new');
    await b.do('SETRANGE', 'empty', 5, '');
    await b.do('EXISTS', 'empty');
    await b.do('SETRANGE', 'k', -1, 'x');
    await b.do('SETRANGE', 'k', 'x', 'x');
    await b.do('SETRANGE', 'k', 536870912, 'x');
    await b.do('SET', 'n', '12345');
    await b.do('APPEND', 'n', '6');
    await b.do('GET', 'n');
    await b.do('INCR', 'n');
    await b.do('LPUSH', 'list', 'x');
    await b.do('APPEND', 'list', 'x');
    await b.do('SETRANGE', 'list', 0, 'x');
    await b.do('GETRANGE', 'list', 0, 1);
    await b.do('STRLEN', 'list');
  });

  diffTest(env, 'INCR DECR INCRBY DECRBY', async (b) => {
    await b.do('INCR', 'n');
    await b.do('INCRBY', 'n', 10);
    await b.do('DECR', 'n');
    await b.do('DECRBY', 'n', 5);
    await b.do('INCRBY', 'n', -100);
    await b.do('SET', 'n', '9223372036854775806');
    await b.do('INCR', 'n');
    await b.do('INCR', 'n');
    await b.do('SET', 'n', '-9223372036854775807');
    await b.do('DECR', 'n');
    await b.do('DECR', 'n');
    await b.do('DECRBY', 'n', '-9223372036854775808');
    await b.do('INCRBY', 'n', '9223372036854775808');
    await b.do('INCRBY', 'n', 'abc');
    await b.do('INCRBY', 'n', '1.5');
    for (const bad of [' 1', '1 ', '01', '+1', '1e3', '0x10', '', '-0', '99999999999999999999']) {
      await b.do('SET', 'bad', bad);
      await b.do('INCR', 'bad');
    }
    await b.do('SET', 't', '10', 'EX', '100');
    await b.do('INCR', 't');
    await b.doApprox(1, 'TTL', 't');
    await b.do('LPUSH', 'list', 'x');
    await b.do('INCR', 'list');
  });

  diffTest(env, 'INCRBYFLOAT formatting and errors', async (b) => {
    await b.do('INCRBYFLOAT', 'f', '0.1');
    await b.do('INCRBYFLOAT', 'f', '0.1');
    await b.do('INCRBYFLOAT', 'f', '0.1');
    await b.do('INCRBYFLOAT', 'f', '-0.3');
    for (const [start, incr] of [['10.5', '0.1'], ['5.0e3', '2.0e2'], ['1e17', '1'], ['3', '-3'], ['1.1', '0'], ['0x10', '1'], ['1e300', '1'], ['1', '1e-18'], ['12345678901234567890', '1'], ['3.0', '1.1'], ['-1.5', '0.25'], ['1', '-inf'], ['1', 'inf'], ['1', 'nan'], ['1', 'abc'], ['1', ' 1'], ['1', '1 '], ['abc', '1'], ['1', '1e5000'], ['1.7976931348623157e308', '1.7976931348623157e308']]) {
      await b.do('SET', 'g', start!);
      await b.do('INCRBYFLOAT', 'g', incr!);
      await b.do('GET', 'g');
    }
    await b.do('SET', 't', '1', 'EX', '100');
    await b.do('INCRBYFLOAT', 't', '1.5');
    await b.doApprox(1, 'TTL', 't');
    await b.do('LPUSH', 'list', 'x');
    await b.do('INCRBYFLOAT', 'list', '1');
  });

  diffTest(env, 'LCS', async (b) => {
    await b.do('MSET', 'a', 'ohmytext', 'b', 'mynewtext', 'c', 'rxa12345xyzabc', 'd', 'bxyz1234a5c6');
    await b.do('LCS', 'a', 'b');
    await b.do('LCS', 'a', 'b', 'LEN');
    await b.do('LCS', 'a', 'b', 'IDX');
    await b.do('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN');
    await b.do('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN');
    await b.do('LCS', 'c', 'd', 'IDX', 'MINMATCHLEN', 2);
    await b.do('LCS', 'c', 'd', 'IDX', 'MINMATCHLEN', -3);
    await b.do('LCS', 'a', 'missing');
    await b.do('LCS', 'missing', 'missing2', 'IDX');
    await b.do('LCS', 'a', 'b', 'LEN', 'IDX');
    await b.do('LCS', 'a', 'b', 'FOO');
    await b.do('LCS', 'a', 'b', 'MINMATCHLEN');
    await b.do('LCS', 'a', 'b', 'MINMATCHLEN', 'x');
    await b.do('LPUSH', 'list', 'x');
    await b.do('LCS', 'a', 'list');
  });

  diffTest(env, 'arity errors', async (b) => {
    for (const cmd of ['SET', 'GET', 'GETEX', 'GETDEL', 'GETSET', 'SETNX', 'SETEX', 'PSETEX', 'MGET', 'MSET', 'MSETNX', 'APPEND', 'STRLEN', 'GETRANGE', 'SETRANGE', 'SUBSTR', 'INCR', 'DECR', 'INCRBY', 'DECRBY', 'INCRBYFLOAT', 'LCS']) {
      await b.do(cmd);
    }
    await b.do('GET', 'a', 'b');
    await b.do('SETEX', 'a', '1');
  });
});
