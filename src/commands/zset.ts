/**
 * Sorted-set commands (t_zset.c, Redis 7.2): ZADD (NX/XX/GT/LT/CH/INCR), ZINCRBY, ZREM,
 * ZCARD, ZSCORE, ZMSCORE, ZRANK/ZREVRANK (WITHSCORE), ZCOUNT, ZLEXCOUNT, ZRANGE (BYSCORE,
 * BYLEX, REV, LIMIT, WITHSCORES) and the legacy range commands, ZPOPMIN/ZPOPMAX,
 * ZREMRANGEBYRANK/BYSCORE/BYLEX. Scores reply as Redis 7.0 formats them (%.17g; RESP3 doubles).
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONGTYPE,
  SYNTAX,
  NOT_FLOAT,
  WRONG_ARITY,
  VALUE_NOT_POSITIVE,
  ZSET_MIN_MAX_NOT_FLOAT as MIN_MAX_NOT_FLOAT,
  ZSET_LEX_RANGE_INVALID as LEX_RANGE_INVALID,
  ZADD_XX_NX,
  ZADD_GT_LT_NX,
  ZADD_INCR_SINGLE,
  ZSET_SCORE_NAN,
  ZRANGE_LIMIT_NEEDS_BY,
  ZRANGE_WITHSCORES_BYLEX,
} from '../errors.js';
import { ZsetValue, type ZsetLimits, type ScoreBound, type LexBound } from '../types/zset.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { intArg } from './args.js';
import { replyScore } from './zset-reply.js';
import { warmStrings, WARM_WINDOW } from '../types/warm.js';
import { parseInt64, strtodWhole, parseDouble } from '../util/numbers.js';

function limits(c: Client): ZsetLimits {
  return { maxEntries: c.server.config.num('zset-max-listpack-entries'), maxValue: c.server.config.num('zset-max-listpack-value') };
}

/** The sorted set at `key` (lookupKeyRead/Write), null when missing; WRONGTYPE for another type. */
export function zsetFor(c: Client, key: string, write: boolean): ZsetValue | null {
  const v = write ? c.db.lookupWrite(key) : c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!(v instanceof ZsetValue)) throw WRONGTYPE;
  return v;
}

/** zslParseRange item: "(1.5" exclusive, "-inf"/"+inf", NaN refused. */
function scoreBound(text: string): ScoreBound {
  const exclusive = text.startsWith('(');
  const v = strtodWhole(exclusive ? text.slice(1) : text);
  if (v === null || Number.isNaN(v)) throw MIN_MAX_NOT_FLOAT;
  return { value: v, exclusive };
}

/** zslParseLexRangeItem: "-", "+", "[x", "(x". */
function lexBound(text: string): LexBound {
  if (text === '+') return { value: '', exclusive: false, infinite: 1 };
  if (text === '-') return { value: '', exclusive: false, infinite: -1 };
  if (text.startsWith('(')) return { value: text.slice(1), exclusive: true, infinite: 0 };
  if (text.startsWith('[')) return { value: text.slice(1), exclusive: false, infinite: 0 };
  throw LEX_RANGE_INVALID;
}

/** Deletes the key when the sorted set became empty (with its `del` event). */
function deleteIfEmpty(c: Client, key: string, z: ZsetValue): void {
  if (z.size === 0) {
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  }
}

// ---- ZADD / ZINCRBY -----------------------------------------------------------------

