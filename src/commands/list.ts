/**
 * List commands (t_list.c, Redis 7.2 semantics): pushes, pops (with counts), ranges,
 * LINDEX/LSET/LINSERT/LREM/LTRIM/LPOS, LMOVE/RPOPLPUSH, LMPOP and the blocking variants
 * BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP (see src/blocking/blocking.ts).
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import type { Command } from './registry.js';
import {
  WRONGTYPE,
  SYNTAX,
  NO_SUCH_KEY,
  INDEX_OUT_OF_RANGE,
  WRONG_ARITY,
  TIMEOUT_NOT_FLOAT,
  TIMEOUT_NEGATIVE,
  TIMEOUT_OUT_OF_RANGE,
  NOT_INTEGER,
  INT64_RANGE_NO_MIN,
  VALUE_NOT_POSITIVE,
  ZMPOP_NUMKEYS,
  ZMPOP_COUNT,
  LPOS_RANK_ZERO,
  LPOS_COUNT_NEGATIVE,
  LPOS_MAXLEN_NEGATIVE,
  CLIENT_UNBLOCK_REASON,
  missingCommand,
  type ReplyError,
} from '../errors.js';
import { ListValue, clampRange } from '../types/list.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { intArg } from './args.js';
import { parseInt64 } from '../util/numbers.js';
import { parseLongDouble, formatLongDoubleHuman } from '../util/long-double.js';

type Where = 'left' | 'right';

function fill(c: Client): number {
  return c.server.config.num('list-max-listpack-size');
}

/** The list at `key` for writing, null if missing; WRONGTYPE for other types. */
function listForWrite(c: Client, key: string): ListValue | null {
  const v = c.db.lookupWrite(key);
  if (v === undefined) return null;
  if (!(v instanceof ListValue)) throw WRONGTYPE;
  return v;
}

function listForRead(c: Client, key: string): ListValue | null {
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!(v instanceof ListValue)) throw WRONGTYPE;
  return v;
}

/** getPositiveLongFromObjectOrReply: one message for non-integers and negatives alike. */
function positiveLong(text: string, error: ReplyError = VALUE_NOT_POSITIVE): number {
  const v = parseInt64(text);
  if (v === null || v < 0) throw error;
  return Number(v);
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg) */
function atLeastOne(text: string, error: ReplyError): number {
  const v = parseInt64(text);
  if (v === null || v < 1) throw error;
  return Number(v);
}

function whereArg(text: string): Where {
  const t = text.toUpperCase();
  if (t === 'LEFT') return 'left';
  if (t === 'RIGHT') return 'right';
  throw SYNTAX;
}

// ---- Push ---------------------------------------------------------------------------

function pushGeneric(c: Client, argv: string[], where: Where, onlyIfExists: boolean): void {
  const key = argv[1]!;
  let list = listForWrite(c, key);
  if (list === null) {
    if (onlyIfExists) {
      c.w.integer(0);
      return;
    }
    list = new ListValue(argv.length - 2);
    c.db.add(key, list);
  }
  const elements = argv.slice(2);
  list.growConversion(fill(c), elements);
  for (const e of elements) {
    if (where === 'left') list.pushHead(e);
    else list.pushTail(e);
  }
  c.w.integer(list.length);
  afterWrite(c, key, NOTIFY.LIST, where === 'left' ? 'lpush' : 'rpush', elements.length);
}

// ---- Pop ----------------------------------------------------------------------------

/** After removals: an emptied list is deleted (with its `del` event), otherwise it may shrink back to listpack. */
function deleteIfEmptyOrShrink(c: Client, key: string, list: ListValue): void {
  if (list.length === 0) {
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  } else {
    list.shrinkConversion(fill(c));
  }
}

/** listElementsRemoved: the pop event, then delete-if-empty or the shrink conversion. */
function elementsRemoved(c: Client, key: string, list: ListValue, where: Where, count: number): void {
  const server = c.server;
  server.notifyKeyspaceEvent(NOTIFY.LIST, where === 'left' ? 'lpop' : 'rpop', key, c.db.id);
  deleteIfEmptyOrShrink(c, key, list);
  server.signalModifiedKey(c.db, key);
  server.dirty += count;
}

