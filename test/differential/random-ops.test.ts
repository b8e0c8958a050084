/**
 * Randomized differential test: long seeded sequences of operations on a few keys of each
 * type go to nodis and to redis-server; every reply must match (sorted where Redis's order
 * is unspecified), and so must the final contents of every key.
 */
import { test } from 'node:test';
import { diffSuite } from '../helpers/differential.js';
import { lcg as rng } from '../helpers/rng.js';

diffSuite('randomized operations on every type', (env) => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: 1500 random operations`, async () => {
      const b = await env.both(seed === 2 ? 3 : 2);
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const member = (): string => pick(['a', 'b', 'c', 'd', 'e', '1', '2', '10', '-3', 'x\x00y']);
      const num = (): string => String(Math.floor(r() * 21) - 10);
      const score = (): string => pick(['1', '2', '2', '-1.5', '0', '3.25', 'inf', '-inf', '7']);
      const keys = { l: ['l1', 'l2'], h: ['h1', 'h2'], s: ['s1', 's2'], z: ['z1', 'z2'] };
      type Op = () => [(string | number)[], boolean];
      const ops: Op[] = [
        () => [['LPUSH', pick(keys.l), member(), member()], false],
        () => [['RPUSH', pick(keys.l), member()], false],
        () => [['LPOP', pick(keys.l)], false],
        () => [['RPOP', pick(keys.l), Math.floor(r() * 3)], false],
        () => [['LRANGE', pick(keys.l), num(), num()], false],
        () => [['LREM', pick(keys.l), num(), member()], false],
        () => [['LINSERT', pick(keys.l), pick(['BEFORE', 'AFTER']), member(), member()], false],
        () => [['LSET', pick(keys.l), num(), member()], false],
        () => [['LMOVE', pick(keys.l), pick(keys.l), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])], false],
        () => [['LPOS', pick(keys.l), member(), 'RANK', pick(['1', '-1', '2'])], false],
        () => [['HSET', pick(keys.h), member(), num(), member(), member()], false],
        () => [['HDEL', pick(keys.h), member(), member()], false],
        () => [['HINCRBY', pick(keys.h), member(), num()], false],
        () => [['HGET', pick(keys.h), member()], false],
        () => [['HGETALL', pick(keys.h)], true],
        () => [['SADD', pick(keys.s), member(), member(), num()], false],
        () => [['SREM', pick(keys.s), member()], false],
        () => [['SISMEMBER', pick(keys.s), member()], false],
        () => [['SMEMBERS', pick(keys.s)], true],
        () => [['SINTER', keys.s[0]!, keys.s[1]!], true],
        () => [['SUNIONSTORE', 's3', keys.s[0]!, keys.s[1]!], false],
        () => [['SCARD', pick(keys.s)], false],
        () => [['ZADD', pick(keys.z), score(), member(), score(), member()], false],
        () => [['ZADD', pick(keys.z), pick(['NX', 'XX', 'GT', 'LT']), 'CH', score(), member()], false],
        () => [['ZINCRBY', pick(keys.z), score(), member()], false],
        () => [['ZREM', pick(keys.z), member()], false],
        () => [['ZRANGE', pick(keys.z), 0, -1, 'WITHSCORES'], false],
        () => [['ZRANGE', pick(keys.z), '(-1', '+inf', 'BYSCORE', 'LIMIT', 0, 3], false],
        () => [['ZRANK', pick(keys.z), member()], false],
        () => [['ZCOUNT', pick(keys.z), '-inf', score()], false],
        () => [['ZPOPMIN', pick(keys.z)], false],
        () => [['ZUNIONSTORE', 'z3', 2, keys.z[0]!, keys.z[1]!, 'AGGREGATE', pick(['SUM', 'MIN', 'MAX'])], false],
        () => [['TYPE', pick([...keys.l, ...keys.h, ...keys.s, ...keys.z])], false],
      ];
      for (let i = 0; i < 1500; i++) {
        const [cmd, unordered] = pick(ops)();
        if (unordered) await b.doSorted(...cmd);
        else await b.do(...cmd);
      }
      for (const k of keys.l) await b.do('LRANGE', k, 0, -1);
      for (const k of keys.h) await b.doSorted('HGETALL', k);
      for (const k of [...keys.s, 's3']) await b.doSorted('SMEMBERS', k);
      for (const k of [...keys.z, 'z3']) await b.do('ZRANGE', k, 0, -1, 'WITHSCORES');
      b.close();
    });
  }
});
