/**
 * SAVE, BGSAVE, DUMP and RESTORE (rdb.c's saveCommand/bgsaveCommand, cluster.c's
 * dumpCommand/restoreCommand). The work is in src/persistence; these parse and reply.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  SYNTAX,
  SAVE_FAILED,
  BGSAVE_IN_PROGRESS,
  BGSAVE_OTHER_CHILD,
  BUSYKEY,
  INVALID_IDLETIME,
  INVALID_FREQ,
  INVALID_TTL,
  DUMP_PAYLOAD_INVALID,
  BAD_DATA_FORMAT,
} from '../errors.js';
import { intArg } from './args.js';
import { NOTIFY } from '../config/definitions.js';
import { afterWrite } from '../keyspace/notify.js';
import { lfuMinutes } from '../keyspace/db.js';
import { dumpPayload, parseDumpPayload } from '../persistence/rdb/file.js';
import { toPortable, fromPortable, typeLimits } from '../persistence/portable.js';


function saveCommand(c: Client): void {
  const rdb = c.server.rdb;
  if (rdb.inProgress) throw BGSAVE_IN_PROGRESS;
  if (!rdb.saveSync()) throw SAVE_FAILED;
  c.w.ok();
}

function bgsaveCommand(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
    else throw SYNTAX;
  }
  const server = c.server;
  const rdb = server.rdb;
  if (rdb.inProgress) throw BGSAVE_IN_PROGRESS;
  // Redis can't fork from inside EXEC and schedules the save for after it; so does nodis,
  // so a transaction's writes all land in the same snapshot.
  if (server.aof.rewriteInProgress || server.execDepth > 0) {
    if (!schedule && server.execDepth === 0) {
      throw BGSAVE_OTHER_CHILD;
    }
    rdb.scheduled = true;
    c.w.simple('Background saving scheduled');
    return;
  }
  if (!rdb.startBackground()) throw SAVE_FAILED;
  c.w.simple('Background saving started');
}

function dumpCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!, c.noTouch);
  if (v === undefined) {
    c.w.nullBulk();
    return;
  }
  const payload = dumpPayload(toPortable(v));
  c.w.bulkBuffer(payload);
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restoreCommand(c: Client, argv: string[]): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1) {
      idle = intArg(argv[++j]!);
      if (idle < 0) throw INVALID_IDLETIME;
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      freq = intArg(argv[++j]!);
      if (freq < 0 || freq > 255) throw INVALID_FREQ;
    } else throw SYNTAX;
  }
  const key = argv[1]!;
  const db = c.db;
  if (!replace && db.lookupWrite(key) !== undefined) throw BUSYKEY;
  let ttl = intArg(argv[2]!);
  if (ttl < 0) throw INVALID_TTL;
  const payload = Buffer.from(argv[3]!, 'latin1');
  const parsed = parseDumpPayload(payload, key);
  if (parsed === 'bad-version-or-checksum') throw DUMP_PAYLOAD_INVALID;
  if (parsed === 'bad-format') throw BAD_DATA_FORMAT;
  const server = c.server;
  const deleted = replace && db.delete(key);
  if (ttl !== 0 && !absttl) ttl += server.nowMs;
  if (ttl !== 0 && ttl <= server.nowMs) {
    // Already expired: the key is not created (and a replaced one is gone).
    if (deleted) {
      c.propagateArgv = [server.config.bool('lazyfree-lazy-server-del') ? 'UNLINK' : 'DEL', key];
      afterWrite(c, key, NOTIFY.GENERIC, 'del');
    }
    c.w.ok();
    return;
  }
  db.add(key, fromPortable(parsed, typeLimits(server.config)));
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) c.propagateArgv = [argv[0]!, key, String(ttl), ...argv.slice(3), 'ABSTTL'];
  }
  if (server.lfu !== null) {
    if (freq >= 0) db.setLru(key, (lfuMinutes(server.nowMs) << 8) | freq);
  } else if (idle >= 0) {
    db.setLru(key, Math.max(0, server.lruClock - idle));
  }
  afterWrite(c, key, NOTIFY.GENERIC, 'restore');
  c.w.ok();
}

function bgrewriteaofCommand(c: Client): void {
  const outcome = c.server.aof.requestRewrite(c.server.execDepth > 0);
  c.w.simple(outcome === 'started' ? 'Background append only file rewriting started' : 'Background append only file rewriting scheduled');
}

export const persistenceCommands: HandlerTable = {
  bgrewriteaof: bgrewriteaofCommand,
  save: saveCommand,
  bgsave: bgsaveCommand,
  dump: dumpCommand,
  restore: restoreCommand,
};
