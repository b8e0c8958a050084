/**
 * Skiplist-encoded sorted sets big enough for several tree levels (20k members, ties on
 * score so members break them), compared with Redis reply for reply: ranks, score and lex
 * ranges with REV/LIMIT/WITHSCORES, counts, score moves, removals by member and by range,
 * pops from both ends, until the set is small again.
 */
import { diffSuite, diffTest } from '../helpers/differential.js';
import { rng } from '../helpers/rng.js';

diffSuite('big sorted sets against Redis', (env) => {
  diffTest(env, 'score replies: integers (the fast path), -0, past 2^53, exponents, fractions', async (b) => {
    const scores = ['0', '-0', '7', '-12', '1000000000', '9007199254740991', '9007199254740993', '-9007199254740993', '1e16', '1e17', '123456789012345678', '1.5', '0.1', '-2.5e-5', '1e300', 'inf', '-inf'];
    await b.do('ZADD', 'z', ...scores.flatMap((s, i) => [s, `m${i}`]));
    await b.do('ZRANGE', 'z', 0, -1, 'WITHSCORES');
    for (let i = 0; i < scores.length; i++) await b.do('ZSCORE', 'z', `m${i}`);
    await b.do('ZSCAN', 'z', 0, 'COUNT', 100);
    await b.do('ZPOPMAX', 'z', 3);
    await b.do('ZINCRBY', 'z', '1', 'm2');
    // The same in a skiplist-encoded set (scores kept as doubles: -0 stays -0).
    await b.do('ZADD', 'big', ...Array.from({ length: 200 }, (_, i) => [String(i), `x${i}`]).flat());
    await b.do('ZADD', 'big', ...scores.flatMap((s, i) => [s, `m${i}`]));
    await b.do('ZRANGE', 'big', 0, 20, 'WITHSCORES');
    await b.do('ZSCORE', 'big', 'm1');
    await b.doSorted('ZSCAN', 'big', 0, 'COUNT', 1000);
  });

  diffTest(env, 'ranks, ranges, moves, removals and pops on 20k members', async (b) => {
    const r = rng(11);
    const int = (n: number): number => Math.floor(r() * n);
    const N = 20_000;
    for (let base = 0; base < N; base += 1000) {
      const args: string[] = [];
      for (let i = base; i < base + 1000; i++) args.push(String(int(500) / 4), `m${i}`);
      await b.do('ZADD', 'z', ...args);
    }
    const lexArgs: string[] = [];
    for (let i = 0; i < 3000; i++) lexArgs.push('0', `k${String(int(100_000)).padStart(6, '0')}`);
    await b.do('ZADD', 'lex', ...lexArgs);
    await b.do('OBJECT', 'ENCODING', 'z');
    const score = (): string => (r() < 0.1 ? (r() < 0.5 ? '-inf' : '+inf') : `${r() < 0.3 ? '(' : ''}${int(520) / 4}`);
    const lex = (): string => (r() < 0.1 ? (r() < 0.5 ? '-' : '+') : `${r() < 0.5 ? '(' : '['}k${String(int(100_000)).padStart(6, '0')}`);
    for (let step = 0; step < 300; step++) {
      const m = `m${int(N + 500)}`;
      const limit = (): (string | number)[] => (r() < 0.5 ? ['LIMIT', int(30), int(20) - 1] : []);
      switch (step % 12) {
        case 0:
          await b.do('ZRANK', 'z', m);
          await b.do('ZSCORE', 'z', m);
          await b.do('ZREVRANK', 'z', m);
          break;
        case 1:
          await b.do('ZRANGEBYSCORE', 'z', score(), score(), 'WITHSCORES', 'LIMIT', int(50), int(15));
          break;
        case 2:
          await b.do('ZREVRANGEBYSCORE', 'z', score(), score(), 'WITHSCORES', ...limit());
          break;
        case 3:
          await b.do('ZRANGE', 'z', int(N) - N / 2, int(N) - N / 2, ...(r() < 0.5 ? ['REV'] : []), 'WITHSCORES');
          await b.do('ZCOUNT', 'z', score(), score());
          break;
        case 4:
          await b.do('ZRANGEBYLEX', 'lex', lex(), lex(), ...limit());
          await b.do('ZREVRANGEBYLEX', 'lex', lex(), lex(), ...limit());
          await b.do('ZLEXCOUNT', 'lex', lex(), lex());
          break;
        case 5:
          await b.do('ZADD', 'z', 'CH', String(int(500) / 4), m, String(int(500) / 4), `m${int(N + 500)}`);
          await b.do('ZINCRBY', 'z', String(int(9) - 4), `m${int(N)}`);
          break;
        case 6:
          await b.do('ZREM', 'z', m, `m${int(N)}`, `m${int(N)}`);
          break;
        case 7:
          await b.do('ZREMRANGEBYRANK', 'z', int(N / 2), int(N / 2) + int(60));
          break;
        case 8:
          await b.do('ZREMRANGEBYSCORE', 'z', `(${int(500) / 4}`, `${int(500) / 4}`);
          await b.do('ZREMRANGEBYLEX', 'lex', lex(), lex());
          break;
        case 9:
          await b.do('ZPOPMIN', 'z', int(40));
          await b.do('ZPOPMAX', 'z', int(40));
          break;
        case 10:
          await b.do('ZMPOP', 1, 'z', r() < 0.5 ? 'MIN' : 'MAX', 'COUNT', int(30) + 1);
          break;
        default:
          await b.do('ZCARD', 'z');
          await b.do('ZRANGE', 'z', 0, 20, 'WITHSCORES');
          await b.do('ZRANGE', 'z', -20, -1, 'WITHSCORES');
      }
    }
    await b.do('ZRANGESTORE', 'dst', 'z', '10', '20', 'BYSCORE', 'LIMIT', 5, 100);
    await b.do('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    // Shrink to a few members by rank ranges, checking the ends on the way.
    while (true) {
      const card = Number((await b.do('ZCARD', 'z')).slice(1, -2));
      if (card < 10) break;
      await b.do('ZREMRANGEBYRANK', 'z', int(card), int(card) + Math.ceil(card / 3));
      await b.do('ZRANGE', 'z', 0, 5, 'WITHSCORES');
      await b.do('ZRANGE', 'z', -5, -1, 'WITHSCORES');
    }
    await b.do('ZRANGE', 'z', 0, -1, 'WITHSCORES');
  });
});
