/**
 * String commands (t_string.c): SET and its variants, GET/GETEX/GETDEL/GETSET, MSET/MSETNX/MGET,
 * APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE, INCR/DECR/INCRBY/DECRBY/INCRBYFLOAT, LCS.
 * Handlers parse, call the string API (src/types/string-ops.ts) and reply.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONGTYPE,
  SYNTAX,
  NOT_INTEGER,
  NOT_FLOAT,
  OVERFLOW,
  INCR_NAN_INF,
  INVALID_EXPIRE,
  OFFSET_OUT_OF_RANGE,
  WRONG_ARITY,
  DECREMENT_OVERFLOW,
} from '../errors.js';
import { isString, stringOf, type StringValue } from '../types/value.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { intArg, int64BigArg } from './args.js';
import { parseInt64, INT64_MAX, INT64_MIN } from '../util/numbers.js';
import { parseLongDouble, addLongDouble, formatLongDoubleHuman } from '../util/long-double.js';
import { appendToValue, checkStringLength, setRangeInValue } from '../types/string-ops.js';
import { lcsCommand } from './lcs.js';

/** The string at `key` for reading, null if missing; throws WRONGTYPE for other types. */
function readString(c: Client, key: string): StringValue | null {
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!isString(v)) throw WRONGTYPE;
  return v;
}

/** getGenericCommand: replies the value (or null) and returns it. */
function replyGet(c: Client, key: string): StringValue | null {
  const v = readString(c, key);
  if (v === null) c.w.nullBulk();
  else c.w.bulk(stringOf(v));
  return v;
}

// ---- SET family ---------------------------------------------------------------------

const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_PERSIST = 16;
const F_EX = 32;
const F_PX = 64;
const F_EXAT = 128;
const F_PXAT = 256;
const ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

interface ExtendedArgs {
  flags: number;
  expire: string | null;
}

/**
 * parseExtendedStringArgumentsOrReply: SET's and GETEX's options, with Redis's rule that
 * conflicting options are a syntax error (a repeated option is allowed).
 */
function parseExtendedArgs(argv: string[], first: number, forSet: boolean): ExtendedArgs {
  let flags = 0;
  let expire: string | null = null;
  for (let j = first; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'NX' && !(flags & F_XX) && forSet) flags |= F_NX;
    else if (opt === 'XX' && !(flags & F_NX) && forSet) flags |= F_XX;
    else if (opt === 'GET' && forSet) flags |= F_GET;
    else if (opt === 'KEEPTTL' && !(flags & (F_PERSIST | ANY_EXPIRE)) && forSet) flags |= F_KEEPTTL;
    else if (opt === 'PERSIST' && !forSet && !(flags & (ANY_EXPIRE | F_KEEPTTL))) flags |= F_PERSIST;
    else if (opt === 'EX' && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expire = argv[++j]!;
    } else if (opt === 'PX' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      expire = argv[++j]!;
    } else if (opt === 'EXAT' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expire = argv[++j]!;
    } else if (opt === 'PXAT' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      expire = argv[++j]!;
    } else throw SYNTAX;
  }
  return { flags, expire };
}

/**
 * getExpireMillisecondsOrReply: the absolute expiry in ms. Relative times are added to the
 * command's time; zero, negative and overflowing values are "invalid expire time".
 */
function expireMillis(c: Client, text: string, flags: number, cmdName: string): number {
  const v = parseInt64(text);
  if (v === null) throw NOT_INTEGER;
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw INVALID_EXPIRE(cmdName);
  if (seconds) ms *= 1000n;
  if (flags & (F_EX | F_PX)) ms += BigInt(c.server.nowMs);
  if (ms > INT64_MAX) throw INVALID_EXPIRE(cmdName);
  return Number(ms);
}

/**
 * setGenericCommand. `okReply`/`abortReply` let SETNX answer 1/0. Returns nothing; replies.
 */
function setGeneric(
  c: Client,
  cmdName: string,
  flags: number,
  key: string,
  value: string,
  expire: string | null,
  replies: { ok: () => void; abort: () => void },
): void {
  const when = expire !== null ? expireMillis(c, expire, flags, cmdName) : 0;
  if (flags & F_GET) {
    // GET replies first (or fails with WRONGTYPE before anything is written).
    replyGet(c, key);
  }
  const found = c.db.lookupWrite(key) !== undefined;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (!(flags & F_GET)) replies.abort();
    return;
  }
  c.db.set(key, value, (flags & F_KEEPTTL) !== 0);
  afterWrite(c, key, NOTIFY.STRING, 'set');
  if (expire !== null) {
    c.db.setExpire(key, when);
    c.propagateArgv = ['SET', key, value, 'PXAT', String(when)];
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'expire', key, c.db.id);
  } else if (flags & F_GET) {
    // Replicas and the AOF get SET without GET: they must not reply.
    c.propagateArgv = ['SET', key, value, ...optionsWithout(flags)];
  }
  if (!(flags & F_GET)) replies.ok();
}

