/**
 * The rest of the sorted-set family (t_zset.c): ZUNION/ZINTER/ZDIFF and their STORE forms
 * (WEIGHTS, AGGREGATE, sets as inputs with score 1), ZINTERCARD, ZRANGESTORE, ZRANDMEMBER,
 * ZSCAN, ZMPOP and the blocking BZPOPMIN/BZPOPMAX/BZMPOP.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONGTYPE,
  SYNTAX,
  NOT_INTEGER,
  TIMEOUT_NOT_FLOAT,
  TIMEOUT_NEGATIVE,
  TIMEOUT_OUT_OF_RANGE,
  INT64_RANGE_NO_MIN,
  VALUE_OUT_OF_RANGE,
  ZSET_WEIGHT_NOT_FLOAT,
  ZINTERCARD_LIMIT_NEGATIVE,
  ZMPOP_NUMKEYS,
  ZMPOP_COUNT,
  zsetNeedsInputKey,
} from '../errors.js';
import { ZsetValue, type ZsetLimits } from '../types/zset.js';
import { SetValue } from '../types/set.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { parseInt64, parseDouble } from '../util/numbers.js';
import { replyScore, scoreText, listpackScoreText } from './zset-reply.js';
import { warmStrings, WARM_WINDOW } from '../types/warm.js';
import { MAX_REPEATED_PICKS } from '../types/random-slots.js';
import { parseLongDouble, formatLongDoubleHuman } from '../util/long-double.js';
import { scanCollection, replyScan } from './scan-args.js';
import { zrangeSelect, zsetFor } from './zset.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

function limits(c: Client): ZsetLimits {
  return { maxEntries: c.server.config.num('zset-max-listpack-entries'), maxValue: c.server.config.num('zset-max-listpack-value') };
}

/** An input of ZUNION/ZINTER/ZDIFF seen as scored members: sets with score 1, a missing key empty. */
interface ScoredInput {
  readonly size: number;
  score(member: string): number | undefined;
  entries(): Iterable<readonly [string, number]>;
}

const EMPTY_INPUT: ScoredInput = { size: 0, score: () => undefined, entries: () => [] };

function inputOf(v: ZsetValue | SetValue | null): ScoredInput {
  if (v === null) return EMPTY_INPUT;
  if (v instanceof ZsetValue) return v;
  const members = v.members;
  return {
    size: members.size,
    score: (m) => (members.has(m) ? 1 : undefined),
    *entries() {
      for (const m of members) yield [m, 1] as const;
    },
  };
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  return how === 'min' ? Math.min(target, value) : Math.max(target, value);
}

