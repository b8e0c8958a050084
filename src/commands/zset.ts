/**
 * Sorted-set commands (t_zset.c, Redis 7.2): ZADD (NX/XX/GT/LT/CH/INCR), ZINCRBY, ZREM,
 * ZCARD, ZSCORE, ZMSCORE, ZRANK/ZREVRANK (WITHSCORE), ZCOUNT, ZLEXCOUNT, ZRANGE (BYSCORE,
 * BYLEX, REV, LIMIT, WITHSCORES) and the legacy range commands, ZPOPMIN/ZPOPMAX,
 * ZREMRANGEBYRANK/BYSCORE/BYLEX. Scores reply as Redis 7.0 formats them (%.17g; RESP3 doubles).
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { WRONGTYPE, SYNTAX, NOT_FLOAT, err, ReplyError } from '../errors.js';
import { ZsetValue, type ZsetLimits, type ScoreBound, type LexBound } from '../types/zset.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { intArg } from './args.js';
import { parseInt64, strtodWhole, parseDouble } from '../util/numbers.js';

const MIN_MAX_NOT_FLOAT = err('min or max is not a float');
const LEX_RANGE_INVALID = err('min or max not valid string range item');

function limits(c: Client): ZsetLimits {
  return { maxEntries: c.server.config.num('zset-max-listpack-entries'), maxValue: c.server.config.num('zset-max-listpack-value') };
}

function zsetFor(c: Client, key: string, write: boolean): ZsetValue | null {
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
  if (!forceIncr) {
    for (; i < argv.length; i++) {
      const opt = argv[i]!.toUpperCase();
      if (opt === 'NX') nx = true;
      else if (opt === 'XX') xx = true;
      else if (opt === 'CH') ch = true;
      else if (opt === 'INCR') incr = true;
      else if (opt === 'GT') gt = true;
      else if (opt === 'LT') lt = true;
      else break;
    }
  }
  const rest = argv.length - i;
  if (rest % 2 !== 0 || rest === 0) throw SYNTAX;
  const count = rest / 2;
  if (nx && xx) throw err('XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw err('GT, LT, and/or NX options at the same time are not compatible');
  if (incr && count > 1) throw err('INCR option supports a single increment-element pair');
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
      const current = z.scores.get(member);
      if (current !== undefined) {
        if (nx) continue;
        if (incr) {
          score = current + score;
          if (Number.isNaN(score)) {
            if (added + updated > 0) afterWrite(c, key, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', added + updated);
            throw new ReplyError('ERR resulting score is not a number (NaN)');
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        processed++;
        lastScore = score;
        if (score !== current) {
          z.set(lim, member, score);
          updated++;
        }
      } else {
        if (xx) continue;
        z.set(lim, member, score);
        added++;
        processed++;
        lastScore = score;
      }
    }
    if (z.size === 0) c.db.delete(key);
  }
  if (incr) {
    if (processed > 0) c.w.double(lastScore);
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
  const s = zsetFor(c, argv[1]!, false)?.scores.get(argv[2]!);
  if (s === undefined) c.w.nullBulk();
  else c.w.double(s);
}

function zmscoreCommand(c: Client, argv: string[]): void {
  const z = zsetFor(c, argv[1]!, false);
  c.w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.scores.get(argv[i]!);
    if (s === undefined) c.w.nullBulk();
    else c.w.double(s);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  if (argv.length > 4) throw err(`wrong number of arguments for '${reverse ? 'zrevrank' : 'zrank'}' command`);
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
  if (withScore) c.w.double(z!.scores.get(argv[2]!)!);
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
function replyMembers(c: Client, z: ZsetValue, members: readonly string[], withScores: boolean): void {
  const w = c.w;
  w.arrayHeader(withScores && w.resp === 2 ? members.length * 2 : members.length);
  for (const m of members) {
    if (withScores && w.resp === 3) w.arrayHeader(2);
    w.bulk(m);
    if (withScores) w.double(z.scores.get(m)!);
  }
}

/** Ranks [first, last] taken in `reverse` order, with LIMIT offset/count applied. */
function sliceRanks(z: ZsetValue, first: number, last: number, reverse: boolean, offset: number, limit: number): string[] {
  const out: string[] = [];
  if (first > last || offset < 0) return out;
  const total = last - first + 1;
  const n = limit < 0 ? total - offset : Math.min(limit, total - offset);
  for (let k = 0; k < n; k++) {
    const idx = reverse ? last - offset - k : first + offset + k;
    out.push(z.at(idx));
  }
  return out;
}

/** zrangeGenericCommand: argv[1] key, argv[2..3] range, options after. */
function zrangeGeneric(c: Client, argv: string[], type: RangeType, direction: Direction): void {
  const selection = zrangeSelect(c, argv, type, direction, false);
  if (selection === null) c.w.arrayHeader(0);
  else replyMembers(c, selection.z, selection.members, selection.withScores);
}

export interface RangeSelection {
  z: ZsetValue;
  members: string[];
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
  if (limitGiven && type === 'rank') throw err('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && type === 'lex') throw err('syntax error, WITHSCORES not supported in combination with BYLEX');
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
  let members: string[];
  if (type === 'rank') {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) members = [];
    else {
      if (end >= len) end = len - 1;
      members = [];
      for (let k = start; k <= end; k++) members.push(z.at(reverse ? len - 1 - k : k));
    }
  } else if (type === 'score') {
    members = sliceRanks(z, z.firstInScore(scoreMin!), z.lastInScore(scoreMax!), reverse, offset, limit);
  } else {
    members = sliceRanks(z, z.firstInLex(lexMin!), z.lastInLex(lexMax!), reverse, offset, limit);
  }
  return { z, members, withScores };
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
    if (v === null || v < 0) throw err('value is out of range, must be positive');
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
  // Read the scores before the members leave the set.
  const ranks = Array.from({ length: n }, (_, k) => (max ? z.size - 1 - k : k));
  const popped = ranks.map((r) => [z.at(r), z.scores.get(z.at(r))!] as const);
  if (max) z.removeRange(z.size - n, z.size - 1);
  else z.removeRange(0, n - 1);
  c.w.arrayHeader(nested ? n : n * 2);
  for (const [m, score] of popped) {
    if (nested) c.w.arrayHeader(2);
    c.w.bulk(m);
    c.w.double(score);
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
