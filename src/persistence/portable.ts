/**
 * Converts between nodis's in-memory values and the portable shape the RDB codec reads and
 * writes (PortableValue). Loading picks the encoding Redis's rdbLoadObject would: a value
 * small enough for the configured listpack/intset limits reports the compact encoding, a
 * bigger one the hashtable/skiplist/quicklist one, whatever encoding the file used.
 */
import type { Config } from '../config/config.js';
import { isString, stringOf, type RedisValue } from '../types/value.js';
import { ListValue } from '../types/list.js';
import { HashValue, type HashLimits } from '../types/hash.js';
import { SetValue, type SetLimits } from '../types/set.js';
import { ZsetValue, type ZsetLimits } from '../types/zset.js';
import type { PortableValue } from './rdb/values.js';

/** The encoding limits in force, read once per load or RESTORE. */
export interface TypeLimits {
  listFill: number;
  hash: HashLimits;
  set: SetLimits;
  zset: ZsetLimits;
}

export function typeLimits(config: Config): TypeLimits {
  return {
    listFill: config.num('list-max-listpack-size'),
    hash: { maxEntries: config.num('hash-max-listpack-entries'), maxValue: config.num('hash-max-listpack-value') },
    set: {
      maxIntsetEntries: config.num('set-max-intset-entries'),
      maxListpackEntries: config.num('set-max-listpack-entries'),
      maxListpackValue: config.num('set-max-listpack-value'),
    },
    zset: { maxEntries: config.num('zset-max-listpack-entries'), maxValue: config.num('zset-max-listpack-value') },
  };
}

/** A nodis value as the codec writes it (copies the contents: O(n)). */
export function toPortable(v: RedisValue): PortableValue {
  if (isString(v)) return { type: 'string', value: stringOf(v) };
  if (v instanceof ListValue) return { type: 'list', items: v.toArray() };
  if (v instanceof HashValue) return { type: 'hash', pairs: v.entries() };
  if (v instanceof SetValue) return { type: 'set', members: v.ordered() };
  if (v instanceof ZsetValue) return { type: 'zset', entries: v.entries() };
  throw new Error(`no RDB encoding for a value of type ${v.kind}`);
}

/** A decoded value as a nodis value, encoded as Redis would encode it after loading. */
export function fromPortable(p: PortableValue, limits: TypeLimits): RedisValue {
  switch (p.type) {
    case 'string':
      return p.value;
    case 'list': {
      const list = new ListValue(p.items.length);
      list.growConversion(limits.listFill, p.items);
      for (const item of p.items) list.pushTail(item);
      return list;
    }
    case 'hash': {
      const hash = new HashValue();
      // A hash with more fields than the listpack limit is created as a hashtable directly.
      if (p.pairs.length > limits.hash.maxEntries) hash.convertToHashtable();
      // One setPairs call, so a listpack hash is packed once rather than rebuilt per field.
      const flat: string[] = [];
      for (const [field, value] of p.pairs) flat.push(field, value);
      hash.beforeInsert(limits.hash, flat);
      hash.setPairs(limits.hash, flat, 0);
      return hash;
    }
    case 'set': {
      const members = p.members;
      // rdbLoadObject: more members than set-max-intset-entries go straight to a hashtable.
      // (A size hint of Infinity makes setTypeCreate choose the hashtable.)
      const set = new SetValue(limits.set, members[0] ?? '', members.length > limits.set.maxIntsetEntries ? Infinity : 1);
      for (const m of members) set.add(limits.set, m);
      return set;
    }
    case 'zset': {
      let maxLen = 0;
      for (const [m] of p.entries) if (m.length > maxLen) maxLen = m.length;
      const zset = new ZsetValue(limits.zset, p.entries.length, maxLen);
      for (const [m, score] of p.entries) zset.set(limits.zset, m, score);
      return zset;
    }
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** Approximate bytes a portable copy holds (copy-on-write accounting, like copied pages). */
export function portableSize(p: PortableValue): number {
  const ENTRY = 16;
  switch (p.type) {
    case 'string':
      return p.value.length;
    case 'list':
      return p.items.reduce((n, s) => n + ENTRY + s.length, 0);
    case 'set':
      return p.members.reduce((n, s) => n + ENTRY + s.length, 0);
    case 'hash':
      return p.pairs.reduce((n, [f, v]) => n + 2 * ENTRY + f.length + v.length, 0);
    case 'zset':
      return p.entries.reduce((n, [m]) => n + 2 * ENTRY + m.length, 0);
    default: {
      const never: never = p;
      return never;
    }
  }
}