/** zunionInterDiffGenericCommand; `numkeysIndex` points at numkeys; `dst` for the STORE forms. */
function zsetOp(c: Client, argv: string[], numkeysIndex: number, op: Op, dst: string | null, cardinalityOnly: boolean, name: string): void {
  const n = parseInt64(argv[numkeysIndex]!);
  if (n === null) throw NOT_INTEGER;
  if (n < 1) throw zsetNeedsInputKey(name);
  if (n > argv.length - (numkeysIndex + 1)) throw SYNTAX;
  const count = Number(n);
  const inputs: ScoredInput[] = [];
  let missing = false;
  for (let i = 0; i < count; i++) {
    const v = c.db.lookupRead(argv[numkeysIndex + 1 + i]!, c.noTouch);
    if (v === undefined) missing = true;
    else if (!(v instanceof ZsetValue || v instanceof SetValue)) throw WRONGTYPE;
    inputs.push(inputOf(v ?? null));
  }
  const weights = new Array<number>(count).fill(1);
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  for (let j = numkeysIndex + 1 + count; j < argv.length; ) {
    const opt = argv[j]!.toUpperCase();
    const remaining = argv.length - j;
    if (op !== 'diff' && !cardinalityOnly && remaining >= count + 1 && opt === 'WEIGHTS') {
      for (let i = 0; i < count; i++) {
        const w = parseDouble(argv[j + 1 + i]!);
        if (w === null) throw ZSET_WEIGHT_NOT_FLOAT;
        weights[i] = w;
      }
      j += count + 1;
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && opt === 'AGGREGATE') {
      const a = argv[j + 1]!.toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') throw SYNTAX;
      how = a;
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardinalityOnly && opt === 'WITHSCORES') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && opt === 'LIMIT') {
      const l = parseInt64(argv[j + 1]!);
      if (l === null || l < 0) throw ZINTERCARD_LIMIT_NEGATIVE;
      limit = Number(l);
      j += 2;
    } else throw SYNTAX;
  }
  const result = new Map<string, number>();
  const weighted = (score: number, i: number): number => {
    const s = score * weights[i]!;
    return Number.isNaN(s) ? 0 : s;
  };
  if (op === 'union') {
    inputs.forEach((v, i) => {
      for (const [m, s] of v.entries()) {
        const ws = weighted(s, i);
        const cur = result.get(m);
        result.set(m, cur === undefined ? ws : aggregate(cur, ws, how));
      }
    });
  } else if (op === 'inter') {
    if (!missing) {
      const order = inputs.map((e, i) => ({ e, i })).sort((a, b) => a.e.size - b.e.size);
      const [first, ...others] = order;
      for (const [m, s] of first!.e.entries()) {
        let score = weighted(s, first!.i);
        let all = true;
        for (const o of others) {
          const os = o.e.score(m);
          if (os === undefined) {
            all = false;
            break;
          }
          score = aggregate(score, weighted(os, o.i), how);
        }
        if (all) {
          result.set(m, score);
          if (cardinalityOnly && limit > 0 && result.size >= limit) break;
        }
      }
    }
  } else {
    const [first, ...others] = inputs;
    for (const [m, s] of first!.entries()) {
      if (!others.some((o) => o.score(m) !== undefined)) result.set(m, s);
    }
  }
  if (cardinalityOnly) {
    c.w.integer(result.size);
    return;
  }
  const sorted = [...result].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (dst !== null) {
    if (sorted.length === 0) {
      c.w.integer(0);
      if (c.db.delete(dst)) afterWrite(c, dst, NOTIFY.GENERIC, 'del');
      return;
    }
    const lim = limits(c);
    const z = new ZsetValue(lim, sorted.length, Math.max(...sorted.map(([m]) => m.length)));
    for (const [m, s] of sorted) z.set(lim, m, s);
    c.db.set(dst, z);
    c.w.integer(z.size);
    afterWrite(c, dst, NOTIFY.ZSET, `z${op}store`);
    return;
  }
  const w = c.w;
  w.arrayHeader(withScores && w.resp === 2 ? sorted.length * 2 : sorted.length);
  for (const [m, s] of sorted) {
    if (withScores && w.resp === 3) w.arrayHeader(2);
    w.bulk(m);
    if (withScores) replyScore(w, s);
  }
}

/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
function zrangestoreCommand(c: Client, argv: string[]): void {
  const dst = argv[1]!;
  const selection = zrangeSelect(c, argv.slice(1), 'auto', 'auto', true);
  const members = selection?.members ?? [];
  if (selection === null || members.length === 0) {
    c.w.integer(0);
    if (c.db.delete(dst)) afterWrite(c, dst, NOTIFY.GENERIC, 'del');
    return;
  }
  const lim = limits(c);
  const z = new ZsetValue(lim, members.length, Math.max(...members.map((m) => m.length)));
  members.forEach((m, i) => z.set(lim, m, selection.scores[i]!));
  c.db.set(dst, z);
  c.w.integer(z.size);
  afterWrite(c, dst, NOTIFY.ZSET, 'zrangestore');
}