function popMany(list: ListValue, where: Where, count: number): string[] {
  const n = Math.min(count, list.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (where === 'left' ? list.popHead() : list.popTail())!;
  return out;
}

function popGeneric(c: Client, argv: string[], where: Where): void {
  if (argv.length > 3) throw WRONG_ARITY(where === 'left' ? 'lpop' : 'rpop');
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveLong(argv[2]!) : 0;
  const key = argv[1]!;
  const list = listForWrite(c, key);
  if (list === null) {
    if (hasCount) c.w.nullArray();
    else c.w.nullBulk();
    return;
  }
  if (hasCount && count === 0) {
    c.w.arrayHeader(0);
    return;
  }
  if (!hasCount) {
    c.w.bulk((where === 'left' ? list.popHead() : list.popTail())!);
    elementsRemoved(c, key, list, where, 1);
    return;
  }
  const items = popMany(list, where, count);
  c.w.bulkArray(items);
  elementsRemoved(c, key, list, where, items.length);
}

/** listPopRangeAndReplyWithKey: [key, [elements]] */
function popRangeWithKey(c: Client, key: string, list: ListValue, where: Where, count: number): number {
  const items = popMany(list, where, count);
  c.w.arrayHeader(2);
  c.w.bulk(key);
  c.w.bulkArray(items);
  elementsRemoved(c, key, list, where, items.length);
  return items.length;
}

// ---- Read ---------------------------------------------------------------------------

function llenCommand(c: Client, argv: string[]): void {
  const list = listForRead(c, argv[1]!);
  c.w.integer(list === null ? 0 : list.length);
}

function lindexCommand(c: Client, argv: string[]): void {
  const list = listForRead(c, argv[1]!);
  if (list === null) {
    c.w.nullBulk();
    return;
  }
  let index = intArg(argv[2]!);
  if (index < 0) index = list.length + index;
  if (index < 0 || index >= list.length) c.w.nullBulk();
  else c.w.bulk(list.get(index));
}

function lrangeCommand(c: Client, argv: string[]): void {
  const start = intArg(argv[2]!);
  const end = intArg(argv[3]!);
  const list = listForRead(c, argv[1]!);
  if (list === null) {
    c.w.arrayHeader(0);
    return;
  }
  const range = clampRange(start, end, list.length);
  if (range === null) {
    c.w.arrayHeader(0);
    return;
  }
  const w = c.w;
  w.arrayHeader(range[1] - range[0] + 1);
  list.visit(range[0], range[1], (s) => w.bulk(s));
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lposCommand(c: Client, argv: string[]): void {
  const element = argv[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const more = argv.length - 1 - j;
    if (opt === 'RANK' && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null) throw NOT_INTEGER;
      if (v === -9223372036854775808n || (typeof v === 'bigint' && v < -9223372036854775807n)) {
        throw INT64_RANGE_NO_MIN;
      }
      rank = Number(v);
      if (rank === 0) {
        throw LPOS_RANK_ZERO;
      }
    } else if (opt === 'COUNT' && more > 0) {
      count = positiveLong(argv[++j]!, LPOS_COUNT_NEGATIVE);
    } else if (opt === 'MAXLEN' && more > 0) {
      maxlen = positiveLong(argv[++j]!, LPOS_MAXLEN_NEGATIVE);
    } else throw SYNTAX;
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = listForRead(c, argv[1]!);
  if (list === null) {
    if (count !== -1) c.w.arrayHeader(0);
    else c.w.nullBulk();
    return;
  }
  const found: number[] = [];
  let matches = 0;
  let compared = 0;
  list.walk(fromTail, (s, index) => {
    if (maxlen !== 0 && compared++ >= maxlen) return false;
    if (s !== element) return true;
    matches++;
    if (matches < rank) return true;
    found.push(index);
    return !(count === -1 || (count !== 0 && matches - rank + 1 >= count));
  });
  if (count !== -1) {
    c.w.arrayHeader(found.length);
    for (const i of found) c.w.integer(i);
  } else if (found.length > 0) c.w.integer(found[0]!);
  else c.w.nullBulk();
}

// ---- Edit ---------------------------------------------------------------------------

function lsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const list = listForWrite(c, key);
  if (list === null) throw NO_SUCH_KEY;
  let index = intArg(argv[2]!);
  list.growConversion(fill(c), [argv[3]!]);
  if (index < 0) index = list.length + index;
  if (index < 0 || index >= list.length) throw INDEX_OUT_OF_RANGE;
  list.set(index, argv[3]!);
  c.w.ok();
  afterWrite(c, key, NOTIFY.LIST, 'lset');
  list.shrinkConversion(fill(c));
}

function linsertCommand(c: Client, argv: string[]): void {
  const pos = argv[2]!.toUpperCase();
  if (pos !== 'BEFORE' && pos !== 'AFTER') throw SYNTAX;
  const key = argv[1]!;
  const list = listForWrite(c, key);
  if (list === null) {
    c.w.integer(0);
    return;
  }
  // Redis converts before knowing whether the pivot exists.
  list.growConversion(fill(c), [argv[4]!]);
  const items = list.toArray();
  const at = items.indexOf(argv[3]!);
  if (at === -1) {
    c.w.integer(-1);
    return;
  }
  items.splice(pos === 'BEFORE' ? at : at + 1, 0, argv[4]!);
  list.replaceAll(items);
  afterWrite(c, key, NOTIFY.LIST, 'linsert');
  c.w.integer(list.length);
}

function lremCommand(c: Client, argv: string[]): void {
  const toRemove = intArg(argv[2]!);
  const key = argv[1]!;
  const list = listForWrite(c, key);
  if (list === null) {
    c.w.integer(0);
    return;
  }
  const element = argv[3]!;
  // One pass marks the matches to drop (from the tail for a negative count), a second
  // keeps the rest: O(N) as Redis, whatever the number removed.
  const drop = new Set<number>();
  const limit = toRemove === 0 ? Infinity : Math.abs(toRemove);
  list.walk(toRemove < 0, (s, index) => {
    if (s === element) drop.add(index);
    return drop.size < limit;
  });
  const removed = drop.size;
  if (removed > 0) {
    list.replaceAll(list.toArray().filter((_, i) => !drop.has(i)));
    c.server.notifyKeyspaceEvent(NOTIFY.LIST, 'lrem', key, c.db.id);
  }
  if (list.length === 0) {
    c.db.delete(key);
    c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'del', key, c.db.id);
  } else if (removed > 0) {
    list.shrinkConversion(fill(c));
  }
  if (removed > 0) c.server.signalModifiedKey(c.db, key);
  c.server.dirty += removed;
  c.w.integer(removed);
}

