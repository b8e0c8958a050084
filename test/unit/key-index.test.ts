import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyIndex } from '../../src/keyspace/key-index.js';

/** Random operations against a Map model: lookups, adds, deletions (backward shift), growth and shrinking. */
test('KeyIndex agrees with a Map under random adds, deletes and lookups', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const index = new KeyIndex();
  const keys: (string | null)[] = [];
  const model = new Map<string, number>();
  const free: number[] = [];
  for (let step = 0; step < 60000; step++) {
    // Phases: grow to ~5000 keys, then shrink to a few, so both resizes run.
    const growing = step % 30000 < 20000;
    const key = `k${Math.floor(random() * 8000)}\x00\xff`;
    const op = random();
    if (op < (growing ? 0.6 : 0.2)) {
      if (model.has(key)) {
        assert.equal(index.addIfAbsent(key, 999999, keys), model.get(key));
        continue;
      }
      const slot = free.pop() ?? keys.length;
      if (slot === keys.length) keys.push(key);
      else keys[slot] = key;
      if (op < 0.3) index.add(key, slot);
      else assert.equal(index.addIfAbsent(key, slot, keys), -1);
      model.set(key, slot);
    } else if (op < (growing ? 0.8 : 0.9)) {
      const slot = index.delete(key, keys);
      assert.equal(slot, model.get(key) ?? -1);
      if (slot >= 0) {
        keys[slot] = null;
        free.push(slot);
        model.delete(key);
      }
    } else {
      assert.equal(index.get(key, keys), model.get(key) ?? -1);
    }
    assert.equal(index.size, model.size);
  }
  for (const [key, slot] of model) assert.equal(index.get(key, keys), slot);
  assert.equal(index.get('absent', keys), -1);
});

test('KeyIndex.renumber follows compaction', () => {
  const index = new KeyIndex();
  const keys: (string | null)[] = [];
  for (let i = 0; i < 100; i++) {
    keys.push(`key${i}`);
    index.add(`key${i}`, i);
  }
  for (let i = 0; i < 100; i += 2) {
    index.delete(`key${i}`, keys);
    keys[i] = null;
  }
  const moved = new Int32Array(keys.length);
  const compacted: string[] = [];
  keys.forEach((k, i) => {
    if (k !== null) {
      moved[i] = compacted.length;
      compacted.push(k);
    }
  });
  index.renumber(moved);
  for (let i = 1; i < 100; i += 2) assert.equal(index.get(`key${i}`, compacted), (i - 1) / 2);
  assert.equal(index.get('key0', compacted), -1);
});

test('KeyIndex distinguishes binary keys and the empty key', () => {
  const index = new KeyIndex();
  const keys = ['', '\x00', '\x00\x00', '\xff', 'a\x00b'];
  keys.forEach((k, i) => index.add(k, i));
  keys.forEach((k, i) => assert.equal(index.get(k, keys), i));
  assert.equal(index.get('a\x00c', keys), -1);
});
