/**
 * The request parser against Redis's processMultibulkBuffer / processInlineBuffer rules:
 * every corpus parses the same whole, byte by byte and in random splits; error texts;
 * linear cost for large bulks and long lines however they are split.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RespParser, ProtocolError, string2ll, type ParserLimits } from '../../src/network/resp-parser.js';
import { lcg as rng } from '../helpers/rng.js';

type Outcome = string[] | { error: string } | 'incomplete';

const LIMITS: ParserLimits = { maxBulkLen: 512 * 1024 * 1024, authenticated: true };

/** One read buffer reused for every chunk, as connections do (adopt-socket.ts). */
const SHARED = Buffer.alloc(256 * 1024);

/**
 * Feeds the chunks in order through the shared read buffer (scribbled over after each
 * detach, so a parser that kept a reference would fail) and collects every command until
 * the first error.
 */
function run(chunks: readonly Buffer[], limits: ParserLimits = LIMITS): Outcome[] {
  const p = new RespParser({ ...limits });
  const out: Outcome[] = [];
  for (const chunk of chunks) {
    const view = chunk.length <= SHARED.length ? SHARED.subarray(0, chunk.copy(SHARED)) : chunk;
    p.feed(view);
    for (;;) {
      const r = p.next();
      if (r === null) break;
      if (r instanceof ProtocolError) {
        out.push({ error: r.message });
        return out;
      }
      out.push(r);
    }
    p.detach();
    if (view !== chunk) view.fill(0x23);
  }
  if (p.pendingBytes > 0) out.push('incomplete');
  return out;
}

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function bulk(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

function byteByByte(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i++) out.push(b.subarray(i, i + 1));
  return out;
}