function ltrimCommand(c: Client, argv: string[]): void {
  let start = intArg(argv[2]!);
  let end = intArg(argv[3]!);
  const key = argv[1]!;
  const list = listForWrite(c, key);
  if (list === null) {
    c.w.ok();
    return;
  }
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  for (let i = 0; i < ltrim; i++) list.popHead();
  for (let i = 0; i < rtrim; i++) list.popTail();
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, 'ltrim', key, c.db.id);
  deleteIfEmptyOrShrink(c, key, list);
  c.server.signalModifiedKey(c.db, key);
  c.server.dirty += ltrim + rtrim;
  c.w.ok();
}

// ---- Move ---------------------------------------------------------------------------

/** lmoveGenericCommand; `propagate` is the non-blocking form to replay. */
function lmoveGeneric(c: Client, src: string, dst: string, from: Where, to: Where, propagate: string[] | null): void {
  const source = listForWrite(c, src);
  if (source === null) {
    c.w.nullBulk();
    return;
  }
  let target = listForWrite(c, dst);
  const value = (from === 'left' ? source.popHead() : source.popTail())!;
  if (target === null) {
    target = new ListValue();
    c.db.add(dst, target);
  }
  c.server.signalModifiedKey(c.db, dst);
  target.growConversion(fill(c), [value]);
  if (to === 'left') target.pushHead(value);
  else target.pushTail(value);
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, to === 'left' ? 'lpush' : 'rpush', dst, c.db.id);
  c.w.bulk(value);
  c.server.notifyKeyspaceEvent(NOTIFY.LIST, from === 'left' ? 'lpop' : 'rpop', src, c.db.id);
  deleteIfEmptyOrShrink(c, src, source);
  c.server.signalModifiedKey(c.db, src);
  c.server.dirty++;
  if (propagate !== null) c.propagateArgv = propagate;
}

