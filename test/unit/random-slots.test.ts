/**
 * drawSlots (batched random picks over a slot array with holes) and warmStrings: picks are
 * members only, distinct when asked, every member reachable with about equal frequency;
 * warmStrings reads the lengths it is given.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawSlots } from '../../src/types/random-slots.js';
import { warmStrings, warmedTotal } from '../../src/types/warm.js';
import { rng } from '../helpers/rng.js';

describe('drawSlots', () => {
  const slots: (string | null)[] = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? null : `m${i}`));
  const isMember = (i: number): boolean => slots[i] !== null;

  test('distinct picks are members, without repeats', () => {
    const r = rng(7);
    for (let round = 0; round < 200; round++) {
      const count = 1 + Math.floor(r() * 20);
      const picked = drawSlots(count, slots.length, isMember, true, r);
      assert.equal(picked.length, count);
      assert.equal(new Set(picked).size, count);
      for (const s of picked) assert.ok(isMember(s));
    }
  });

  test('picks with repeats are members, about uniform', () => {
    const r = rng(11);
    const seen = new Map<number, number>();
    const picked = drawSlots(66_000, slots.length, isMember, false, r);
    assert.equal(picked.length, 66_000);
    for (const s of picked) {
      assert.ok(isMember(s));
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    // 66 members, ~1000 picks each.
    assert.equal(seen.size, 66);
    for (const n of seen.values()) assert.ok(n > 800 && n < 1200, String(n));
  });
});

test('warmStrings reads the lengths of its window', () => {
  const before = warmedTotal();
  warmStrings(['ab', 'cde', 'f'], 1, 3);
  assert.equal(warmedTotal() - before, 4);
});
