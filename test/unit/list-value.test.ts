/**
 * ListValue's chunked layout (open head and tail arrays around packed chunks) against an
 * array model: random pushes and pops at both ends, LSET, ranges, walks both ways, rebuilds
 * and clones, with element lengths across the one/two/three-char varint bounds and big
 * elements that keep a chunk unpacked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ListValue } from '../../src/types/list.js';
import { rng } from '../helpers/rng.js';

const LENGTHS = [0, 1, 3, 12, 13, 127, 128, 300, 16383, 16384];

function element(r: () => number, n: number, big: boolean): string {
  if (!big) return `e${n}`;
  const len = LENGTHS[Math.floor(r() * LENGTHS.length)]!;
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function check(list: ListValue, model: string[]): void {
  assert.equal(list.length, model.length);
  assert.deepEqual(list.toArray(), model);
  const r = rng(model.length);
  for (let t = 0; t < 20 && model.length > 0; t++) {
    const i = Math.floor(r() * model.length);
    assert.equal(list.get(i), model[i]);
    const j = i + Math.floor(r() * (model.length - i));
    assert.deepEqual(list.range(i, j), model.slice(i, j + 1));
  }
  const forward: string[] = [];
  list.walk(false, (s, i) => {
    assert.equal(i, forward.length);
    forward.push(s);
    return true;
  });
  assert.deepEqual(forward, model);
  const backward: string[] = [];
  list.walk(true, (s, i) => {
    assert.equal(i, model.length - 1 - backward.length);
    backward.push(s);
    return true;
  });
  assert.deepEqual(backward, model.slice().reverse());
}

function run(seed: number, steps: number, big: boolean): void {
  const r = rng(seed);
  const list = new ListValue();
  const model: string[] = [];
  let n = 0;
  for (let step = 0; step < steps; step++) {
    const op = r();
    // Phases that grow or drain, so the list crosses chunk boundaries both ways.
    const growing = Math.floor(step / 500) % 2 === 0;
    if (op < (growing ? 0.35 : 0.15)) {
      const s = element(r, n++, big);
      list.pushTail(s);
      model.push(s);
    } else if (op < (growing ? 0.7 : 0.3)) {
      const s = element(r, n++, big);
      list.pushHead(s);
      model.unshift(s);
    } else if (op < (growing ? 0.8 : 0.6)) {
      assert.equal(list.popHead(), model.shift());
    } else if (op < (growing ? 0.9 : 0.9)) {
      assert.equal(list.popTail(), model.pop());
    } else if (model.length > 0) {
      const i = Math.floor(r() * model.length);
      const s = element(r, n++, big);
      list.set(i, s);
      model[i] = s;
    }
    if (step % 97 === 0) check(list, model);
  }
  check(list, model);
  const copy = list.clone();
  check(copy, model);
  if (model.length > 0) {
    copy.set(0, 'changed');
    assert.equal(list.get(0), model[0]);
  }
  list.replaceAll(model.slice(1));
  check(list, model.slice(1));
}

describe('ListValue', () => {
  test('small elements, many chunks', () => {
    for (let seed = 1; seed <= 4; seed++) run(seed, 6000, false);
  });

  test('binary elements of every varint size, big ones unpacked', () => {
    run(7, 1500, true);
  });

  test('a long list filled from one end, drained from the other', () => {
    const list = new ListValue();
    for (let i = 0; i < 100_000; i++) list.pushTail(`x:${i}`);
    assert.equal(list.get(0), 'x:0');
    assert.equal(list.get(54_321), 'x:54321');
    assert.equal(list.get(99_999), 'x:99999');
    list.set(77_777, 'seven');
    assert.deepEqual(list.range(77_776, 77_778), ['x:77776', 'seven', 'x:77778']);
    for (let i = 0; i < 100_000; i++) assert.equal(list.popHead(), i === 77_777 ? 'seven' : `x:${i}`);
    assert.equal(list.length, 0);
    assert.equal(list.popHead(), undefined);
    assert.equal(list.popTail(), undefined);
  });
});