function lmoveCommand(c: Client, argv: string[]): void {
  const from = whereArg(argv[3]!);
  const to = whereArg(argv[4]!);
  lmoveGeneric(c, argv[1]!, argv[2]!, from, to, null);
}

function rpoplpushCommand(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv[1]!, argv[2]!, 'right', 'left', null);
}

/** LMPOP/BLMPOP argument parsing (lmpopGenericCommand). */
function parseMpop(argv: string[], numkeysIndex: number): { keys: string[]; where: Where; count: number } {
  const numkeys = atLeastOne(argv[numkeysIndex]!, ZMPOP_NUMKEYS);
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw SYNTAX;
  const where = whereArg(argv[whereIndex]!);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toUpperCase() === 'COUNT' && more > 0) {
      count = atLeastOne(argv[++j]!, ZMPOP_COUNT);
    } else throw SYNTAX;
  }
  return { keys: argv.slice(numkeysIndex + 1, numkeysIndex + 1 + numkeys), where, count: count === -1 ? 1 : count };
}

function lmpopCommand(c: Client, argv: string[]): void {
  const { keys, where, count } = parseMpop(argv, 1);
  for (const key of keys) {
    const list = listForWrite(c, key);
    if (list === null || list.length === 0) continue;
    const popped = popRangeWithKey(c, key, list, where, count);
    c.propagateArgv = [where === 'left' ? 'LPOP' : 'RPOP', key, String(popped)];
    return;
  }
  c.w.nullArray();
}

// ---- Blocking -----------------------------------------------------------------------

/** getTimeoutFromObjectOrReply(UNIT_SECONDS): an absolute deadline in ms, 0 = forever. */
function timeoutArg(c: Client, text: string): number {
  const ld = parseLongDouble(text);
  if (ld === null) throw TIMEOUT_NOT_FLOAT;
  const seconds = ld.kind === 'inf' ? (ld.neg ? -Infinity : Infinity) : Number(formatLongDoubleHuman(ld));
  const ms = Math.ceil(seconds * 1000);
  if (ms > 9223372036854775807) throw TIMEOUT_OUT_OF_RANGE;
  if (ms < 0) throw TIMEOUT_NEGATIVE;
  return ms > 0 ? c.server.nowMs + ms : 0;
}

function currentCommand(c: Client, name: string): Command {
  const cmd = c.server.commands.all.get(name);
  if (cmd === undefined) throw missingCommand(name);
  return cmd;
}

/** blockingPopGenericCommand for BLPOP/BRPOP (count -1) and BLMPOP. */
function blockingPop(c: Client, argv: string[], name: string, keys: string[], where: Where, timeoutAt: number, count: number): void {
  for (const key of keys) {
    const list = listForWrite(c, key);
    if (list === null || list.length === 0) continue;
    if (count !== -1) {
      const popped = popRangeWithKey(c, key, list, where, count);
      c.propagateArgv = [where === 'left' ? 'LPOP' : 'RPOP', key, String(popped)];
      return;
    }
    const value = (where === 'left' ? list.popHead() : list.popTail())!;
    c.w.arrayHeader(2);
    c.w.bulk(key);
    c.w.bulk(value);
    elementsRemoved(c, key, list, where, 1);
    c.propagateArgv = [where === 'left' ? 'LPOP' : 'RPOP', key];
    return;
  }
  if (c.denyBlocking) {
    c.w.nullArray();
    return;
  }
  c.server.blocking.block(c, currentCommand(c, name), argv, 'list', keys, timeoutAt, (client) => client.w.nullArray());
}

