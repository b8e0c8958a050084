/**
 * drawSlots (batched random picks over a slot array with holes), PickAhead (single picks
 * drawn a batch ahead) and warmStrings: picks are members only, distinct when asked, every
 * member reachable with about equal frequency, also after the slot array grows or its
 * members leave; warmStrings reads the lengths it is given.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawSlots, PickAhead, aheadWarmed } from '../../src/types/random-slots.js';
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

describe('PickAhead', () => {
  /** A big slot array (PickAhead draws ahead only from 4096 slots) with every third slot a hole. */
  const big = (n: number): (string | null)[] => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `m${i}`));

  test('single picks are members, about uniform, and warm what they will return', () => {
    const slots = big(6000);
    const owner = { ahead: null as PickAhead | null };
    const r = rng(5);
    const counts = new Map<number, number>();
    const before = aheadWarmed();
    for (let k = 0; k < 400_000; k++) {
      const s = PickAhead.pick(owner, slots, r);
      assert.ok(slots[s] !== null);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    assert.ok(owner.ahead !== null, 'a big array draws ahead');
    assert.ok(aheadWarmed() > before, 'the drawn members were read');
    // 4000 members, ~100 picks each.
    assert.equal(counts.size, 4000);
    for (const n of counts.values()) assert.ok(n > 40 && n < 175, String(n));
  });

  test('draws made before the array grew are not used; holes are redrawn', () => {
    const slots: (string | null)[] = Array.from({ length: 4096 }, (_, i) => `m${i}`);
    const owner = { ahead: null as PickAhead | null };
    const r = rng(9);
    PickAhead.pick(owner, slots, r); // the rest of a batch is drawn over 4096 slots
    for (let i = 0; i < 4096; i++) slots.push(`n${i}`);
    // The next picks come from all 8192 slots, not only from the first 4096.
    const next = Array.from({ length: 15 }, () => PickAhead.pick(owner, slots, r));
    assert.ok(next.some((s) => s >= 4096), next.join(' '));
    // Members that left since a batch was drawn are never returned.
    for (let i = 0; i < 8192; i++) if (i !== 7) slots[i] = null;
    for (let k = 0; k < 50; k++) assert.equal(PickAhead.pick(owner, slots, r), 7);
  });

  test('a small array is drawn from directly', () => {
    const slots = big(100);
    const owner = { ahead: null as PickAhead | null };
    for (let k = 0; k < 100; k++) assert.ok(slots[PickAhead.pick(owner, slots, rng(k))] !== null);
    assert.equal(owner.ahead, null);
  });
});
