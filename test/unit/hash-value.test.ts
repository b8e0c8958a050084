/**
 * HashValue's packed listpack representation against a Map model: random sets, multi-pair
 * sets, deletes and conversions, with lengths across the one/two/three-char varint bounds
 * (127/128, 16383/16384) and binary bytes, checking contents, order, size and encoding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HashValue, type HashLimits } from '../../src/types/hash.js';
import { rng } from '../helpers/rng.js';

const LENGTHS = [0, 1, 2, 12, 13, 127, 128, 129, 300, 16383, 16384, 20000];

function randomString(r: () => number, fieldPool: boolean): string {
  if (fieldPool) return `f${Math.floor(r() * 12)}`;
  const len = LENGTHS[Math.floor(r() * LENGTHS.length)]!;
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function check(h: HashValue, model: Map<string, string>): void {
  assert.equal(h.size, model.size);
  assert.deepEqual(h.entries(), [...model]);
  assert.deepEqual(h.keys(), [...model.keys()]);
  assert.deepEqual(h.values(), [...model.values()]);
  for (const [f, v] of model) {
    assert.equal(h.get(f), v);
    assert.equal(h.has(f), true);
  }
  assert.equal(h.get('absent'), undefined);
  assert.equal(h.has('absent'), false);
}

describe('HashValue', () => {
  test('packed hash matches a Map model through random operations', () => {
    // Large limits keep long values packed, so multi-char varints are exercised.
    const limits: HashLimits = { maxEntries: 10, maxValue: 1 << 20 };
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const h = new HashValue();
      const model = new Map<string, string>();
      for (let step = 0; step < 60; step++) {
        const op = r();
        if (op < 0.45) {
          const f = r() < 0.8 ? randomString(r, true) : randomString(r, false);
          const v = randomString(r, false);
          assert.equal(h.set(limits, f, v), !model.has(f));
          model.set(f, v);
        } else if (op < 0.7) {
          const argv: string[] = [];
          const pairs = 1 + Math.floor(r() * 4);
          for (let i = 0; i < pairs; i++) argv.push(randomString(r, true), randomString(r, false));
          let created = 0;
          for (let i = 0; i < argv.length; i += 2) {
            if (!model.has(argv[i]!)) created++;
            model.set(argv[i]!, argv[i + 1]!);
          }
          assert.equal(h.setPairs(limits, argv, 0), created);
        } else {
          const f = randomString(r, true);
          assert.equal(h.delete(f), model.delete(f));
        }
        check(h, model);
        // One-way conversion once the entry limit has been exceeded.
        if (h.encoding() === 'listpack') assert.ok(model.size <= limits.maxEntries);
      }
    }
  });

  test('conversion keeps insertion order and is one-way', () => {
    const limits: HashLimits = { maxEntries: 3, maxValue: 64 };
    const h = new HashValue();
    assert.equal(h.setPairs(limits, ['a', '1', 'b', '2', 'a', '3'], 0), 2);
    assert.equal(h.encoding(), 'listpack');
    assert.equal(h.setPairs(limits, ['c', '4', 'd', '5', 'e', '6'], 0), 3);
    assert.equal(h.encoding(), 'hashtable');
    assert.deepEqual(h.entries(), [['a', '3'], ['b', '2'], ['c', '4'], ['d', '5'], ['e', '6']]);
    for (const f of ['b', 'c', 'd', 'e']) h.delete(f);
    assert.equal(h.encoding(), 'hashtable');

    const long = new HashValue();
    long.set(limits, 'x', 'y');
    long.beforeInsert(limits, ['k', 'v'.repeat(65)]);
    assert.equal(long.encoding(), 'hashtable');
    assert.deepEqual(long.entries(), [['x', 'y']]);
  });

  test('clone is independent of the original', () => {
    const limits: HashLimits = { maxEntries: 128, maxValue: 64 };
    const h = new HashValue();
    h.setPairs(limits, ['a', '1', 'b', '2'], 0);
    const copy = h.clone();
    h.set(limits, 'a', 'changed');
    h.delete('b');
    assert.deepEqual(copy.entries(), [['a', '1'], ['b', '2']]);
    assert.deepEqual(h.entries(), [['a', 'changed']]);
  });
});