function zaddGeneric(c: Client, argv: string[], forceIncr: boolean): void {
  const key = argv[1]!;
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = forceIncr;
  let i = 2;
  // ZINCRBY is zaddGenericCommand too: an option word where its increment goes is taken as
  // an option, which leaves an odd argument count (a syntax error, as in Redis).
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    // Options are 2 or 4 letters; anything else is the first score (no case-folding per call).
    if (arg.length !== 2 && arg.length !== 4) break;
    const opt = arg.toUpperCase();
    if (opt === 'NX') nx = true;
    else if (opt === 'XX') xx = true;
    else if (opt === 'CH') ch = true;
    else if (opt === 'INCR') incr = true;
    else if (opt === 'GT') gt = true;
    else if (opt === 'LT') lt = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest % 2 !== 0 || rest === 0) throw SYNTAX;
  const count = rest / 2;
  if (nx && xx) throw ZADD_XX_NX;
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw ZADD_GT_LT_NX;
  if (incr && count > 1) throw ZADD_INCR_SINGLE;
  const scores: number[] = [];
  let maxLen = 0;
  for (let j = 0; j < count; j++) {
    const s = parseDouble(argv[i + j * 2]!);
    if (s === null) throw NOT_FLOAT;
    scores.push(s);
    maxLen = Math.max(maxLen, argv[i + j * 2 + 1]!.length);
  }
  const lim = limits(c);
  let z = zsetFor(c, key, true);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  if (z === null) {
    if (!xx) {
      z = new ZsetValue(lim, count, maxLen);
      c.db.add(key, z);
    }
  } else {
    z.maybeConvert(lim, count, maxLen);
  }
  if (z !== null) {
    for (let j = 0; j < count; j++) {
      const member = argv[i + j * 2 + 1]!;
      let score = scores[j]!;
      const slot = z.slotOf(member);
      if (slot >= 0) {
        const current = z.scoreAtSlot(slot);
        if (nx) continue;
        if (incr) {
          score = current + score;
          if (Number.isNaN(score)) {
            if (added + updated > 0) afterWrite(c, key, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', added + updated);
            throw ZSET_SCORE_NAN;
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        processed++;
        lastScore = score;
        if (score !== current) {
          z.moveSlot(slot, score);
          updated++;
        }
      } else {
        if (xx) continue;
        z.add(lim, member, score);
        added++;
        processed++;
        lastScore = score;
      }
    }
    if (z.size === 0) c.db.delete(key);
  }
  if (incr) {
    if (processed > 0) replyScore(c.w, lastScore);
    else c.w.nullBulk();
  } else {
    c.w.integer(ch ? added + updated : added);
  }
  if (added + updated > 0) afterWrite(c, key, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', added + updated);
}

// ---- Simple reads -------------------------------------------------------------------

function zcardCommand(c: Client, argv: string[]): void {
  c.w.integer(zsetFor(c, argv[1]!, false)?.size ?? 0);
}

function zscoreCommand(c: Client, argv: string[]): void {
  const s = zsetFor(c, argv[1]!, false)?.score(argv[2]!);
  if (s === undefined) c.w.nullBulk();
  else replyScore(c.w, s);
}

function zmscoreCommand(c: Client, argv: string[]): void {
  const z = zsetFor(c, argv[1]!, false);
  c.w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]!);
    if (s === undefined) c.w.nullBulk();
    else replyScore(c.w, s);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  if (argv.length > 4) throw WRONG_ARITY(reverse ? 'zrevrank' : 'zrank');
  let withScore = false;
  if (argv.length === 4) {
    if (argv[3]!.toUpperCase() !== 'WITHSCORE') throw SYNTAX;
    withScore = true;
  }
  const z = zsetFor(c, argv[1]!, false);
  const rank = z === null ? -1 : z.rank(argv[2]!);
  if (rank < 0) {
    if (withScore) c.w.nullArray();
    else c.w.nullBulk();
    return;
  }
  if (withScore) c.w.arrayHeader(2);
  c.w.integer(reverse ? z!.size - 1 - rank : rank);
  if (withScore) replyScore(c.w, z!.score(argv[2]!)!);
}

function zcountCommand(c: Client, argv: string[]): void {
  const min = scoreBound(argv[2]!);
  const max = scoreBound(argv[3]!);
  const z = zsetFor(c, argv[1]!, false);
  if (z === null) {
    c.w.integer(0);
    return;
  }
  c.w.integer(Math.max(0, z.lastInScore(max) - z.firstInScore(min) + 1));
}

function zlexcountCommand(c: Client, argv: string[]): void {
  const min = lexBound(argv[2]!);
  const max = lexBound(argv[3]!);
  const z = zsetFor(c, argv[1]!, false);
  if (z === null) {
    c.w.integer(0);
    return;
  }
  c.w.integer(Math.max(0, z.lastInLex(max) - z.firstInLex(min) + 1));
}

// ---- Ranges -------------------------------------------------------------------------

export type RangeType = 'auto' | 'rank' | 'score' | 'lex';
export type Direction = 'auto' | 'forward' | 'reverse';

/** Writes members (with scores when asked): RESP2 flat, RESP3 [member, score] pairs. */
function replyMembers(c: Client, members: readonly string[], scores: readonly number[], withScores: boolean): void {
  const w = c.w;
  w.arrayHeader(withScores && w.resp === 2 ? members.length * 2 : members.length);
  for (let i = 0; i < members.length; i++) {
    // Every WARM_WINDOW members, touch the next window first: their cache misses overlap.
    if (i % WARM_WINDOW === 0) warmStrings(members, i, Math.min(members.length, i + WARM_WINDOW));
    if (withScores && w.resp === 3) w.arrayHeader(2);
    w.bulk(members[i]!);
    if (withScores) replyScore(w, scores[i]!);
  }
}

/** zrangeGenericCommand: argv[1] key, argv[2..3] range, options after. */
function zrangeGeneric(c: Client, argv: string[], type: RangeType, direction: Direction): void {
  const selection = zrangeSelect(c, argv, type, direction, false);
  if (selection === null) c.w.arrayHeader(0);
  else replyMembers(c, selection.members, selection.scores, selection.withScores);
}

/** The selected members in reply order, each with its score. */
export interface RangeSelection {
  members: string[];
  scores: number[];
  withScores: boolean;
}

/**
 * The parsing and selection half of zrangeGenericCommand (argv[1] is the source key), shared
 * with ZRANGESTORE (`store`: WITHSCORES is then a syntax error). Null for a missing key.
 */
export function zrangeSelect(c: Client, argv: string[], type: RangeType, direction: Direction, store: boolean): RangeSelection | null {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let limitGiven = false;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const left = argv.length - j - 1;
    if (!store && opt === 'WITHSCORES') withScores = true;
    else if (opt === 'LIMIT' && left >= 2) {
      offset = intArg(argv[j + 1]!);
      limit = intArg(argv[j + 2]!);
      limitGiven = true;
      j += 2;
    } else if (direction === 'auto' && opt === 'REV') direction = 'reverse';
    else if (type === 'auto' && opt === 'BYLEX') type = 'lex';
    else if (type === 'auto' && opt === 'BYSCORE') type = 'score';
    else throw SYNTAX;
  }
  if (direction === 'auto') direction = 'forward';
  if (type === 'auto') type = 'rank';
  if (limitGiven && type === 'rank') throw ZRANGE_LIMIT_NEEDS_BY;
  if (withScores && type === 'lex') throw ZRANGE_WITHSCORES_BYLEX;
  const reverse = direction === 'reverse';
  let minText = argv[2]!;
  let maxText = argv[3]!;
  if (reverse && type !== 'rank') [minText, maxText] = [maxText, minText];
  let start = 0;
  let end = 0;
  let scoreMin: ScoreBound | null = null;
  let scoreMax: ScoreBound | null = null;
  let lexMin: LexBound | null = null;
  let lexMax: LexBound | null = null;
  if (type === 'rank') {
    start = intArg(minText);
    end = intArg(maxText);
  } else if (type === 'score') {
    try {
      scoreMin = scoreBound(minText);
      scoreMax = scoreBound(maxText);
    } catch {
      throw MIN_MAX_NOT_FLOAT;
    }
  } else {
    try {
      lexMin = lexBound(minText);
      lexMax = lexBound(maxText);
    } catch {
      throw LEX_RANGE_INVALID;
    }
  }
  const z = zsetFor(c, argv[1]!, false);
  if (z === null) return null;
  const out: RangeSelection = { members: [], scores: [], withScores };
  if (type === 'rank') {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (!(start > end || start >= len)) {
      if (end >= len) end = len - 1;
      z.range(reverse ? len - 1 - start : start, end - start + 1, reverse, out.members, out.scores);
    }
  } else if (type === 'score') {
    z.rangeByScore(scoreMin!, scoreMax!, reverse, offset, limit, out.members, out.scores);
  } else {
    z.rangeByLex(lexMin!, lexMax!, reverse, offset, limit, out.members, out.scores);
  }
  return out;
}

