/** Set commands (t_set.c, Redis 7.2 semantics). */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { WRONGTYPE, SYNTAX, NOT_INTEGER, INT64_RANGE_NO_MIN, VALUE_NOT_POSITIVE, ZMPOP_NUMKEYS, NUMKEYS_TOO_MANY, ZINTERCARD_LIMIT_NEGATIVE, VALUE_OUT_OF_RANGE } from '../errors.js';
import { SetValue, type SetLimits } from '../types/set.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { parseInt64 } from '../util/numbers.js';
import { scanCollection, replyScan } from './scan-args.js';
import { warmStrings, WARM_WINDOW } from '../types/warm.js';
import { MAX_REPEATED_PICKS } from '../types/random-slots.js';

function limits(c: Client): SetLimits {
  const cfg = c.server.config;
  return {
    maxIntsetEntries: cfg.num('set-max-intset-entries'),
    maxListpackEntries: cfg.num('set-max-listpack-entries'),
    maxListpackValue: cfg.num('set-max-listpack-value'),
  };
}

function setForRead(c: Client, key: string): SetValue | null {
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!(v instanceof SetValue)) throw WRONGTYPE;
  return v;
}

function setForWrite(c: Client, key: string): SetValue | null {
  const v = c.db.lookupWrite(key);
  if (v === undefined) return null;
  if (!(v instanceof SetValue)) throw WRONGTYPE;
  return v;
}

/** A set reply: `~n` in RESP3, an array in RESP2. */
function replySet(c: Client, members: readonly string[]): void {
  c.w.setHeader(members.length);
  for (const m of members) c.w.bulk(m);
}

function saddCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const lim = limits(c);
  let set = setForWrite(c, key);
  if (set === null) {
    set = new SetValue(lim, argv[2]!, argv.length - 2);
    c.db.add(key, set);
  } else {
    set.maybeConvert(lim, argv.length - 2);
  }
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.add(lim, argv[j]!)) added++;
  if (added > 0) afterWrite(c, key, NOTIFY.SET, 'sadd', added);
  c.w.integer(added);
}

function sremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const set = setForWrite(c, key);
  if (set === null) {
    c.w.integer(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (set.remove(argv[j]!)) {
      deleted++;
      if (set.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    afterWrite(c, key, NOTIFY.SET, 'srem', deleted);
    if (keyRemoved) c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
  c.w.integer(deleted);
}

function smembersCommand(c: Client, argv: string[]): void {
  const set = setForRead(c, argv[1]!);
  replySet(c, set === null ? [] : set.ordered());
}

function sismemberCommand(c: Client, argv: string[]): void {
  c.w.integer(setForRead(c, argv[1]!)?.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(c: Client, argv: string[]): void {
  const set = setForRead(c, argv[1]!);
  c.w.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.w.integer(set?.has(argv[j]!) ? 1 : 0);
}

function scardCommand(c: Client, argv: string[]): void {
  c.w.integer(setForRead(c, argv[1]!)?.size ?? 0);
}

/**
 * `count` random members: with repeats (negative counts) or distinct. Small requests sample
 * in O(count) expected time (Redis's "case 3"); large ones shuffle a copy.
 */
function randomPick(c: Client, set: SetValue, count: number, unique: boolean): string[] {
  const random = c.server.random;
  // Positions drawn a batch at a time (random-slots.ts); distinct positions are distinct members.
  if (!unique) return set.randomPositions(count, false, random).map((p) => set.memberAt(p));
  if (count >= set.size) return set.ordered();
  if (count * 3 < set.size) return set.randomPositions(count, true, random).map((p) => set.memberAt(p));
  const members = set.ordered();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (members.length - i));
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return members.slice(0, count);
}

/** SPOP key [count]: propagated as SREM of the popped members. */
function spopCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) throw SYNTAX;
  const key = argv[1]!;
  if (argv.length === 3) {
    const parsed = parseInt64(argv[2]!);
    if (parsed === null || parsed < 0) throw VALUE_NOT_POSITIVE;
    const set = setForWrite(c, key);
    if (set === null || parsed === 0) {
      replySet(c, []);
      return;
    }
    const popped = randomPick(c, set, Number(parsed), true);
    for (const m of popped) set.remove(m);
    replySet(c, popped);
    afterWrite(c, key, NOTIFY.SET, 'spop', popped.length);
    if (set.size === 0) {
      c.db.delete(key);
      c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
    }
    c.propagateArgv = ['SREM', key, ...popped];
    return;
  }
  const set = setForWrite(c, key);
  if (set === null) {
    c.w.nullBulk();
    return;
  }
  const member = set.random(c.server.random);
  set.remove(member);
  c.w.bulk(member);
  afterWrite(c, key, NOTIFY.SET, 'spop');
  if (set.size === 0) {
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
  c.propagateArgv = ['SREM', key, member];
}

/** SRANDMEMBER key [count]: a negative count allows repeats. */
function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) throw SYNTAX;
  if (argv.length === 3) {
    const parsed = parseInt64(argv[2]!);
    if (parsed === null) throw NOT_INTEGER;
    if (parsed === -9223372036854775808n) throw INT64_RANGE_NO_MIN;
    const count = Number(parsed);
    const set = setForRead(c, argv[1]!);
    if (set === null || count === 0) {
      c.w.arrayHeader(0);
      return;
    }
    if (-count > MAX_REPEATED_PICKS) throw VALUE_OUT_OF_RANGE;
    const picked = randomPick(c, set, Math.abs(count), count > 0);
    const w = c.w;
    w.arrayHeader(picked.length);
    for (let i = 0; i < picked.length; i++) {
      // Touch a window of members ahead of writing: their cache misses overlap (warm.ts).
      if (i % WARM_WINDOW === 0) warmStrings(picked, i, Math.min(picked.length, i + WARM_WINDOW));
      w.bulk(picked[i]!);
    }
    return;
  }
  const set = setForRead(c, argv[1]!);
  if (set === null) {
    c.w.nullBulk();
    return;
  }
  c.w.bulk(set.random(c.server.random));
}

function smoveCommand(c: Client, argv: string[]): void {
  const [src, dst, member] = [argv[1]!, argv[2]!, argv[3]!];
  const srcSet = c.db.lookupWrite(src);
  const dstSet = c.db.lookupWrite(dst);
  if (srcSet === undefined) {
    c.w.integer(0);
    return;
  }
  if (!(srcSet instanceof SetValue) || (dstSet !== undefined && !(dstSet instanceof SetValue))) throw WRONGTYPE;
  if (srcSet === dstSet) {
    c.w.integer(srcSet.has(member) ? 1 : 0);
    return;
  }
  if (!srcSet.remove(member)) {
    c.w.integer(0);
    return;
  }
  c.server.notifyKeyspaceEvent(NOTIFY.SET, 'srem', src, c.db.id);
  if (srcSet.size === 0) {
    c.db.delete(src);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', src, c.db.id);
  }
  const lim = limits(c);
  let target = dstSet;
  if (target === undefined) {
    target = new SetValue(lim, member, 1);
    c.db.add(dst, target);
  }
  c.server.signalModifiedKey(c.db, src);
  c.server.dirty++;
  if (target.add(lim, member)) afterWrite(c, dst, NOTIFY.SET, 'sadd');
  c.w.integer(1);
}

/** The sets named by `keys` (null for missing keys); WRONGTYPE for other types. */
function lookupSets(c: Client, keys: readonly string[], write: boolean): (SetValue | null)[] {
  return keys.map((k) => {
    const v = write ? c.db.lookupWrite(k) : c.db.lookupRead(k, c.noTouch);
    if (v === undefined) return null;
    if (!(v instanceof SetValue)) throw WRONGTYPE;
    return v;
  });
}

function intersect(sets: (SetValue | null)[], limit = 0): string[] {
  if (sets.some((s) => s === null)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const out: string[] = [];
  for (const m of sorted[0]!.ordered()) {
    if (sorted.every((s) => s.has(m))) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

function union(sets: (SetValue | null)[]): string[] {
  const all = new Set<string>();
  for (const s of sets) if (s !== null) for (const m of s.ordered()) all.add(m);
  return [...all];
}

function difference(sets: (SetValue | null)[]): string[] {
  const first = sets[0];
  if (first === null || first === undefined) return [];
  return first.ordered().filter((m) => !sets.slice(1).some((s) => s !== null && s.has(m)));
}

/** The *STORE variants: an empty result deletes the destination. */
function storeResult(c: Client, dst: string, members: string[], event: string): void {
  if (members.length === 0) {
    if (c.db.delete(dst)) afterWrite(c, dst, NOTIFY.GENERIC, 'del');
    c.w.integer(0);
    return;
  }
  const lim = limits(c);
  const set = new SetValue(lim, members[0]!, members.length);
  for (const m of members) set.add(lim, m);
  c.db.set(dst, set);
  afterWrite(c, dst, NOTIFY.SET, event);
  c.w.integer(members.length);
}

function sintercardCommand(c: Client, argv: string[]): void {
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1) throw ZMPOP_NUMKEYS;
  if (numkeys > argv.length - 2) throw NUMKEYS_TOO_MANY;
  let limit = 0;
  for (let j = 2 + Number(numkeys); j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argv[j]!.toUpperCase() === 'LIMIT' && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null || v < 0) throw ZINTERCARD_LIMIT_NEGATIVE;
      limit = Number(v);
    } else throw SYNTAX;
  }
  const sets = lookupSets(c, argv.slice(2, 2 + Number(numkeys)), false);
  c.w.integer(intersect(sets, limit).length);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: COUNT members a step for a hashtable set, all at once otherwise. */
function sscanCommand(c: Client, argv: string[]): void {
  const found = scanCollection(c, argv, () => setForRead(c, argv[1]!));
  if (found === null) return;
  const [set, opts] = found;
  const out: string[] = [];
  const next = set.scan(opts.cursor, opts.count, (m) => {
    if (opts.matches(m)) out.push(m);
  });
  replyScan(c, out, next);
}

export const setCommands: HandlerTable = {
  sadd: saddCommand,
  srem: sremCommand,
  smembers: smembersCommand,
  sismember: sismemberCommand,
  smismember: smismemberCommand,
  scard: scardCommand,
  spop: spopCommand,
  srandmember: srandmemberCommand,
  smove: smoveCommand,
  sinter: (c, argv) => replySet(c, intersect(lookupSets(c, argv.slice(1), false))),
  sunion: (c, argv) => replySet(c, union(lookupSets(c, argv.slice(1), false))),
  sdiff: (c, argv) => replySet(c, difference(lookupSets(c, argv.slice(1), false))),
  sinterstore: (c, argv) => storeResult(c, argv[1]!, intersect(lookupSets(c, argv.slice(2), true)), 'sinterstore'),
  sunionstore: (c, argv) => storeResult(c, argv[1]!, union(lookupSets(c, argv.slice(2), true)), 'sunionstore'),
  sdiffstore: (c, argv) => storeResult(c, argv[1]!, difference(lookupSets(c, argv.slice(2), true)), 'sdiffstore'),
  sintercard: sintercardCommand,
  sscan: sscanCommand,
};