/** SET's options other than GET, for the propagated command. */
function optionsWithout(flags: number): string[] {
  const out: string[] = [];
  if (flags & F_NX) out.push('NX');
  if (flags & F_XX) out.push('XX');
  if (flags & F_KEEPTTL) out.push('KEEPTTL');
  return out;
}

function okReply(c: Client): () => void {
  return () => c.w.ok();
}
function nullReply(c: Client): () => void {
  return () => c.w.nullBulk();
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
function setCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    // The common case, without option parsing or closures.
    c.db.set(argv[1]!, argv[2]!);
    afterWrite(c, argv[1]!, NOTIFY.STRING, 'set');
    c.w.ok();
    return;
  }
  const { flags, expire } = parseExtendedArgs(argv, 3, true);
  setGeneric(c, 'set', flags, argv[1]!, argv[2]!, expire, { ok: okReply(c), abort: nullReply(c) });
}

function setnxCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'setnx', F_NX, argv[1]!, argv[2]!, null, { ok: () => c.w.integer(1), abort: () => c.w.integer(0) });
}

function setexCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'setex', F_EX, argv[1]!, argv[3]!, argv[2]!, { ok: okReply(c), abort: nullReply(c) });
}

function psetexCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'psetex', F_PX, argv[1]!, argv[3]!, argv[2]!, { ok: okReply(c), abort: nullReply(c) });
}

// ---- GET family ---------------------------------------------------------------------

function getCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!, c.noTouch);
  if (v === undefined) {
    c.w.nullBulk();
    return;
  }
  if (typeof v === 'string') {
    c.w.bulk(v);
    return;
  }
  if (!isString(v)) throw WRONGTYPE;
  c.w.bulk(v.toString());
}

/** GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST] */
function getexCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const { flags, expire } = parseExtendedArgs(argv, 2, false);
  const v = readString(c, key);
  if (v === null) {
    c.w.nullBulk();
    return;
  }
  const when = expire !== null ? expireMillis(c, expire, flags, 'getex') : 0;
  c.w.bulk(stringOf(v));
  const server = c.server;
  if (flags & (F_EXAT | F_PXAT) && when <= server.nowMs) {
    // An absolute time already past deletes the key (checkAlreadyExpired).
    c.db.delete(key);
    c.propagateArgv = ['DEL', key];
    afterWrite(c, key, NOTIFY.GENERIC, 'del');
  } else if (expire !== null) {
    c.db.setExpire(key, when);
    c.propagateArgv = ['PEXPIREAT', key, String(when)];
    afterWrite(c, key, NOTIFY.GENERIC, 'expire');
  } else if (flags & F_PERSIST) {
    if (c.db.persist(key)) {
      c.propagateArgv = ['PERSIST', key];
      afterWrite(c, key, NOTIFY.GENERIC, 'persist');
    }
  }
}

function getdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  if (replyGet(c, key) === null) return;
  c.db.delete(key);
  c.propagateArgv = ['DEL', key];
  afterWrite(c, key, NOTIFY.GENERIC, 'del');
}

function getsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  replyGet(c, key);
  c.db.set(key, argv[2]!);
  c.propagateArgv = ['SET', key, argv[2]!];
  afterWrite(c, key, NOTIFY.STRING, 'set');
}

function mgetCommand(c: Client, argv: string[]): void {
  const w = c.w;
  w.arrayHeader(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const v = c.db.lookupRead(argv[i]!, c.noTouch);
    if (v === undefined || !isString(v)) w.nullBulk();
    else w.bulk(stringOf(v));
  }
}

/** msetGenericCommand: MSET always succeeds; MSETNX sets nothing if any key exists. */
function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) throw WRONG_ARITY(nx ? 'msetnx' : 'mset');
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (c.db.lookupWrite(argv[j]!) !== undefined) {
        c.w.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    c.db.set(argv[j]!, argv[j + 1]!);
    afterWrite(c, argv[j]!, NOTIFY.STRING, 'set');
  }
  if (nx) c.w.integer(1);
  else c.w.ok();
}

function msetCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnxCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

// ---- In-place edits -----------------------------------------------------------------

function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const existing = c.db.lookupWrite(key);
  let length: number;
  if (existing === undefined) {
    c.db.add(key, argv[2]!);
    length = argv[2]!.length;
  } else {
    if (!isString(existing)) throw WRONGTYPE;
    checkStringLength(c.server, existing.length, argv[2]!.length);
    const updated = appendToValue(existing, argv[2]!);
    if (updated !== existing) c.db.set(key, updated, true);
    length = updated.length;
  }
  afterWrite(c, key, NOTIFY.STRING, 'append');
  c.w.integer(length);
}

function strlenCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]!);
  c.w.integer(v === null ? 0 : v.length);
}