// ---- Removal ------------------------------------------------------------------------

function zremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const z = zsetFor(c, key, true);
  if (z === null) {
    c.w.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) if (z.remove(argv[i]!)) deleted++;
  if (deleted > 0) {
    afterWrite(c, key, NOTIFY.ZSET, 'zrem', deleted);
    deleteIfEmpty(c, key, z);
  }
  c.w.integer(deleted);
}

function zremrangeGeneric(c: Client, argv: string[], type: 'rank' | 'score' | 'lex'): void {
  const key = argv[1]!;
  let first = 0;
  let last = -1;
  let start = 0;
  let end = 0;
  let smin: ScoreBound | null = null;
  let smax: ScoreBound | null = null;
  let lmin: LexBound | null = null;
  let lmax: LexBound | null = null;
  if (type === 'rank') {
    start = intArg(argv[2]!);
    end = intArg(argv[3]!);
  } else if (type === 'score') {
    smin = scoreBound(argv[2]!);
    smax = scoreBound(argv[3]!);
  } else {
    lmin = lexBound(argv[2]!);
    lmax = lexBound(argv[3]!);
  }
  const z = zsetFor(c, key, true);
  if (z === null) {
    c.w.integer(0);
    return;
  }
  if (type === 'rank') {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (!(start > end || start >= len)) {
      if (end >= len) end = len - 1;
      first = start;
      last = end;
    }
  } else if (type === 'score') {
    first = z.firstInScore(smin!);
    last = z.lastInScore(smax!);
  } else {
    first = z.firstInLex(lmin!);
    last = z.lastInLex(lmax!);
  }
  const removed = first <= last ? z.removeRange(first, last).length : 0;
  if (removed > 0) {
    afterWrite(c, key, NOTIFY.ZSET, `zremrangeby${type}`, removed);
    deleteIfEmpty(c, key, z);
  }
  c.w.integer(removed);
}