function randomSplits(b: Buffer, rand: () => number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const n = 1 + Math.floor(rand() * Math.min(64, b.length - i));
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** Valid request streams (each a sequence of commands), including inline forms. */
const CORPUS: string[] = [
  bulk(['PING']),
  bulk(['SET', 'key', 'value']) + bulk(['GET', 'key']),
  bulk(['SET', 'bin', binary]) + bulk(['ECHO', '']),
  bulk(['ECHO', 'x'.repeat(1000)]) + bulk(['ECHO', 'y'.repeat(40000)]) + bulk(['PING']),
  'PING\r\n',
  'PING\n',
  'SET a "hello world"\r\nGET a\r\n',
  `SET 'it''s' "\\x41\\n\\t\\"q\\""\r\n`,
  '\r\n\r\n\nPING\r\n', // empty lines are skipped
  '   \r\n  PING   x  \r\n',
  '*0\r\n*-1\r\n' + bulk(['PING']), // counts <= 0 run nothing
  '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n',
  // The byte after a header's CR and the two bytes after a payload are not checked.
  '*1\rx$4\ryPINGzz',
  bulk(Array.from({ length: 100 }, (_, i) => `arg${i}`)),
  'ECHO x\r\n' + bulk(['ECHO', 'y']) + 'ECHO z\n',
];

describe('RespParser', () => {
  test('every corpus parses the same whole, byte by byte and in random splits', () => {
    const rand = rng(7);
    for (const text of CORPUS) {
      const whole = run([bytes(text)]);
      assert.ok(whole.length > 0 && !whole.includes('incomplete'), JSON.stringify(text.slice(0, 80)));
      assert.deepEqual(run(byteByByte(bytes(text))), whole, JSON.stringify(text.slice(0, 80)));
      for (let k = 0; k < 20; k++) assert.deepEqual(run(randomSplits(bytes(text), rand)), whole);
    }
    // And all of them back to back, as one pipeline.
    const all = bytes(CORPUS.join(''));
    const whole = run([all]);
    assert.deepEqual(run(byteByByte(all)), whole);
    for (let k = 0; k < 20; k++) assert.deepEqual(run(randomSplits(all, rand)), whole);
  });

  test('arguments keep every byte value', () => {
    assert.deepEqual(run([bytes(bulk(['SET', binary, binary]))]), [['SET', binary, binary]]);
  });

  test('inline commands follow sdssplitargs', () => {
    assert.deepEqual(run([bytes('set k "a b\\x00c"\r\n')]), [['set', 'k', 'a b\x00c']]);
    assert.deepEqual(run([bytes("echo 'x y'\n")]), [['echo', 'x y']]);
    assert.deepEqual(run([bytes('  \t \r\n')]), []);
  });

  test('errors match Redis texts', () => {
    const cases: [string, string][] = [
      ['*abc\r\n', 'invalid multibulk length'],
      ['*2147483648\r\n', 'invalid multibulk length'],
      ['*10000000000\r\n', 'invalid multibulk length'],
      ['*-99999999999999999999\r\n', 'invalid multibulk length'],
      ['*01\r\n', 'invalid multibulk length'],
      ['*-0\r\n', 'invalid multibulk length'],
      ['*+1\r\n', 'invalid multibulk length'],
      ['*\r\n', 'invalid multibulk length'],
      ['*1\r\n$-5\r\n', 'invalid bulk length'],
      ['*1\r\n$abc\r\n', 'invalid bulk length'],
      ['*1\r\n$\r\n', 'invalid bulk length'],
      ['*1\r\n$-0\r\n', 'invalid bulk length'],
      ['*1\r\nx\r\n', "expected '$', got 'x'"],
      ['*1\r\n\r\n', "expected '$', got ' '"],
      ['*3\r\nfoo\r\n', "expected '$', got 'f'"],
      ['SET "a\r\n', 'unbalanced quotes in request'],
      ["SET 'a\r\n", 'unbalanced quotes in request'],
      ['SET "a"b\r\n', 'unbalanced quotes in request'],
      ['*1\r\n$536870913\r\n', 'invalid bulk length'],
      // Beyond V8's longest string (2^29 - 24): refused rather than crashing (a nodis limit).
      ['*1\r\n$536870889\r\n', 'invalid bulk length'],
    ];
    for (const [input, message] of cases) {
      assert.deepEqual(run([bytes(input)]), [{ error: message }], JSON.stringify(input));
      assert.deepEqual(run(byteByByte(bytes(input))), [{ error: message }], JSON.stringify(input));
    }
  });

  test('LLONG_MIN is a valid (ignored) count; one below is not', () => {
    assert.deepEqual(run([bytes('*-9223372036854775808\r\n' + bulk(['PING']))]), [['PING']]);
    assert.deepEqual(run([bytes('*-9223372036854775809\r\n')]), [{ error: 'invalid multibulk length' }]);
  });

  test('proto-max-bulk-len and the unauthenticated limits', () => {
    const small: ParserLimits = { maxBulkLen: 10, authenticated: true };
    assert.deepEqual(run([bytes('*1\r\n$11\r\n')], small), [{ error: 'invalid bulk length' }]);
    assert.deepEqual(run([bytes(bulk(['0123456789']))], small), [['0123456789']]);
    const unauth: ParserLimits = { maxBulkLen: 1 << 29, authenticated: false };
    assert.deepEqual(run([bytes('*11\r\n')], unauth), [{ error: 'unauthenticated multibulk length' }]);
    assert.deepEqual(run([bytes('*1\r\n$16385\r\n')], unauth), [{ error: 'unauthenticated bulk length' }]);
    assert.equal((run([bytes(bulk(['AUTH', 'x'.repeat(16384)]))], unauth)[0] as string[])[1]!.length, 16384);
  });

  test('limits are read live (auth and CONFIG SET apply to the next header)', () => {
    const limits: ParserLimits = { maxBulkLen: 1 << 29, authenticated: false };
    const p = new RespParser(limits);
    p.feed(bytes(bulk(['AUTH', 'pw'])));
    assert.deepEqual(p.next(), ['AUTH', 'pw']);
    limits.authenticated = true;
    p.feed(bytes('*12\r\n'));
    assert.equal(p.next(), null);
  });

  test('lines without a terminator: waiting, then "too big" past 64 KB', () => {
    assert.deepEqual(run([bytes('PING')]), ['incomplete']);
    assert.deepEqual(run([bytes('PING\r')]), ['incomplete']); // a CR alone ends nothing inline
    assert.deepEqual(run([bytes('*1\r')]), ['incomplete']); // header needs the byte after CR
    assert.deepEqual(run([bytes('*1\r\nx')]), ['incomplete']); // type is checked on a whole line
    assert.deepEqual(run([bytes('x'.repeat(65536))]), ['incomplete']);
    assert.deepEqual(run([bytes('x'.repeat(65537))]), [{ error: 'too big inline request' }]);
    assert.deepEqual(run([bytes('*' + '1'.repeat(65536))]), [{ error: 'too big mbulk count string' }]);
    assert.deepEqual(run([bytes('*1\r\n$' + '1'.repeat(65536))]), [{ error: 'too big bulk count string' }]);
    // A line Redis would have refused at one of its 16 KB read boundaries.
    assert.deepEqual(run([bytes('x'.repeat(90000) + '\r\n')]), [{ error: 'too big inline request' }]);
    assert.equal((run([bytes(`ECHO ${'x'.repeat(60000)}\r\n`)])[0] as string[])[1]!.length, 60000);
  });

  test('a NUL byte hides the terminator, as strchr does', () => {
    assert.deepEqual(run([bytes('PING\x00\r\n')]), ['incomplete']);
    assert.deepEqual(run([bytes('*1\x00\r\n')]), ['incomplete']);
    assert.deepEqual(run([bytes('PING\x00' + 'x'.repeat(70000) + '\r\n')]), [{ error: 'too big inline request' }]);
    assert.deepEqual(run([bytes('*1\x00' + 'x'.repeat(70000) + '\r\n')]), [{ error: 'too big mbulk count string' }]);
    // In a bulk payload NUL is just data.
    assert.deepEqual(run([bytes(bulk(['ECHO', '\x00\r\n']))]), [['ECHO', '\x00\r\n']]);
  });

  test('pendingBytes counts what is buffered, including a large bulk in progress', () => {
    const p = new RespParser({ ...LIMITS });
    p.feed(bytes('*2\r\n$4\r\nECHO\r\n$100000\r\n' + 'z'.repeat(50000)));
    assert.equal(p.next(), null);
    assert.equal(p.pendingBytes, 50000);
    p.feed(bytes('z'.repeat(50000) + '\r\n'));
    const r = p.next() as string[];
    assert.equal(r[1]!.length, 100000);
    assert.equal(p.pendingBytes, 0);
  });

  test('a multi-megabyte bulk in small chunks costs linear time', () => {
    const time = (size: number, chunk: number): number => {
      const data = Buffer.alloc(size, 0x61);
      const head = bytes(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${size}\r\n`);
      const p = new RespParser({ ...LIMITS });
      const t0 = performance.now();
      p.feed(head);
      assert.equal(p.next(), null);
      for (let i = 0; i < size; i += chunk) {
        p.feed(data.subarray(i, Math.min(size, i + chunk)));
        assert.equal(p.next(), null);
      }
      p.feed(bytes('\r\n'));
      const r = p.next() as string[];
      assert.equal(r[2]!.length, size);
      return performance.now() - t0;
    };
    time(1 << 20, 1024); // warm up
    const small = time(4 << 20, 512);
    const large = time(16 << 20, 512);
    // Quadratic concatenation would make 4x the data ~16x slower (and take seconds).
    assert.ok(large < small * 10 + 50, `4 MB: ${small.toFixed(1)} ms, 16 MB: ${large.toFixed(1)} ms`);
    assert.ok(large < 3000, `16 MB in 512-byte chunks took ${large.toFixed(0)} ms`);
  });

  test('a header announcing a huge bulk does not allocate it up front', () => {
    const before = process.memoryUsage().arrayBuffers;
    const parsers: RespParser[] = [];
    for (let i = 0; i < 20; i++) {
      const p = new RespParser({ ...LIMITS });
      p.feed(bytes('*2\r\n$4\r\nECHO\r\n$536870000\r\nabc'));
      assert.equal(p.next(), null);
      parsers.push(p);
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 200 * 1024 * 1024, `${grown} bytes for 20 pending 512 MB bulks`);
    assert.equal(parsers[0]!.pendingBytes, 3);
  });

  test('medium bulks and long inline lines byte by byte stay linear', () => {
    const t0 = performance.now();
    const medium = run(byteByByte(bytes(bulk(['ECHO', 'm'.repeat(30000)]))));
    assert.equal((medium[0] as string[])[1]!.length, 30000);
    const inline = run(byteByByte(bytes(`ECHO ${'i'.repeat(60000)}\r\n`)));
    assert.equal((inline[0] as string[])[1]!.length, 60000);
    assert.ok(performance.now() - t0 < 3000);
  });
});

describe('string2ll', () => {
  test('accepts exactly what Redis accepts', () => {
    const p = (s: string): number | null => string2ll(bytes(s), 0, s.length);
    assert.equal(p('0'), 0);
    assert.equal(p('-1'), -1);
    assert.equal(p('123'), 123);
    assert.notEqual(p('9223372036854775807'), null); // approximate beyond 2^53
    for (const bad of ['', '-', '-0', '00', '01', '+1', ' 1', '1 ', '1a', '9223372036854775808', '123456789012345678901']) {
      assert.equal(p(bad), null, bad);
    }
  });
});
