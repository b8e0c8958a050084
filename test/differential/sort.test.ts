import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('SORT and SORT_RO', (env) => {
  diffTest(env, 'numeric, ALPHA, DESC, LIMIT on lists, sets and sorted sets', async (b) => {
    await b.do('RPUSH', 'l', '3', '1', '10', '2', '-5', '2.5');
    await b.do('SORT', 'l');
    await b.do('SORT', 'l', 'DESC');
    await b.do('SORT', 'l', 'ALPHA');
    await b.do('SORT', 'l', 'LIMIT', 1, 3);
    await b.do('SORT', 'l', 'LIMIT', -1, 2);
    await b.do('SORT', 'l', 'LIMIT', 10, 2);
    await b.do('SORT', 'l', 'LIMIT', 0, 0);
    await b.do('SORT', 'l', 'LIMIT', 2, -1, 'DESC');
    await b.do('SADD', 's', '5', '3', '9');
    await b.do('SORT', 's');
    await b.do('ZADD', 'z', '1', 'c', '2', 'a', '3', 'b');
    await b.do('SORT', 'z', 'ALPHA');
    await b.do('SORT', 'z', 'BY', 'nosort');
    await b.do('SORT', 'z', 'BY', 'nosort', 'DESC');
    await b.do('SORT', 'l', 'BY', 'nosort', 'LIMIT', 1, 2);
    await b.do('RPUSH', 'words', 'b', 'a', 'c');
    await b.do('SORT', 'words');
    await b.do('SORT', 'words', 'ALPHA', 'DESC');
    await b.do('SORT', 'missing');
    await b.do('SORT', 'l', 'FOO');
    // Numeric sort reads elements with C's strtod: '' is 0, leading blanks are skipped.
    await b.do('RPUSH', 'blanks', '3', '', ' 2', '1', '\t-4');
    await b.do('SORT', 'blanks');
    await b.do('RPUSH', 'bad', '1', '2 ');
    await b.do('SORT', 'bad');
    // strtod's ERANGE, even for a subnormal, is a conversion error; an exact 0 is not. (The
    // exact 0 goes first: Redis does not clear errno before that strtod, so a SORT soon after
    // one that hit ERANGE can fail as well; nodis does not copy that history.)
    for (const [k, v] of [['zero', '0e-400'], ['big', '1e400'], ['tiny', '1e-310'], ['under', '1e-400']]) {
      await b.do('RPUSH', k!, '1', v!);
      await b.do('SORT', k!);
    }
    await b.do('SET', 'str', 'v');
    await b.do('SORT', 'str');
  });

  diffTest(env, 'BY and GET patterns, hash fields, STORE, SORT_RO', async (b) => {
    await b.do('RPUSH', 'ids', '1', '2', '3');
    await b.do('MSET', 'w_1', '30', 'w_2', '10', 'w_3', '20', 'name_1', 'one', 'name_2', 'two');
    await b.do('HSET', 'h_1', 'age', '40');
    await b.do('HSET', 'h_2', 'age', '5');
    await b.do('HSET', 'h_3', 'age', '25');
    await b.do('SORT', 'ids', 'BY', 'w_*');
    await b.do('SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'name_*');
    await b.do('SORT', 'ids', 'BY', 'h_*->age', 'DESC', 'GET', 'h_*->age');
    await b.do('SORT', 'ids', 'BY', 'name_*', 'ALPHA');
    await b.do('SORT', 'ids', 'GET', 'missing_*');
    await b.do('SORT', 'ids', 'STORE', 'out');
    await b.do('LRANGE', 'out', 0, -1);
    await b.do('SORT', 'ids', 'BY', 'w_*', 'GET', 'name_*', 'STORE', 'out');
    await b.do('LRANGE', 'out', 0, -1);
    await b.do('SORT', 'missing', 'STORE', 'out');
    await b.do('EXISTS', 'out');
    await b.do('SORT_RO', 'ids', 'BY', 'w_*');
    await b.do('SORT_RO', 'ids', 'STORE', 'out');
    await b.do('RPUSH', 'bad', 'x', '1');
    await b.do('SORT', 'bad');
    await b.do('SADD', 'set', 'b', 'a', 'c');
    await b.do('SORT', 'set', 'BY', 'nosort', 'STORE', 'out');
    await b.do('LRANGE', 'out', 0, -1);
  });
});