/** ZPOPMIN/ZPOPMAX key [count]: flat [member, score...], nested pairs in RESP3 with a count. */
function zpopGeneric(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) throw SYNTAX;
  let count = -1;
  if (argv.length === 3) {
    const v = parseInt64(argv[2]!);
    if (v === null || v < 0) throw VALUE_NOT_POSITIVE;
    count = Number(v);
  }
  const key = argv[1]!;
  const z = zsetFor(c, key, true);
  if (z === null || count === 0) {
    c.w.arrayHeader(0);
    return;
  }
  const n = Math.min(count === -1 ? 1 : count, z.size);
  const nested = c.w.resp === 3 && count !== -1;
  const members: string[] = [];
  const scores: number[] = [];
  z.range(max ? z.size - 1 : 0, n, max, members, scores);
  for (const m of members) z.remove(m);
  c.w.arrayHeader(nested ? n : n * 2);
  for (let k = 0; k < n; k++) {
    if (nested) c.w.arrayHeader(2);
    c.w.bulk(members[k]!);
    replyScore(c.w, scores[k]!);
  }
  afterWrite(c, key, NOTIFY.ZSET, max ? 'zpopmax' : 'zpopmin', n);
  deleteIfEmpty(c, key, z);
}

export const zsetCommands: HandlerTable = {
  zadd: (c, argv) => zaddGeneric(c, argv, false),
  zincrby: (c, argv) => zaddGeneric(c, [argv[0]!, argv[1]!, argv[2]!, argv[3]!], true),
  zcard: zcardCommand,
  zscore: zscoreCommand,
  zmscore: zmscoreCommand,
  zrank: (c, argv) => zrankGeneric(c, argv, false),
  zrevrank: (c, argv) => zrankGeneric(c, argv, true),
  zcount: zcountCommand,
  zlexcount: zlexcountCommand,
  zrange: (c, argv) => zrangeGeneric(c, argv, 'auto', 'auto'),
  zrevrange: (c, argv) => zrangeGeneric(c, argv, 'rank', 'reverse'),
  zrangebyscore: (c, argv) => zrangeGeneric(c, argv, 'score', 'forward'),
  zrevrangebyscore: (c, argv) => zrangeGeneric(c, argv, 'score', 'reverse'),
  zrangebylex: (c, argv) => zrangeGeneric(c, argv, 'lex', 'forward'),
  zrevrangebylex: (c, argv) => zrangeGeneric(c, argv, 'lex', 'reverse'),
  zrem: zremCommand,
  zremrangebyrank: (c, argv) => zremrangeGeneric(c, argv, 'rank'),
  zremrangebyscore: (c, argv) => zremrangeGeneric(c, argv, 'score'),
  zremrangebylex: (c, argv) => zremrangeGeneric(c, argv, 'lex'),
  zpopmin: (c, argv) => zpopGeneric(c, argv, false),
  zpopmax: (c, argv) => zpopGeneric(c, argv, true),
};
