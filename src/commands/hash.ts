/** Hash commands (t_hash.c, Redis 7.2 semantics). */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONGTYPE,
  SYNTAX,
  WRONG_ARITY,
  OVERFLOW,
  INCR_NAN_INF,
  NOT_FLOAT,
  HASH_NOT_FLOAT,
  HASH_NOT_INTEGER,
  INT64_RANGE_NO_MIN,
  NOT_INTEGER,
  VALUE_NAN_INF,
  VALUE_OUT_OF_RANGE,
} from '../errors.js';
import { HashValue, type HashLimits } from '../types/hash.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { int64BigArg } from './args.js';
import { parseInt64, INT64_MAX, INT64_MIN } from '../util/numbers.js';
import { parseLongDouble, addLongDouble, formatLongDoubleHuman } from '../util/long-double.js';
import { scanCollection, replyScan } from './scan-args.js';
import { warmPairs, WARM_WINDOW } from '../types/warm.js';
import { MAX_REPEATED_PICKS } from '../types/random-slots.js';

function limits(c: Client): HashLimits {
  return { maxEntries: c.server.config.num('hash-max-listpack-entries'), maxValue: c.server.config.num('hash-max-listpack-value') };
}

function hashForRead(c: Client, key: string): HashValue | null {
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!(v instanceof HashValue)) throw WRONGTYPE;
  return v;
}

function hashForWrite(c: Client, key: string): HashValue | null {
  const v = c.db.lookupWrite(key);
  if (v === undefined) return null;
  if (!(v instanceof HashValue)) throw WRONGTYPE;
  return v;
}

/** hashTypeLookupWriteOrCreate */
function hashOrCreate(c: Client, key: string): HashValue {
  const existing = hashForWrite(c, key);
  if (existing !== null) return existing;
  const h = new HashValue();
  c.db.add(key, h);
  return h;
}

function hsetGeneric(c: Client, argv: string[], replyCount: boolean): void {
  if (argv.length % 2 === 1) throw WRONG_ARITY(replyCount ? 'hset' : 'hmset');
  const key = argv[1]!;
  const h = hashOrCreate(c, key);
  const lim = limits(c);
  h.beforeInsert(lim, argv, 2);
  const created = h.setPairs(lim, argv, 2);
  if (replyCount) c.w.integer(created);
  else c.w.ok();
  afterWrite(c, key, NOTIFY.HASH, 'hset', (argv.length - 2) / 2);
}

function hsetnxCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const h = hashOrCreate(c, key);
  if (h.has(argv[2]!)) {
    c.w.integer(0);
    return;
  }
  const lim = limits(c);
  h.beforeInsert(lim, [argv[2]!, argv[3]!]);
  h.set(lim, argv[2]!, argv[3]!);
  c.w.integer(1);
  afterWrite(c, key, NOTIFY.HASH, 'hset');
}

function hgetCommand(c: Client, argv: string[]): void {
  const h = hashForRead(c, argv[1]!);
  const v = h?.get(argv[2]!);
  if (v === undefined) c.w.nullBulk();
  else c.w.bulk(v);
}

function hmgetCommand(c: Client, argv: string[]): void {
  const h = hashForRead(c, argv[1]!);
  c.w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]!);
    if (v === undefined) c.w.nullBulk();
    else c.w.bulk(v);
  }
}

function hgetallCommand(c: Client, argv: string[]): void {
  const h = hashForRead(c, argv[1]!);
  if (h === null) {
    c.w.mapHeader(0);
    return;
  }
  const w = c.w;
  w.mapHeader(h.size);
  h.forEach((f, v) => {
    w.bulk(f);
    w.bulk(v);
  });
}

function hkeysCommand(c: Client, argv: string[]): void {
  const h = hashForRead(c, argv[1]!);
  c.w.bulkArray(h === null ? [] : h.keys());
}

function hvalsCommand(c: Client, argv: string[]): void {
  const h = hashForRead(c, argv[1]!);
  c.w.bulkArray(h === null ? [] : h.values());
}

function hlenCommand(c: Client, argv: string[]): void {
  c.w.integer(hashForRead(c, argv[1]!)?.size ?? 0);
}

function hstrlenCommand(c: Client, argv: string[]): void {
  c.w.integer(hashForRead(c, argv[1]!)?.get(argv[2]!)?.length ?? 0);
}

function hexistsCommand(c: Client, argv: string[]): void {
  c.w.integer(hashForRead(c, argv[1]!)?.has(argv[2]!) ? 1 : 0);
}

function hdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const h = hashForWrite(c, key);
  if (h === null) {
    c.w.integer(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i]!)) {
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    afterWrite(c, key, NOTIFY.HASH, 'hdel', deleted);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
  c.w.integer(deleted);
}

