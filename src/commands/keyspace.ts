/**
 * Generic keyspace commands (db.c): DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME,
 * RENAMENX, MOVE, COPY, SWAPDB, DBSIZE, TOUCH, FLUSHDB, FLUSHALL. They work on every value
 * type through valueKind() and AggregateValue.clone(), so new types need no change here.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  SYNTAX,
  NO_SUCH_KEY,
  SAME_OBJECT,
  DB_INDEX_OUT_OF_RANGE,
  ReplyError,
  INVALID_CURSOR,
  INVALID_FIRST_DB_INDEX,
  INVALID_SECOND_DB_INDEX,
  NOT_INTEGER,
} from '../errors.js';
import { valueKind, MutableString, type RedisValue } from '../types/value.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { int32Arg, intArg } from './args.js';
import { globMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import type { Database } from '../keyspace/db.js';

/** delGenericCommand: UNLINK frees in the background in Redis; here both free at once. */
function delGeneric(c: Client, argv: string[]): void {
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    c.db.expireIfNeeded(key);
    if (c.db.delete(key)) {
      afterWrite(c, key, NOTIFY.GENERIC, 'del');
      deleted++;
    }
  }
  c.w.integer(deleted);
}

function existsCommand(c: Client, argv: string[]): void {
  let count = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.peek(argv[j]!) !== undefined) count++;
  c.w.integer(count);
}

function typeCommand(c: Client, argv: string[]): void {
  const v = c.db.peek(argv[1]!);
  c.w.simple(v === undefined ? 'none' : valueKind(v));
}

function keysCommand(c: Client, argv: string[]): void {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const db = c.db;
  const now = c.server.nowMs;
  const out: string[] = [];
  db.forEachKey((key) => {
    if (!all && !globMatch(pattern, key)) return;
    const at = db.expires.get(key);
    if (at !== undefined && at <= now) return;
    out.push(key);
  });
  c.w.bulkArray(out);
}

/**
 * parseScanCursorOrReply: strtoul semantics — an optional sign ("-1" wraps to a huge cursor,
 * which simply ends the scan), digits only, no leading space, no overflow past 2^64-1. An
 * empty cursor converts nothing and leaves strtoul's end pointer at the end: cursor 0.
 */
export function parseScanCursor(text: string): number {
  if (text.length === 0) return 0;
  const m = /^([+-]?)(\d+)$/.exec(text);
  if (m === null) throw INVALID_CURSOR;
  const magnitude = BigInt(m[2]!);
  if (magnitude > 18446744073709551615n) throw INVALID_CURSOR;
  if (m[1] === '-' && magnitude !== 0n) return Number.MAX_SAFE_INTEGER;
  return Number(magnitude);
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]!);
  let count = 10;
  let pattern: string | null = null;
  let type: string | null = null;
  for (let i = 2; i < argv.length; ) {
    const opt = argv[i]!.toUpperCase();
    const more = argv.length - i;
    if (opt === 'COUNT' && more >= 2) {
      count = intArg(argv[i + 1]!);
      if (count < 1) throw SYNTAX;
      i += 2;
    } else if (opt === 'MATCH' && more >= 2) {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1]!;
      i += 2;
    } else if (opt === 'TYPE' && more >= 2) {
      type = argv[i + 1]!.toLowerCase();
      i += 2;
    } else throw SYNTAX;
  }
  const db = c.db;
  const found: string[] = [];
  const next = db.scan(cursor, count, (key) => found.push(key));
  const keys: string[] = [];
  for (const key of found) {
    // Filters run after the step, as in scanGenericCommand; expired keys are reclaimed.
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (db.expireIfNeeded(key)) continue;
    if (type !== null) {
      const v = db.peek(key);
      if (v === undefined || valueKind(v) !== type) continue;
    }
    keys.push(key);
  }
  c.w.arrayHeader(2);
  c.w.bulk(String(next));
  c.w.bulkArray(keys);
}

function randomkeyCommand(c: Client): void {
  const key = c.db.randomKey(c.server.random);
  if (key === null) c.w.nullBulk();
  else c.w.bulk(key);
}

/** renameGenericCommand: the TTL moves with the value; RENAMENX never overwrites. */
function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const db = c.db;
  const value = db.lookupWrite(src);
  if (value === undefined) throw NO_SUCH_KEY;
  if (src === dst) {
    if (nx) c.w.integer(0);
    else c.w.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) {
      c.w.integer(0);
      return;
    }
    db.delete(dst);
  }
  db.add(dst, value);
  if (expire !== -1) db.setExpire(dst, expire);
  db.delete(src);
  c.server.signalModifiedKey(db, src);
  c.server.signalModifiedKey(db, dst);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'rename_from', src, db.id);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'rename_to', dst, db.id);
  c.server.dirty++;
  if (nx) c.w.integer(1);
  else c.w.ok();
}

function dbByIndex(c: Client, index: number): Database {
  const db = c.server.dbs[index];
  if (index < 0 || db === undefined) throw DB_INDEX_OUT_OF_RANGE;
  return db;
}

function moveCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const src = c.db;
  const dst = dbByIndex(c, int32Arg(argv[2]!));
  if (src === dst) throw SAME_OBJECT;
  const value = src.lookupWrite(key);
  if (value === undefined) {
    c.w.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(key) !== undefined) {
    c.w.integer(0);
    return;
  }
  dst.add(key, value);
  if (expire !== -1) dst.setExpire(key, expire);
  src.delete(key);
  const server = c.server;
  server.signalModifiedKey(src, key);
  server.signalModifiedKey(dst, key);
  server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_from', key, src.id);
  server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'move_to', key, dst.id);
  server.dirty++;
  c.w.integer(1);
}

/** A deep copy of a value (COPY): strings are immutable except MutableString. */
export function cloneValue(v: RedisValue): RedisValue {
  if (typeof v === 'string') return v;
  if (v instanceof MutableString) return new MutableString(Buffer.from(v.buf.subarray(0, v.length)), v.length);
  return v.clone();
}

/** COPY source destination [DB destination-db] [REPLACE] */
function copyCommand(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    if (opt === 'REPLACE') replace = true;
    else if (opt === 'DB' && j + 1 < argv.length) {
      const index = parseInt64(argv[++j]!);
      if (index === null) throw NOT_INTEGER;
      dst = dbByIndex(c, Number(index));
    } else throw SYNTAX;
  }
  const key = argv[1]!;
  const newKey = argv[2]!;
  if (src === dst && key === newKey) throw SAME_OBJECT;
  const value = src.lookupRead(key, c.noTouch);
  if (value === undefined) {
    c.w.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(newKey) !== undefined) {
    if (!replace) {
      c.w.integer(0);
      return;
    }
    dst.delete(newKey);
  }
  dst.add(newKey, cloneValue(value));
  if (expire !== -1) dst.setExpire(newKey, expire);
  c.server.signalModifiedKey(dst, newKey);
  c.server.notifyKeyspaceEvent(NOTIFY.GENERIC, 'copy_to', newKey, dst.id);
  c.server.dirty++;
  c.w.integer(1);
}

/** getIntFromObjectOrReply with a custom message for both failure kinds (SWAPDB). */
function dbIndexArg(text: string, error: ReplyError): number {
  const v = parseInt64(text);
  const n = v === null ? NaN : Number(v);
  if (!(n >= -2147483648 && n <= 2147483647)) throw error;
  return n;
}

function swapdbCommand(c: Client, argv: string[]): void {
  const a = dbIndexArg(argv[1]!, INVALID_FIRST_DB_INDEX);
  const b = dbIndexArg(argv[2]!, INVALID_SECOND_DB_INDEX);
  const dbs = c.server.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) throw DB_INDEX_OUT_OF_RANGE;
  if (a !== b) {
    dbs[a]!.swapWith(dbs[b]!);
    c.server.signalModifiedKey(dbs[a]!, null);
    c.server.signalModifiedKey(dbs[b]!, null);
    // Clients blocked in either database may now find their key (scanDatabaseForReadyKeys).
    c.server.blocking.signalExistingKeys(dbs[a]!);
    c.server.blocking.signalExistingKeys(dbs[b]!);
  }
  c.server.dirty++;
  c.w.ok();
}

function dbsizeCommand(c: Client): void {
  c.w.integer(c.db.size);
}

function touchCommand(c: Client, argv: string[]): void {
  let touched = 0;
  for (let j = 1; j < argv.length; j++) if (c.db.lookupRead(argv[j]!, c.noTouch) !== undefined) touched++;
  c.w.integer(touched);
}

/** FLUSHALL/FLUSHDB's optional ASYNC|SYNC (both free at once: the old maps go to the GC). */
function parseFlushMode(argv: string[]): void {
  if (argv.length > 2) throw SYNTAX;
  if (argv.length === 2) {
    const mode = argv[1]!.toUpperCase();
    if (mode !== 'ASYNC' && mode !== 'SYNC') throw SYNTAX;
  }
}

function flushallCommand(c: Client, argv: string[]): void {
  parseFlushMode(argv);
  const server = c.server;
  let removed = 0;
  for (const db of server.dbs) removed += db.flush();
  server.signalFlushedDb(-1);
  server.dirty += removed + 1;
  server.rdb.afterFlushAll();
  c.w.ok();
}

function flushdbCommand(c: Client, argv: string[]): void {
  parseFlushMode(argv);
  const removed = c.db.flush();
  c.server.signalFlushedDb(c.db.id);
  c.server.dirty += removed + 1;
  c.w.ok();
}

export const keyspaceCommands: HandlerTable = {
  del: delGeneric,
  unlink: delGeneric,
  exists: existsCommand,
  type: typeCommand,
  keys: keysCommand,
  scan: scanCommand,
  randomkey: randomkeyCommand,
  rename: (c, argv) => renameGeneric(c, argv, false),
  renamenx: (c, argv) => renameGeneric(c, argv, true),
  move: moveCommand,
  copy: copyCommand,
  swapdb: swapdbCommand,
  dbsize: dbsizeCommand,
  touch: touchCommand,
  flushall: flushallCommand,
  flushdb: flushdbCommand,
};