/** ZRANDMEMBER key [count [WITHSCORES]]: O(1) per member returned (a random slot), as Redis's dictGetFairRandomKey. */
function zrandmemberCommand(c: Client, argv: string[]): void {
  const zsetOf = (): ZsetValue | null => zsetFor(c, argv[1]!, false);
  if (argv.length === 2) {
    const z = zsetOf();
    if (z === null) c.w.nullBulk();
    else c.w.bulk(z.memberAtSlot(z.randomSlot(c.server.random)));
    return;
  }
  const parsed = parseInt64(argv[2]!);
  if (parsed === null) throw NOT_INTEGER;
  if (parsed === -9223372036854775808n) throw INT64_RANGE_NO_MIN;
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toUpperCase() !== 'WITHSCORES')) throw SYNTAX;
  const withScores = argv.length === 4;
  if (withScores && (parsed < -4611686018427387903n || parsed > 4611686018427387903n)) throw VALUE_OUT_OF_RANGE;
  const count = Number(parsed);
  const z = zsetOf();
  if (z === null || count === 0) {
    c.w.arrayHeader(0);
    return;
  }
  // zrandmemberWithCountCommand's cases: O(|count|) unless the reply is most of the set.
  const size = z.size;
  const random = c.server.random;
  const members: string[] = [];
  const scores: number[] = [];
  if (count < 0) {
    if (-count > MAX_REPEATED_PICKS) throw VALUE_OUT_OF_RANGE;
    // Repetitions allowed: independent picks.
    for (const slot of z.randomSlots(-count, false, random)) {
      members.push(z.memberAtSlot(slot));
      // A score is another random load in a big set: read only when replied.
      if (withScores) scores.push(z.scoreAtSlot(slot));
    }
  } else if (count >= size) {
    z.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
  } else if (count * 3 > size) {
    // A large share of the set: a partial shuffle of all members.
    z.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [members[i], members[j]] = [members[j]!, members[i]!];
      [scores[i], scores[j]] = [scores[j]!, scores[i]!];
    }
    members.length = count;
    scores.length = count;
  } else {
    // A small share: distinct random slots.
    for (const slot of z.randomSlots(count, true, random)) {
      members.push(z.memberAtSlot(slot));
      if (withScores) scores.push(z.scoreAtSlot(slot));
    }
  }
  const w = c.w;
  w.arrayHeader(withScores && w.resp === 2 ? members.length * 2 : members.length);
  for (let i = 0; i < members.length; i++) {
    // Touch a window of members ahead of writing: their cache misses overlap (warm.ts).
    if (i % WARM_WINDOW === 0) warmStrings(members, i, Math.min(members.length, i + WARM_WINDOW));
    if (withScores && w.resp === 3) w.arrayHeader(2);
    w.bulk(members[i]!);
    if (withScores) replyScore(w, scores[i]!);
  }
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: COUNT members a step for a skiplist-encoded
 * set, all at once for a listpack; scores as %.17g strings, as Redis's scan sends them.
 */
function zscanCommand(c: Client, argv: string[]): void {
  const found = scanCollection(c, argv, () => zsetFor(c, argv[1]!, false));
  if (found === null) return;
  const [z, opts] = found;
  const out: string[] = [];
  const text = z.encoding() === 'listpack' ? listpackScoreText : scoreText;
  const next = z.scan(opts.cursor, opts.count, (m, score) => {
    if (opts.matches(m)) out.push(m, text(score));
  });
  replyScan(c, out, next);
}

// ---- ZMPOP and the blocking pops ----------------------------------------------------

/** Pops up to `count` from the first non-empty key; null when every key is missing. */
function popFromKeys(c: Client, keys: readonly string[], max: boolean, count: number, emitKeyNested: boolean): boolean {
  for (const key of keys) {
    const v = c.db.lookupWrite(key);
    if (v === undefined) continue;
    if (!(v instanceof ZsetValue)) throw WRONGTYPE;
    const n = Math.min(count, v.size);
    const members: string[] = [];
    const scores: number[] = [];
    v.range(max ? v.size - 1 : 0, n, max, members, scores);
    for (const m of members) v.remove(m);
    const w = c.w;
    if (emitKeyNested) {
      w.arrayHeader(2);
      w.bulk(key);
      w.arrayHeader(n);
      for (let k = 0; k < n; k++) {
        w.arrayHeader(2);
        w.bulk(members[k]!);
        replyScore(w, scores[k]!);
      }
    } else {
      w.arrayHeader(n * 2 + 1);
      w.bulk(key);
      for (let k = 0; k < n; k++) {
        w.bulk(members[k]!);
        replyScore(w, scores[k]!);
      }
    }
    afterWrite(c, key, NOTIFY.ZSET, max ? 'zpopmax' : 'zpopmin', n);
    if (v.size === 0) {
      c.db.delete(key);
      c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
    }
    c.propagateArgv = [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)];
    return true;
  }
  return false;
}