/** GETRANGE key start end (and SUBSTR): Redis's index clamping, "" when the range is empty. */
function getrangeCommand(c: Client, argv: string[]): void {
  let start = intArg(argv[2]!);
  let end = intArg(argv[3]!);
  const v = readString(c, argv[1]!);
  if (v === null) {
    c.w.bulk('');
    return;
  }
  const len = v.length;
  if (start < 0 && end < 0 && start > end) {
    c.w.bulk('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.w.bulk('');
    return;
  }
  c.w.bulk(typeof v === 'string' ? v.slice(start, end + 1) : v.buf.latin1Slice(start, end + 1));
}

function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const value = argv[3]!;
  const offset = intArg(argv[2]!);
  if (offset < 0) throw OFFSET_OUT_OF_RANGE;
  const existing = c.db.lookupWrite(key);
  if (existing === undefined) {
    if (value.length === 0) {
      c.w.integer(0);
      return;
    }
    checkStringLength(c.server, offset, value.length);
    const created = setRangeInValue('', offset, value);
    c.db.add(key, created);
    afterWrite(c, key, NOTIFY.STRING, 'setrange');
    c.w.integer(created.length);
    return;
  }
  if (!isString(existing)) throw WRONGTYPE;
  if (value.length === 0) {
    c.w.integer(existing.length);
    return;
  }
  checkStringLength(c.server, offset, value.length);
  const updated = setRangeInValue(existing, offset, value);
  if (updated !== existing) c.db.set(key, updated, true);
  afterWrite(c, key, NOTIFY.STRING, 'setrange');
  c.w.integer(updated.length);
}

// ---- Counters -----------------------------------------------------------------------

/** incrDecrCommand: the stored value must be an int64; the TTL is kept. */
function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const existing = c.db.lookupWrite(key);
  let current: number | bigint = 0;
  if (existing !== undefined) {
    if (!isString(existing)) throw WRONGTYPE;
    const parsed = parseInt64(stringOf(existing));
    if (parsed === null) throw NOT_INTEGER;
    current = parsed;
  }
  // The common case in plain numbers (BigInt arithmetic allocates): a safe result is far from
  // the int64 bounds, so it cannot have overflowed.
  if (typeof current === 'number' && typeof incr === 'number') {
    const sum = current + incr;
    if (Number.isSafeInteger(sum)) {
      storeCounter(c, key, String(sum));
      c.w.integer(sum);
      return;
    }
  }
  const value = BigInt(current);
  const by = BigInt(incr);
  if ((by < 0n && value < 0n && by < INT64_MIN - value) || (by > 0n && value > 0n && by > INT64_MAX - value)) {
    throw OVERFLOW;
  }
  const result = value + by;
  storeCounter(c, key, result.toString());
  c.w.integer(result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result);
}

function storeCounter(c: Client, key: string, text: string): void {
  c.db.set(key, text, true);
  afterWrite(c, key, NOTIFY.STRING, 'incrby');
}

/** An INCRBY/DECRBY amount as a plain number when it is one exactly. */
function amount(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function incrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1]!, 1);
}

function decrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1]!, -1);
}

function incrbyCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1]!, amount(int64BigArg(argv[2]!)));
}

function decrbyCommand(c: Client, argv: string[]): void {
  const incr = int64BigArg(argv[2]!);
  if (incr === INT64_MIN) throw DECREMENT_OVERFLOW;
  incrDecr(c, argv[1]!, amount(-incr));
}

/** INCRBYFLOAT: long double arithmetic and formatting, propagated as SET ... KEEPTTL. */
function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const existing = c.db.lookupWrite(key);
  if (existing !== undefined && !isString(existing)) throw WRONGTYPE;
  const current = existing === undefined ? parseLongDouble('0') : parseLongDouble(stringOf(existing));
  const incr = parseLongDouble(argv[2]!);
  if (current === null || incr === null) throw NOT_FLOAT;
  const sum = addLongDouble(current, incr);
  if (sum.kind !== 'finite') throw INCR_NAN_INF;
  const text = formatLongDoubleHuman(sum);
  c.db.set(key, text, true);
  afterWrite(c, key, NOTIFY.STRING, 'incrbyfloat');
  c.propagateArgv = ['SET', key, text, 'KEEPTTL'];
  c.w.bulk(text);
}

export const stringCommands: HandlerTable = {
  set: setCommand,
  setnx: setnxCommand,
  setex: setexCommand,
  psetex: psetexCommand,
  get: getCommand,
  getex: getexCommand,
  getdel: getdelCommand,
  getset: getsetCommand,
  mget: mgetCommand,
  mset: msetCommand,
  msetnx: msetnxCommand,
  append: appendCommand,
  strlen: strlenCommand,
  getrange: getrangeCommand,
  substr: getrangeCommand,
  setrange: setrangeCommand,
  incr: incrCommand,
  decr: decrCommand,
  incrby: incrbyCommand,
  decrby: decrbyCommand,
  incrbyfloat: incrbyfloatCommand,
  lcs: lcsCommand,
};
