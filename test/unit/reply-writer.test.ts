/** ReplyWriter: RESP2/RESP3 encodings, large values passed through without copies, muting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplyWriter } from '../../src/network/reply-writer.js';

function text(w: ReplyWriter): string {
  return w.takeString();
}

test('simple types', () => {
  const w = new ReplyWriter();
  w.ok();
  w.simple('PONG');
  w.error('ERR bad');
  w.integer(0);
  w.integer(7);
  w.integer(42);
  w.integer(-5);
  w.integer(123456789);
  w.integer(-9007199254740991);
  w.integer(9223372036854775807n);
  assert.equal(text(w), '+OK\r\n+PONG\r\n-ERR bad\r\n:0\r\n:7\r\n:42\r\n:-5\r\n:123456789\r\n:-9007199254740991\r\n:9223372036854775807\r\n');
});

test('bulks keep every byte', () => {
  const w = new ReplyWriter();
  const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  w.bulk('');
  w.bulk('abc');
  w.bulk(binary);
  w.bulkBuffer(Buffer.from('xyz'));
  w.bulkBuffer(Buffer.from('xyzw'), 2);
  assert.equal(text(w), `$0\r\n\r\n$3\r\nabc\r\n$256\r\n${binary}\r\n$3\r\nxyz\r\n$2\r\nxy\r\n`);
});

test('RESP2 and RESP3 shapes', () => {
  const shapes = (resp: 2 | 3): string => {
    const w = new ReplyWriter();
    w.resp = resp;
    w.nullBulk();
    w.nullArray();
    w.mapHeader(2);
    w.setHeader(3);
    w.pushHeader(1);
    w.arrayHeader(0);
    w.double(1.5);
    w.double(Infinity);
    w.boolean(true);
    w.boolean(false);
    w.verbatim('hi');
    return text(w);
  };
  assert.equal(shapes(2), '$-1\r\n*-1\r\n*4\r\n*3\r\n*1\r\n*0\r\n$3\r\n1.5\r\n$3\r\ninf\r\n:1\r\n:0\r\n$2\r\nhi\r\n');
  assert.equal(shapes(3), '_\r\n_\r\n%2\r\n~3\r\n>1\r\n*0\r\n,1.5\r\n,inf\r\n#t\r\n#f\r\n=6\r\ntxt:hi\r\n');
});

test('arrays of bulks, with nulls', () => {
  const w = new ReplyWriter();
  w.bulkArray(['a', 'bc']);
  w.bulkArrayOrNull(['x', null]);
  assert.equal(text(w), '*2\r\n$1\r\na\r\n$2\r\nbc\r\n*2\r\n$1\r\nx\r\n$-1\r\n');
});

test('large values become their own chunks, in order, without copying', () => {
  const w = new ReplyWriter();
  const big = 'v'.repeat(100_000);
  const bigBuf = Buffer.alloc(70_000, 0x62);
  w.simple('before');
  w.bulk(big);
  w.bulkBuffer(bigBuf);
  w.simple('after');
  const expected = `+before\r\n$100000\r\n${big}\r\n$70000\r\n${'b'.repeat(70000)}\r\n+after\r\n`;
  assert.equal(w.pendingBytes, expected.length);
  const chunks = w.take()!;
  assert.ok(chunks.includes(big), 'the large string is passed as is');
  assert.ok(chunks.includes(bigBuf), 'the large buffer is passed as is');
  const joined = chunks.map((c) => (typeof c === 'string' ? c : c.latin1Slice(0, c.length))).join('');
  assert.equal(joined, expected);
  assert.equal(w.take(), null);
  assert.equal(w.pendingBytes, 0);
});

test('the buffer grows past its initial size', () => {
  const w = new ReplyWriter();
  for (let i = 0; i < 5000; i++) w.bulk(`value-${i}`);
  const out = text(w);
  assert.ok(out.startsWith('$7\r\nvalue-0\r\n'));
  assert.ok(out.endsWith('$10\r\nvalue-4999\r\n'));
});

test('muted writers produce nothing; discard drops pending output', () => {
  const w = new ReplyWriter();
  w.muted = true;
  w.ok();
  w.bulk('x');
  w.arrayHeader(3);
  w.integer(1);
  w.bulk('y'.repeat(100_000));
  assert.equal(w.hasPending, false);
  w.muted = false;
  w.ok();
  w.bulk('z'.repeat(100_000));
  assert.equal(w.hasPending, true);
  w.discard();
  assert.equal(w.hasPending, false);
  assert.equal(w.take(), null);
});