function blpopCommand(c: Client, argv: string[]): void {
  const timeoutAt = timeoutArg(c, argv[argv.length - 1]!);
  blockingPop(c, argv, 'blpop', argv.slice(1, -1), 'left', timeoutAt, -1);
}

function brpopCommand(c: Client, argv: string[]): void {
  const timeoutAt = timeoutArg(c, argv[argv.length - 1]!);
  blockingPop(c, argv, 'brpop', argv.slice(1, -1), 'right', timeoutAt, -1);
}

function blmpopCommand(c: Client, argv: string[]): void {
  // lmpopGenericCommand: numkeys, LEFT/RIGHT and COUNT are checked before the timeout.
  const { keys, where, count } = parseMpop(argv, 2);
  const timeoutAt = timeoutArg(c, argv[1]!);
  blockingPop(c, argv, 'blmpop', keys, where, timeoutAt, count);
}

/** blmoveGenericCommand: block only when the source is missing. */
function blmoveGeneric(c: Client, argv: string[], name: string, from: Where, to: Where, timeoutText: string, propagate: string[]): void {
  const timeoutAt = timeoutArg(c, timeoutText);
  const src = argv[1]!;
  if (c.db.lookupWrite(src) === undefined) {
    if (c.denyBlocking) {
      c.w.nullBulk();
      return;
    }
    // replyToBlockedClientTimedOut answers a null array for every blocked list command.
    c.server.blocking.block(c, currentCommand(c, name), argv, 'list', [src], timeoutAt, (client) => client.w.nullArray());
    return;
  }
  lmoveGeneric(c, src, argv[2]!, from, to, propagate);
}

function blmoveCommand(c: Client, argv: string[]): void {
  const from = whereArg(argv[3]!);
  const to = whereArg(argv[4]!);
  blmoveGeneric(c, argv, 'blmove', from, to, argv[5]!, ['LMOVE', argv[1]!, argv[2]!, argv[3]!, argv[4]!]);
}

function brpoplpushCommand(c: Client, argv: string[]): void {
  blmoveGeneric(c, argv, 'brpoplpush', 'right', 'left', argv[3]!, ['RPOPLPUSH', argv[1]!, argv[2]!]);
}

/** CLIENT UNBLOCK client-id [TIMEOUT|ERROR] */
function clientUnblockCommand(c: Client, argv: string[]): void {
  const id = parseInt64(argv[2]!);
  if (id === null) throw NOT_INTEGER;
  let error = false;
  if (argv.length === 4) {
    const mode = argv[3]!.toUpperCase();
    if (mode === 'ERROR') error = true;
    else if (mode !== 'TIMEOUT') throw CLIENT_UNBLOCK_REASON;
  } else if (argv.length > 4) throw SYNTAX;
  const target = c.server.clients.get(Number(id));
  const done = target !== undefined && c.server.blocking.unblockByRequest(target, error);
  c.w.integer(done ? 1 : 0);
}

export const listCommands: HandlerTable = {
  lpush: (c, argv) => pushGeneric(c, argv, 'left', false),
  rpush: (c, argv) => pushGeneric(c, argv, 'right', false),
  lpushx: (c, argv) => pushGeneric(c, argv, 'left', true),
  rpushx: (c, argv) => pushGeneric(c, argv, 'right', true),
  lpop: (c, argv) => popGeneric(c, argv, 'left'),
  rpop: (c, argv) => popGeneric(c, argv, 'right'),
  llen: llenCommand,
  lindex: lindexCommand,
  lrange: lrangeCommand,
  lpos: lposCommand,
  lset: lsetCommand,
  linsert: linsertCommand,
  lrem: lremCommand,
  ltrim: ltrimCommand,
  lmove: lmoveCommand,
  rpoplpush: rpoplpushCommand,
  lmpop: lmpopCommand,
  blpop: blpopCommand,
  brpop: brpopCommand,
  blmpop: blmpopCommand,
  blmove: blmoveCommand,
  brpoplpush: brpoplpushCommand,
  'client|unblock': clientUnblockCommand,
};