function hincrbyCommand(c: Client, argv: string[]): void {
  const incr = int64BigArg(argv[3]!);
  const key = argv[1]!;
  const h = hashOrCreate(c, key);
  const current = h.get(argv[2]!);
  let value = 0n;
  if (current !== undefined) {
    const parsed = parseInt64(current);
    if (parsed === null) throw HASH_NOT_INTEGER;
    value = BigInt(parsed);
  }
  if ((incr < 0n && value < 0n && incr < INT64_MIN - value) || (incr > 0n && value > 0n && incr > INT64_MAX - value)) throw OVERFLOW;
  const result = value + incr;
  h.set(limits(c), argv[2]!, result.toString());
  c.w.integer(result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result);
  afterWrite(c, key, NOTIFY.HASH, 'hincrby');
}

function hincrbyfloatCommand(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) throw NOT_FLOAT;
  if (incr.kind !== 'finite') throw VALUE_NAN_INF;
  const key = argv[1]!;
  const h = hashOrCreate(c, key);
  const current = h.get(argv[2]!);
  const value = current === undefined ? parseLongDouble('0') : parseLongDouble(current);
  if (value === null) throw HASH_NOT_FLOAT;
  const sum = addLongDouble(value, incr);
  if (sum.kind !== 'finite') throw INCR_NAN_INF;
  const text = formatLongDoubleHuman(sum);
  h.set(limits(c), argv[2]!, text);
  c.w.bulk(text);
  afterWrite(c, key, NOTIFY.HASH, 'hincrbyfloat');
  c.propagateArgv = ['HSET', key, argv[2]!, text];
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfieldCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = hashForRead(c, argv[1]!);
    if (h === null) {
      c.w.nullBulk();
      return;
    }
    c.w.bulk(h.randomField(c.server.random));
    return;
  }
  const parsed = parseInt64(argv[2]!);
  if (parsed === null) throw NOT_INTEGER;
  if (parsed === -9223372036854775808n) throw INT64_RANGE_NO_MIN;
  const count = Number(parsed);
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toUpperCase() !== 'WITHVALUES')) throw SYNTAX;
  const withValues = argv.length === 4;
  if (withValues && (parsed < -4611686018427387903n || parsed > 4611686018427387903n)) throw VALUE_OUT_OF_RANGE;
  const h = hashForRead(c, argv[1]!);
  if (h === null || count === 0) {
    c.w.arrayHeader(0);
    return;
  }
  // hrandfieldWithCountCommand's cases: O(|count|) picks unless the reply is most of the hash.
  const random = c.server.random;
  const size = h.size;
  let picked: [string, string][];
  if (count < 0) {
    if (-count > MAX_REPEATED_PICKS) throw VALUE_OUT_OF_RANGE;
    // Repetitions allowed: independent random picks.
    const map = h.slots();
    picked =
      map === null
        ? Array.from({ length: -count }, () => h.randomEntry(random))
        : map.randomSlots(-count, false, random).map((slot): [string, string] => [map.fieldAt(slot), withValues ? map.valueAt(slot) : '']);
  } else if (count >= size) {
    picked = h.entries();
  } else if (count * 3 > size || h.encoding() === 'listpack') {
    // A large share of the hash, or a small packed one: a partial Fisher-Yates of all entries.
    const entries = h.entries();
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    picked = entries.slice(0, count);
  } else {
    // A small share of a big hash: distinct random slots, drawn a batch at a time
    // (random-slots.ts); a value is another random load: read only when replied.
    const map = h.slots()!;
    picked = map.randomSlots(count, true, random).map((slot): [string, string] => [map.fieldAt(slot), withValues ? map.valueAt(slot) : '']);
  }
  const w = c.w;
  w.arrayHeader(withValues && w.resp === 2 ? picked.length * 2 : picked.length);
  for (let i = 0; i < picked.length; i++) {
    // Touch a window of entries ahead of writing: their cache misses overlap (warm.ts).
    if (i % WARM_WINDOW === 0) warmPairs(picked, i, Math.min(picked.length, i + WARM_WINDOW), withValues);
    const [f, v] = picked[i]!;
    if (withValues && w.resp === 3) w.arrayHeader(2);
    w.bulk(f);
    if (withValues) w.bulk(v);
  }
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: COUNT entries a step for a hashtable, all at once for a listpack. */
function hscanCommand(c: Client, argv: string[]): void {
  const found = scanCollection(c, argv, () => hashForRead(c, argv[1]!));
  if (found === null) return;
  const [h, opts] = found;
  const out: string[] = [];
  const next = h.scan(opts.cursor, opts.count, (f, v) => {
    if (opts.matches(f)) out.push(f, v);
  });
  replyScan(c, out, next);
}

export const hashCommands: HandlerTable = {
  hset: (c, argv) => hsetGeneric(c, argv, true),
  hmset: (c, argv) => hsetGeneric(c, argv, false),
  hsetnx: hsetnxCommand,
  hget: hgetCommand,
  hmget: hmgetCommand,
  hgetall: hgetallCommand,
  hkeys: hkeysCommand,
  hvals: hvalsCommand,
  hlen: hlenCommand,
  hstrlen: hstrlenCommand,
  hexists: hexistsCommand,
  hdel: hdelCommand,
  hincrby: hincrbyCommand,
  hincrbyfloat: hincrbyfloatCommand,
  hrandfield: hrandfieldCommand,
  hscan: hscanCommand,
};
