/**
 * Expiry commands (expire.c): EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX|XX|GT|LT,
 * TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST. Every expiry is propagated as an absolute
 * PEXPIREAT (or DEL when the time is already past), so replays don't depend on when they run.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  NOT_INTEGER,
  INVALID_EXPIRE,
  EXPIRE_GT_LT_CONFLICT,
  EXPIRE_NX_CONFLICT,
  unsupportedOption,
} from '../errors.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { parseInt64, INT64_MAX, INT64_MIN } from '../util/numbers.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/** parseExtendedExpireArgumentsOrReply */
function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    if (opt === 'NX') flags |= NX;
    else if (opt === 'XX') flags |= XX;
    else if (opt === 'GT') flags |= GT;
    else if (opt === 'LT') flags |= LT;
    else throw unsupportedOption(argv[j]!);
  }
  if (flags & NX && flags & (XX | GT | LT)) throw EXPIRE_NX_CONFLICT;
  if (flags & GT && flags & LT) throw EXPIRE_GT_LT_CONFLICT;
  return flags;
}

/** expireGenericCommand: `relative` adds the command time; `seconds` scales by 1000. */
function expireGeneric(c: Client, argv: string[], name: string, relative: boolean, seconds: boolean): void {
  const key = argv[1]!;
  const flags = parseExpireFlags(argv);
  const parsed = parseInt64(argv[2]!);
  if (parsed === null) throw NOT_INTEGER;
  let when = BigInt(parsed);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw INVALID_EXPIRE(name);
    when *= 1000n;
  }
  const base = relative ? BigInt(c.server.nowMs) : 0n;
  if (when > INT64_MAX - base) throw INVALID_EXPIRE(name);
  when += base;
  const db = c.db;
  if (db.lookupWrite(key) === undefined) {
    c.w.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    const cur = BigInt(current);
    if (flags & NX && current !== -1) return c.w.integer(0);
    if (flags & XX && current === -1) return c.w.integer(0);
    if (flags & GT && (when <= cur || current === -1)) return c.w.integer(0);
    if (flags & LT && current !== -1 && when >= cur) return c.w.integer(0);
  }
  const whenMs = Number(when);
  if (whenMs <= c.server.nowMs && !c.server.isReplica) {
    db.delete(key);
    c.propagateArgv = ['DEL', key];
    afterWrite(c, key, NOTIFY.GENERIC, 'del');
    c.w.integer(1);
    return;
  }
  db.setExpire(key, whenMs);
  c.propagateArgv = ['PEXPIREAT', key, when.toString(), ...argv.slice(3)];
  afterWrite(c, key, NOTIFY.GENERIC, 'expire');
  c.w.integer(1);
}

/** ttlGenericCommand: -2 missing, -1 no TTL, else the remaining (or absolute) time. */
function ttlGeneric(c: Client, argv: string[], ms: boolean, absolute: boolean): void {
  const key = argv[1]!;
  if (c.db.peek(key) === undefined) {
    c.w.integer(-2);
    return;
  }
  const expire = c.db.getExpire(key);
  if (expire === -1) {
    c.w.integer(-1);
    return;
  }
  let ttl = absolute ? expire : expire - c.server.nowMs;
  if (ttl < 0) ttl = 0;
  c.w.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  if (c.db.lookupWrite(key) !== undefined && c.db.persist(key)) {
    afterWrite(c, key, NOTIFY.GENERIC, 'persist');
    c.w.integer(1);
  } else {
    c.w.integer(0);
  }
}

export const expireCommands: HandlerTable = {
  expire: (c, argv) => expireGeneric(c, argv, 'expire', true, true),
  pexpire: (c, argv) => expireGeneric(c, argv, 'pexpire', true, false),
  expireat: (c, argv) => expireGeneric(c, argv, 'expireat', false, true),
  pexpireat: (c, argv) => expireGeneric(c, argv, 'pexpireat', false, false),
  ttl: (c, argv) => ttlGeneric(c, argv, false, false),
  pttl: (c, argv) => ttlGeneric(c, argv, true, false),
  expiretime: (c, argv) => ttlGeneric(c, argv, false, true),
  pexpiretime: (c, argv) => ttlGeneric(c, argv, true, true),
  persist: persistCommand,
};
