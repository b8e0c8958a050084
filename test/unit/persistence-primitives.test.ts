import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc64, Crc64 } from '../../src/persistence/crc64.js';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf.js';

test('crc64 matches Redis (crc64.c check value)', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.equal(crc64(Buffer.alloc(0)), 0n);
  // Incremental updates give the same result as one pass.
  const data = Buffer.from('The quick brown fox jumps over the lazy dog'.repeat(10));
  const c = new Crc64().update(data, 0, 100).update(data, 100);
  assert.equal(c.toBigInt(), crc64(data));
  assert.equal(c.digestLE().readBigUInt64LE(0), crc64(data));
});

test('lzf round-trips compressible, random and edge-case inputs', () => {
  const cases: Buffer[] = [
    Buffer.from('a'.repeat(1000)),
    Buffer.from('abcabcabcabcabcabcabcabcabcabcabcabc'),
    Buffer.from('hello world, hello world, hello world! '.repeat(50)),
    Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 251)),
    Buffer.alloc(100000, 0),
  ];
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let n = 0; n < 200; n++) {
    const len = 1 + Math.floor(rnd() * 3000);
    const alphabet = 1 + Math.floor(rnd() * 255);
    cases.push(Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * alphabet))));
  }
  for (const input of cases) {
    // Worst case for incompressible data: one control byte per 32 literals.
    const packed = lzfCompress(input, input.length + Math.ceil(input.length / 32) + 1);
    assert.ok(packed !== null, `fits the worst-case bound (len ${input.length})`);
    const unpacked = lzfDecompress(packed, input.length);
    assert.ok(unpacked !== null);
    assert.ok(unpacked.equals(input), `round trip of ${input.length} bytes`);
  }
  // Highly repetitive data must actually shrink.
  const zeros = lzfCompress(Buffer.alloc(10000), 9996);
  assert.ok(zeros !== null && zeros.length < 400, `zeros compressed to ${zeros?.length}`);
  // Incompressible data does not fit in len-4, so Redis stores it raw.
  const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256));
  assert.equal(lzfCompress(random, random.length - 4), null);
});

test('lzf rejects malformed streams instead of reading out of bounds', () => {
  assert.equal(lzfDecompress(Buffer.from([0x05, 1, 2]), 6), null); // literal run past the end
  assert.equal(lzfDecompress(Buffer.from([0x20, 0x10]), 3), null); // back reference before start
  assert.equal(lzfDecompress(Buffer.from([0x00, 65]), 2), null); // wrong total length
});
