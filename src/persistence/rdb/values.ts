/**
 * Values in a portable shape, independent of nodis's in-memory representations: what an
 * RDB file or DUMP payload contains. The loader turns them into nodis values through the
 * type APIs; the saver builds them from nodis values. Decoding covers every encoding Redis
 * 6.2-7.2 writes for strings, lists, sets, hashes and sorted sets; streams and modules are
 * reported as unsupported with the key's name.
 */
import { RdbInput, RdbFormatError } from './input.js';
import type { RdbOutput } from './output.js';
import { RdbType, QUICKLIST_NODE_PLAIN, QUICKLIST_NODE_PACKED, rdbTypeName } from './format.js';
import { strtodWhole } from '../../util/numbers.js';
import { listpackEntries, ziplistEntries, intsetEntries, zipmapEntries } from './compact.js';

export type PortableValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'list'; readonly items: string[] }
  | { readonly type: 'set'; readonly members: string[] }
  | { readonly type: 'hash'; readonly pairs: [string, string][] }
  | { readonly type: 'zset'; readonly entries: [string, number][] };

export class UnsupportedRdbTypeError extends RdbFormatError {}

function pairs(flat: string[], what: string, offset: number): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbFormatError(`Odd number of entries in ${what}`, offset);
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function scored(flat: string[], offset: number): [string, number][] {
  return pairs(flat, 'sorted set', offset).map(([m, s]) => {
    // Listpack/ziplist scores are text as Redis formats them, "inf"/"-inf" included.
    const score = strtodWhole(s);
    if (score === null || Number.isNaN(score)) throw new RdbFormatError('Zset score is not a number', offset);
    return [m, score];
  });
}

/** rdbLoadObject: decodes a value of RDB type `type` for key `key`. */
export function readValue(input: RdbInput, type: number, key: string): PortableValue {
  const offset = input.pos;
  switch (type) {
    case RdbType.STRING:
      return { type: 'string', value: input.string() };
    case RdbType.LIST: {
      const n = input.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(input.string());
      return { type: 'list', items };
    }
    case RdbType.SET: {
      const n = input.len();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(input.string());
      return { type: 'set', members };
    }
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = input.len();
      const entries: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const member = input.string();
        entries.push([member, type === RdbType.ZSET_2 ? input.binaryDouble() : input.asciiDouble()]);
      }
      return { type: 'zset', entries };
    }
    case RdbType.HASH: {
      const n = input.len();
      const out: [string, string][] = [];
      for (let i = 0; i < n; i++) out.push([input.string(), input.string()]);
      return { type: 'hash', pairs: out };
    }
    case RdbType.HASH_ZIPMAP:
      return { type: 'hash', pairs: pairs(zipmapEntries(input.blob()), 'zipmap', offset) };
    case RdbType.LIST_ZIPLIST:
      return { type: 'list', items: ziplistEntries(input.blob()) };
    case RdbType.SET_INTSET:
      return { type: 'set', members: intsetEntries(input.blob()) };
    case RdbType.SET_LISTPACK:
      return { type: 'set', members: listpackEntries(input.blob()) };
    case RdbType.ZSET_ZIPLIST:
      return { type: 'zset', entries: scored(ziplistEntries(input.blob()), offset) };
    case RdbType.ZSET_LISTPACK:
      return { type: 'zset', entries: scored(listpackEntries(input.blob()), offset) };
    case RdbType.HASH_ZIPLIST:
      return { type: 'hash', pairs: pairs(ziplistEntries(input.blob()), 'hash ziplist', offset) };
    case RdbType.HASH_LISTPACK:
      return { type: 'hash', pairs: pairs(listpackEntries(input.blob()), 'hash listpack', offset) };
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2: {
      const nodes = input.len();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_PACKED;
        if (type === RdbType.LIST_QUICKLIST_2) container = input.len();
        const blob = input.blob();
        if (container === QUICKLIST_NODE_PLAIN) items.push(blob.latin1Slice(0, blob.length));
        else if (container === QUICKLIST_NODE_PACKED) {
          items.push(...(type === RdbType.LIST_QUICKLIST_2 ? listpackEntries(blob) : ziplistEntries(blob)));
        } else throw new RdbFormatError(`Unknown quicklist node container ${container}`, offset);
      }
      return { type: 'list', items };
    }
    default:
      throw new UnsupportedRdbTypeError(`Can't load key '${key}': unsupported RDB value type ${rdbTypeName(type)} (${type})`, offset - 1);
  }
}

/**
 * Writes a value in the plain encodings (RDB_TYPE_STRING/LIST/SET/ZSET_2/HASH). Every Redis
 * since 2.x loads them and converts small ones to its compact encodings on load.
 * Returns the RDB type byte to write before the key.
 */
export function valueRdbType(v: PortableValue): number {
  switch (v.type) {
    case 'string':
      return RdbType.STRING;
    case 'list':
      return RdbType.LIST;
    case 'set':
      return RdbType.SET;
    case 'zset':
      return RdbType.ZSET_2;
    case 'hash':
      return RdbType.HASH;
    default: {
      const never: never = v;
      return never;
    }
  }
}

export function writeValue(out: RdbOutput, v: PortableValue): void {
  switch (v.type) {
    case 'string':
      out.string(v.value);
      return;
    case 'list':
      out.len(v.items.length);
      for (const item of v.items) out.string(item);
      return;
    case 'set':
      out.len(v.members.length);
      for (const m of v.members) out.string(m);
      return;
    case 'zset':
      out.len(v.entries.length);
      // Redis writes zsets from the tail so loading inserts in ascending order cheaply.
      for (let i = v.entries.length - 1; i >= 0; i--) {
        const [member, score] = v.entries[i]!;
        out.string(member);
        out.binaryDouble(score);
      }
      return;
    case 'hash':
      out.len(v.pairs.length);
      for (const [f, val] of v.pairs) {
        out.string(f);
        out.string(val);
      }
      return;
    default: {
      const never: never = v;
      return never;
    }
  }
}
