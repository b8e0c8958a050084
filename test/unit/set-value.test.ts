/**
 * SetValue's split storage (IntTable for integer members, StringSlots for the rest) against a
 * JS Set model: random adds and removes of integers (canonical or not, beyond 2^53), strings
 * and binary bytes, across the intset → listpack → hashtable conversions and compactions;
 * checks membership, size, listing order, random picks and that a full SSCAN walk returns
 * every member present throughout. IntTable alone is checked against a Set of numbers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SetValue, type SetLimits } from '../../src/types/set.js';
import { IntTable, intMember } from '../../src/types/int-table.js';
import { rng } from '../helpers/rng.js';

const ODD = ['01', '-0', '+1', ' 1', '1 ', '-', '', '9007199254740991', '-9007199254740991', '9007199254740992', '9223372036854775807', '-9223372036854775808', '1e3', '\x00\xff'];

function member(r: () => number, intsOnly: boolean): string {
  const x = r();
  if (intsOnly || x < 0.6) return String(Math.floor(r() * 4000) - 1000);
  if (x < 0.7) return ODD[Math.floor(r() * ODD.length)]!;
  return `m:${Math.floor(r() * 3000)}`;
}

function check(set: SetValue, model: Set<string>, r: () => number): void {
  assert.equal(set.size, model.size);
  assert.deepEqual([...set.ordered()].sort(), [...model].sort());
  if (set.encoding() === 'intset') {
    const listed = set.ordered().map((m) => BigInt(m));
    for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1]! < listed[i]!);
  }
  for (const m of model) assert.ok(set.has(m), m);
  for (let i = 0; i < 20; i++) {
    const m = member(r, false);
    assert.equal(set.has(m), model.has(m), m);
  }
  if (model.size > 0) for (let i = 0; i < 10; i++) assert.ok(model.has(set.random(r)));
  const seen = new Set<string>();
  let cursor = 0;
  do cursor = set.scan(cursor, 7, (m) => seen.add(m));
  while (cursor !== 0);
  assert.deepEqual([...seen].sort(), [...model].sort());
}

function run(seed: number, steps: number, intsOnly: boolean, limits: SetLimits): void {
  const r = rng(seed);
  const model = new Set<string>();
  const first = member(r, intsOnly);
  const set = new SetValue(limits, first, 1);
  for (let step = 0; step < steps; step++) {
    const growing = Math.floor(step / 700) % 2 === 0;
    const m = member(r, intsOnly);
    if (r() < (growing ? 0.8 : 0.3)) {
      assert.equal(set.add(limits, m), !model.has(m));
      model.add(m);
    } else {
      assert.equal(set.remove(m), model.delete(m));
    }
    if (step % 151 === 0) check(set, model, r);
  }
  check(set, model, r);
  const copy = set.clone();
  check(copy, model, r);
  copy.add(limits, 'only-in-copy');
  assert.equal(set.has('only-in-copy'), false);
}

const LIMITS: SetLimits = { maxIntsetEntries: 512, maxListpackEntries: 128, maxListpackValue: 64 };

describe('SetValue', () => {
  test('integers only: intset, then hashtable in an IntTable', () => {
    for (let seed = 1; seed <= 3; seed++) run(seed, 5000, true, LIMITS);
  });

  test('mixed members through listpack and hashtable', () => {
    for (let seed = 11; seed <= 14; seed++) run(seed, 5000, false, LIMITS);
  });

  test('tiny limits: conversions early', () => {
    run(21, 3000, false, { maxIntsetEntries: 4, maxListpackEntries: 3, maxListpackValue: 4 });
  });

  test('an intset becoming a listpack keeps the numeric order', () => {
    const set = new SetValue(LIMITS, '5', 1);
    for (const m of ['5', '-3', '10', '2']) set.add(LIMITS, m);
    set.add(LIMITS, 'a');
    assert.equal(set.encoding(), 'listpack');
    assert.deepEqual(set.ordered(), ['-3', '2', '5', '10', 'a']);
  });

  test('a scan keeps every member present throughout while others come and go', () => {
    const r = rng(5);
    const set = new SetValue(LIMITS, '0', 100000);
    for (let i = 0; i < 5000; i++) set.add(LIMITS, i % 3 === 0 ? `s:${i}` : String(i));
    const stable = new Set(set.ordered().filter((_, i) => i % 2 === 0));
    for (const m of set.ordered()) if (!stable.has(m)) set.remove(m);
    const seen = new Set<string>();
    let cursor = 0;
    let extra = 100000;
    do {
      cursor = set.scan(cursor, 10, (m) => seen.add(m));
      for (let k = 0; k < 20; k++) {
        const m = r() < 0.5 ? String(extra++) : `t:${extra++}`;
        set.add(LIMITS, m);
        if (r() < 0.9) set.remove(m);
      }
    } while (cursor !== 0);
    for (const m of stable) assert.ok(seen.has(m), m);
  });
});

describe('IntTable', () => {
  test('against a Set of numbers, through growth, hole refills and compactions', () => {
    const r = rng(9);
    const t = new IntTable();
    const model = new Set<number>();
    for (let step = 0; step < 60000; step++) {
      const phase = Math.floor(step / 10000) % 3;
      const v = (Math.floor(r() * 20000) - 10000) * (r() < 0.1 ? 2 ** 40 : 1);
      if (r() < [0.9, 0.5, 0.1][phase]!) {
        assert.equal(t.add(v), !model.has(v));
        model.add(v);
      } else {
        assert.equal(t.remove(v), model.delete(v));
      }
      if (step % 5000 === 0) {
        assert.equal(t.size, model.size);
        const all: number[] = [];
        t.forEach((x) => all.push(x));
        assert.deepEqual(all.sort((a, b) => a - b), [...model].sort((a, b) => a - b));
        for (const x of model) assert.ok(t.has(x));
      }
    }
  });

  test('intMember accepts exactly the canonical safe integers', () => {
    for (const s of ['0', '7', '-7', '123456789', '9007199254740991', '-9007199254740991']) assert.equal(String(intMember(s)), s);
    for (const s of ODD.filter((x) => !/^-?9007199254740991$/.test(x))) assert.equal(intMember(s), null, s);
  });
});
