import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('bitmaps', (env) => {
  diffTest(env, 'SETBIT GETBIT', async (b) => {
    await b.do('SETBIT', 'bm', 7, 1);
    await b.do('SETBIT', 'bm', 7, 1);
    await b.do('SETBIT', 'bm', 100, 1);
    await b.do('GET', 'bm');
    await b.do('GETBIT', 'bm', 7);
    await b.do('GETBIT', 'bm', 6);
    await b.do('GETBIT', 'bm', 100000);
    await b.do('GETBIT', 'missing', 3);
    await b.do('SETBIT', 'bm', 7, 0);
    await b.do('SETBIT', 'bm', -1, 1);
    await b.do('SETBIT', 'bm', 'x', 1);
    await b.do('SETBIT', 'bm', 1, 2);
    await b.do('SETBIT', 'bm', 1, -1);
    await b.do('SETBIT', 'bm', 1, 'x');
    await b.do('SETBIT', 'bm', '4294967296', 1);
    await b.do('GETBIT', 'bm', -1);
    await b.do('SET', 's', 'abc');
    await b.do('SETBIT', 's', 1, 0);
    await b.do('GET', 's');
    await b.do('OBJECT', 'ENCODING', 's');
    await b.do('SET', 'n', '12');
    await b.do('GETBIT', 'n', 2);
    await b.do('SETBIT', 'n', 2, 0);
    await b.do('OBJECT', 'ENCODING', 'n');
    await b.do('GET', 'n');
  });

  diffTest(env, 'BITCOUNT with BYTE and BIT ranges', async (b) => {
    await b.do('SET', 'k', 'foobar\x00\xff\x81');
    await b.do('BITCOUNT', 'k');
    for (const [s, e] of [[0, 0], [1, 1], [0, -1], [-3, -1], [-1, -3], [2, 100], [-100, -50], [5, 2]]) {
      await b.do('BITCOUNT', 'k', s!, e!);
      await b.do('BITCOUNT', 'k', s!, e!, 'BYTE');
      await b.do('BITCOUNT', 'k', s!, e!, 'BIT');
    }
    await b.do('BITCOUNT', 'k', 5, 30, 'BIT');
    await b.do('BITCOUNT', 'k', 1, 6, 'bit');
    await b.do('BITCOUNT', 'k', 0);
    await b.do('BITCOUNT', 'k', 0, 1, 'FOO');
    await b.do('BITCOUNT', 'k', 'x', 1);
    await b.do('BITCOUNT', 'missing', 'x', 'y');
    await b.do('BITCOUNT', 'missing');
    await b.do('SET', 'empty', '');
    await b.do('BITCOUNT', 'empty');
    await b.do('BITCOUNT', 'empty', 0, -1, 'BIT');
  });

  diffTest(env, 'BITPOS', async (b) => {
    await b.do('SET', 'k', '\xff\xf0\x00');
    await b.do('SET', 'ones', '\xff\xff\xff');
    await b.do('SET', 'zeros', '\x00\x00');
    await b.do('SET', 'empty', '');
    for (const key of ['k', 'ones', 'zeros', 'empty', 'missing']) {
      for (const bit of [0, 1]) {
        await b.do('BITPOS', key, bit);
        await b.do('BITPOS', key, bit, 1);
        await b.do('BITPOS', key, bit, 0, 1);
        await b.do('BITPOS', key, bit, 0, -1);
        await b.do('BITPOS', key, bit, -2, -1);
        await b.do('BITPOS', key, bit, 2, 1);
        await b.do('BITPOS', key, bit, 7, 15, 'BIT');
        await b.do('BITPOS', key, bit, 3, 12, 'BIT');
        await b.do('BITPOS', key, bit, -5, -1, 'BIT');
        await b.do('BITPOS', key, bit, 0, 100, 'BYTE');
      }
    }
    await b.do('BITPOS', 'k', 2);
    await b.do('BITPOS', 'k', 'x');
    await b.do('BITPOS', 'k', 1, 'x');
    await b.do('BITPOS', 'k', 1, 0, 'x');
    await b.do('BITPOS', 'k', 1, 0, 1, 'FOO');
  });

  diffTest(env, 'BITOP', async (b) => {
    await b.do('SET', 'a', 'foobar');
    await b.do('SET', 'b', 'abcdef\xff');
    await b.do('BITOP', 'AND', 'dest', 'a', 'b');
    await b.do('GET', 'dest');
    await b.do('BITOP', 'OR', 'dest', 'a', 'b', 'missing');
    await b.do('GET', 'dest');
    await b.do('BITOP', 'XOR', 'dest', 'a', 'b');
    await b.do('GET', 'dest');
    await b.do('BITOP', 'NOT', 'dest', 'b');
    await b.do('GET', 'dest');
    await b.do('OBJECT', 'ENCODING', 'dest');
    await b.do('BITOP', 'NOT', 'dest', 'a', 'b');
    await b.do('BITOP', 'NAND', 'dest', 'a');
    await b.do('BITOP', 'AND', 'dest', 'missing', 'missing2');
    await b.do('EXISTS', 'dest');
    await b.do('BITOP', 'and', 'dest', 'a');
    await b.do('GET', 'dest');
  });

  diffTest(env, 'BITFIELD and BITFIELD_RO', async (b) => {
    await b.do('BITFIELD', 'bf', 'SET', 'i8', 0, 100, 'GET', 'i8', 0, 'GET', 'u4', 0);
    await b.do('BITFIELD', 'bf', 'INCRBY', 'i8', 0, 100);
    await b.do('BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', 0, 100);
    await b.do('BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 100, 'INCRBY', 'i8', 0, -1);
    await b.do('BITFIELD', 'bf', 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '#1', 300, 'GET', 'u8', '#1');
    await b.do('BITFIELD', 'bf', 'SET', 'u63', 5, '9223372036854775807', 'GET', 'u63', 5, 'GET', 'i64', 5);
    await b.do('BITFIELD', 'bf', 'SET', 'i64', 70, '-9223372036854775808', 'INCRBY', 'i64', 70, -1, 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 70, -1);
    await b.do('BITFIELD', 'bf', 'SET', 'u2', 0, 7, 'SET', 'i3', 10, -20, 'OVERFLOW', 'SAT', 'SET', 'u2', 0, 7, 'SET', 'i3', 10, -20);
    await b.do('BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 200, -300, 'INCRBY', 'u8', 200, 1000);
    await b.do('GET', 'bf');
    await b.do('BITFIELD', 'bf');
    await b.do('BITFIELD', 'missing', 'GET', 'u8', 0);
    await b.do('BITFIELD', 'bf', 'GET', 'u64', 0);
    await b.do('BITFIELD', 'bf', 'GET', 'i65', 0);
    await b.do('BITFIELD', 'bf', 'GET', 'I8', 0);
    await b.do('BITFIELD', 'bf', 'GET', 'u0', 0);
    await b.do('BITFIELD', 'bf', 'GET', 'u8', -1);
    await b.do('BITFIELD', 'bf', 'GET', 'u8', '#x');
    await b.do('BITFIELD', 'bf', 'SET', 'u8', 0);
    await b.do('BITFIELD', 'bf', 'SET', 'u8', 0, 'x');
    await b.do('BITFIELD', 'bf', 'OVERFLOW', 'FOO');
    await b.do('BITFIELD', 'bf', 'FOO');
    await b.do('BITFIELD_RO', 'bf', 'GET', 'u8', 0, 'GET', 'i4', 4);
    await b.do('BITFIELD_RO', 'bf', 'SET', 'u8', 0, 1);
    await b.do('BITFIELD_RO', 'missing', 'GET', 'u8', 0);
  });
});