function parseMpop(argv: string[], numkeysIndex: number): { keys: string[]; max: boolean; count: number } {
  const n = parseInt64(argv[numkeysIndex]!);
  if (n === null || n < 1) throw ZMPOP_NUMKEYS;
  const whereIndex = numkeysIndex + Number(n) + 1;
  if (whereIndex >= argv.length) throw SYNTAX;
  const where = argv[whereIndex]!.toUpperCase();
  if (where !== 'MIN' && where !== 'MAX') throw SYNTAX;
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && argv[j]!.toUpperCase() === 'COUNT' && j + 1 < argv.length) {
      const v = parseInt64(argv[++j]!);
      if (v === null || v < 1) throw ZMPOP_COUNT;
      count = Number(v);
    } else throw SYNTAX;
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), max: where === 'MAX', count: count === -1 ? 1 : count };
}

function timeoutAt(c: Client, text: string): number {
  const ld = parseLongDouble(text);
  if (ld === null) throw TIMEOUT_NOT_FLOAT;
  const seconds = ld.kind === 'inf' ? (ld.neg ? -Infinity : Infinity) : Number(formatLongDoubleHuman(ld));
  const ms = Math.ceil(seconds * 1000);
  if (ms > 9223372036854775807) throw TIMEOUT_OUT_OF_RANGE;
  if (ms < 0) throw TIMEOUT_NEGATIVE;
  return ms > 0 ? c.server.nowMs + ms : 0;
}

function blockOrNull(c: Client, name: string, argv: string[], keys: readonly string[], deadline: number): void {
  if (c.denyBlocking) {
    c.w.nullArray();
    return;
  }
  const cmd = c.server.commands.all.get(name)!;
  c.server.blocking.block(c, cmd, argv, 'zset', keys, deadline, (client) => client.w.nullArray());
}

export const zsetMoreCommands: HandlerTable = {
  zunion: (c, argv) => zsetOp(c, argv, 1, 'union', null, false, 'zunion'),
  zinter: (c, argv) => zsetOp(c, argv, 1, 'inter', null, false, 'zinter'),
  zdiff: (c, argv) => zsetOp(c, argv, 1, 'diff', null, false, 'zdiff'),
  zunionstore: (c, argv) => zsetOp(c, argv, 2, 'union', argv[1]!, false, 'zunionstore'),
  zinterstore: (c, argv) => zsetOp(c, argv, 2, 'inter', argv[1]!, false, 'zinterstore'),
  zdiffstore: (c, argv) => zsetOp(c, argv, 2, 'diff', argv[1]!, false, 'zdiffstore'),
  zintercard: (c, argv) => zsetOp(c, argv, 1, 'inter', null, true, 'zintercard'),
  zrangestore: zrangestoreCommand,
  zrandmember: zrandmemberCommand,
  zscan: zscanCommand,
  zmpop: (c, argv) => {
    const { keys, max, count } = parseMpop(argv, 1);
    if (!popFromKeys(c, keys, max, count, true)) c.w.nullArray();
  },
  bzmpop: (c, argv) => {
    // zmpopGenericCommand: numkeys, MIN/MAX and COUNT are checked before the timeout.
    const { keys, max, count } = parseMpop(argv, 2);
    const deadline = timeoutAt(c, argv[1]!);
    if (!popFromKeys(c, keys, max, count, true)) blockOrNull(c, 'bzmpop', argv, keys, deadline);
  },
  bzpopmin: (c, argv) => {
    const deadline = timeoutAt(c, argv[argv.length - 1]!);
    const keys = argv.slice(1, -1);
    if (!popFromKeys(c, keys, false, 1, false)) blockOrNull(c, 'bzpopmin', argv, keys, deadline);
  },
  bzpopmax: (c, argv) => {
    const deadline = timeoutAt(c, argv[argv.length - 1]!);
    const keys = argv.slice(1, -1);
    if (!popFromKeys(c, keys, true, 1, false)) blockOrNull(c, 'bzpopmax', argv, keys, deadline);
  },
};
