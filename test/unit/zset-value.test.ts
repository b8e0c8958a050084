/**
 * ZsetValue (slots + order-statistic B+tree) against a sorted-array model: random adds,
 * score moves, removals, rank-range removals and pops at sizes that split, merge and
 * collapse tree levels, checking ranks, ranges both ways, score/lex bounds, random picks,
 * incremental scans and the tree's own invariants; prefixKey's order against the members'.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZsetValue, type ZsetLimits } from '../../src/types/zset.js';
import { prefixKey } from '../../src/types/zset-tree.js';
import { rng } from '../helpers/rng.js';

const LIMITS: ZsetLimits = { maxEntries: 128, maxValue: 64 };

type Pair = [string, number];

function sortModel(model: Map<string, number>): Pair[] {
  return [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function checkAgainst(z: ZsetValue, model: Map<string, number>, r: () => number): void {
  z.check();
  const sorted = sortModel(model);
  assert.equal(z.size, sorted.length);
  assert.deepEqual(z.entries(), sorted);
  if (sorted.length === 0) return;
  for (let k = 0; k < 20; k++) {
    const i = Math.floor(r() * sorted.length);
    const [m, s] = sorted[i]!;
    assert.equal(z.rank(m), i);
    assert.equal(z.at(i), m);
    assert.equal(z.score(m), s);
    const count = 1 + Math.floor(r() * 10);
    const members: string[] = [];
    const scores: number[] = [];
    z.range(i, count, false, members, scores);
    assert.deepEqual(members, sorted.slice(i, i + count).map((p) => p[0]));
    const back: string[] = [];
    z.range(i, count, true, back, []);
    assert.deepEqual(back, sorted.slice(Math.max(0, i - count + 1), i + 1).map((p) => p[0]).reverse());
    const bound = s + (r() < 0.5 ? 0 : 0.5);
    const exclusive = r() < 0.5;
    const first = sorted.findIndex((p) => (exclusive ? p[1] > bound : p[1] >= bound));
    assert.equal(z.firstInScore({ value: bound, exclusive }), first < 0 ? sorted.length : first);
    let last = -1;
    sorted.forEach((p, j) => {
      if (exclusive ? p[1] < bound : p[1] <= bound) last = j;
    });
    assert.equal(z.lastInScore({ value: bound, exclusive }), last);
  }
  assert.equal(z.rank('absent'), -1);
  const slot = z.randomSlot(r);
  assert.equal(z.score(z.memberAtSlot(slot)), z.scoreAtSlot(slot));
}

describe('ZsetValue against a model', () => {
  for (const seed of [1, 2, 3]) {
    test(`random operations, seed ${seed}`, () => {
      const r = rng(seed);
      const z = new ZsetValue(LIMITS);
      const model = new Map<string, number>();
      // Grow to ~20k (tree of 3 levels), then shrink to a few, then grow again.
      const phases: [number, number][] = [
        [20_000, 0.85],
        [20_000, 0.1],
        [3_000, 0.7],
      ];
      for (const [steps, addShare] of phases) {
        for (let k = 0; k < steps; k++) {
          const x = r();
          if (x < addShare) {
            const m = `m${Math.floor(r() * 50_000)}`;
            // Few distinct scores, so ties order by member bytes.
            const s = r() < 0.3 ? Math.floor(r() * 4) : Math.floor(r() * 1e6) / 7;
            z.set(LIMITS, m, s);
            model.set(m, s);
          } else if (x < addShare + (1 - addShare) * 0.8 || model.size < 50) {
            const m = `m${Math.floor(r() * 50_000)}`;
            assert.equal(z.remove(m), model.delete(m));
          } else {
            const sorted = sortModel(model);
            const start = Math.floor(r() * sorted.length);
            const end = Math.min(sorted.length - 1, start + Math.floor(r() * 40));
            const removed = z.removeRange(start, end);
            assert.deepEqual(removed, sorted.slice(start, end + 1).map((p) => p[0]));
            for (const m of removed) model.delete(m);
          }
          if (k % 2000 === 0) checkAgainst(z, model, r);
        }
        checkAgainst(z, model, r);
      }
    });
  }

  test('ascending and descending loads, then pops from both ends', () => {
    const z = new ZsetValue(LIMITS);
    for (let i = 0; i < 10_000; i++) z.set(LIMITS, `a${i}`, i);
    for (let i = 0; i < 10_000; i++) z.set(LIMITS, `d${i}`, -i);
    z.check();
    assert.equal(z.at(0), 'd9999');
    assert.equal(z.at(19_999), 'a9999');
    while (z.size > 0) {
      const members: string[] = [];
      z.range(z.size % 2 ? 0 : z.size - 1, Math.min(7, z.size), z.size % 2 === 0, members, []);
      for (const m of members) assert.ok(z.remove(m));
      if (z.size % 997 === 0) z.check();
    }
    z.check();
  });

  test('lex bounds on equal scores', () => {
    const z = new ZsetValue(LIMITS);
    const names = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    for (const n of names) z.set(LIMITS, n, 0);
    assert.equal(z.firstInLex({ value: 'k0500', exclusive: false, infinite: 0 }), 500);
    assert.equal(z.firstInLex({ value: 'k0500', exclusive: true, infinite: 0 }), 501);
    assert.equal(z.lastInLex({ value: 'k0500', exclusive: false, infinite: 0 }), 500);
    assert.equal(z.lastInLex({ value: 'k0500', exclusive: true, infinite: 0 }), 499);
    assert.equal(z.lastInLex({ value: '', exclusive: false, infinite: 1 }), 999);
  });

  test('scan returns every member present throughout while others come and go', () => {
    const r = rng(7);
    const z = new ZsetValue(LIMITS);
    for (let i = 0; i < 5000; i++) z.set(LIMITS, `s${i}`, i);
    const seen = new Set<string>();
    let cursor = 0;
    let added = 0;
    let removed = 0;
    let compacted = false;
    do {
      cursor = z.scan(cursor, 50, (m) => seen.add(m));
      if (cursor >= 2 ** 32) compacted = true;
      // Members >= s4500 stay; the others go and fresh ones come (forcing compactions).
      for (let k = 0; k < 60 && removed < 4500; k++) z.remove(`s${removed++}`);
      for (let k = 0; k < 5; k++) z.set(LIMITS, `new${added++}`, r());
    } while (cursor !== 0);
    assert.ok(compacted, 'the slots were compacted during the scan');
    for (let i = 4500; i < 5000; i++) assert.ok(seen.has(`s${i}`), `s${i} missed`);
    z.check();
  });
});

/** Random binary members: lengths 0-9, bytes biased to 0, 1, 0xfe, 0xff so prefixes tie often. */
function binaryMember(r: () => number): string {
  const len = Math.floor(r() * 10);
  let m = '';
  for (let i = 0; i < len; i++) {
    const x = r();
    m += String.fromCharCode(x < 0.25 ? 0 : x < 0.4 ? 1 : x < 0.55 ? 0xfe : x < 0.7 ? 0xff : Math.floor(r() * 256));
  }
  return m;
}

describe('prefixKey', () => {
  test('never orders two members against their byte order', () => {
    const r = rng(21);
    for (let k = 0; k < 50_000; k++) {
      const a = binaryMember(r);
      const b = r() < 0.3 ? a + binaryMember(r) : binaryMember(r);
      if (a < b) assert.ok(prefixKey(a) <= prefixKey(b), `${JSON.stringify(a)} < ${JSON.stringify(b)}`);
      if (b < a) assert.ok(prefixKey(b) <= prefixKey(a), `${JSON.stringify(b)} < ${JSON.stringify(a)}`);
    }
    assert.equal(prefixKey(''), prefixKey('\0'));
    assert.ok(prefixKey('m:1234') < prefixKey('m:1235'));
  });

  test('binary members of equal scores keep byte order in a big set', () => {
    const r = rng(22);
    const z = new ZsetValue(LIMITS);
    const model = new Map<string, number>();
    for (let k = 0; k < 12_000; k++) {
      const m = binaryMember(r);
      if (r() < 0.8) {
        const s = Math.floor(r() * 3);
        z.set(LIMITS, m, s);
        model.set(m, s);
      } else assert.equal(z.remove(m), model.delete(m));
    }
    checkAgainst(z, model, r);
  });
});
