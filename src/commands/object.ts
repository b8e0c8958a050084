/** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP (objectCommand in object.c). */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { OBJECT_FREQ_NO_LFU, OBJECT_IDLETIME_LFU } from '../errors.js';
import { isString, type RedisValue } from '../types/value.js';
import { stringEncoding } from '../types/string-encoding.js';
import { lfuDecrAndReturn } from '../keyspace/db.js';

/** OBJ_SHARED_REFCOUNT: Redis shares the integers 0..9999 and reports INT_MAX references. */
const SHARED_REFCOUNT = 2147483647;
const SHARED_INTEGERS = 10000;

function encodingOf(v: RedisValue): string {
  return isString(v) ? stringEncoding(v) : v.encoding();
}

/** objectCommandLookupOrReply: null reply for a missing key; no LRU update. */
function lookup(c: Client, key: string): RedisValue | null {
  const v = c.db.peek(key);
  if (v === undefined) {
    c.w.nullBulk();
    return null;
  }
  return v;
}

function objectEncoding(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]!);
  if (v !== null) c.w.bulk(encodingOf(v));
}

function objectRefcount(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]!);
  if (v === null) return;
  // Shared integers exist only when no LRU/LFU policy needs per-object access data.
  const policy = c.server.config.get('maxmemory-policy');
  const sharing = !policy.endsWith('-lru') && !policy.endsWith('-lfu');
  const shared = typeof v === 'string' && sharing && stringEncoding(v) === 'int' && Number(v) >= 0 && Number(v) < SHARED_INTEGERS;
  c.w.integer(shared ? SHARED_REFCOUNT : 1);
}

function objectIdletime(c: Client, argv: string[]): void {
  const key = argv[2]!;
  if (lookup(c, key) === null) return;
  if (c.server.lfu !== null) {
    throw OBJECT_IDLETIME_LFU;
  }
  const last = c.db.getLru(key) ?? c.server.lruClock;
  c.w.integer(Math.max(0, c.server.lruClock - last));
}

function objectFreq(c: Client, argv: string[]): void {
  const key = argv[2]!;
  if (lookup(c, key) === null) return;
  const lfu = c.server.lfu;
  if (lfu === null) {
    throw OBJECT_FREQ_NO_LFU;
  }
  c.w.integer(lfuDecrAndReturn(c.db.getLru(key) ?? 0, c.server.nowMs, lfu.decayTime));
}

// Our own wording, in Redis's HELP layout (a subcommand line, then indented explanation).
const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    The internal representation Redis would use for the value of <key>.',
  'FREQ <key>',
  '    The logarithmic access-frequency counter of <key> (LFU maxmemory policies only).',
  'IDLETIME <key>',
  '    Seconds since <key> was last read or written (not under LFU policies).',
  'REFCOUNT <key>',
  '    How many references the value of <key> has.',
  'HELP',
  '    Print this help.',
];

function objectHelp(c: Client): void {
  c.w.arrayHeader(HELP.length);
  for (const line of HELP) c.w.simple(line);
}

export const objectCommands: HandlerTable = {
  'object|encoding': objectEncoding,
  'object|refcount': objectRefcount,
  'object|idletime': objectIdletime,
  'object|freq': objectFreq,
  'object|help': objectHelp,
};
