/** INFO, TIME, LASTSAVE, SLOWLOG, LATENCY, MEMORY, DEBUG, SHUTDOWN. */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  SYNTAX,
  type ReplyError,
  SAVE_FAILED,
  RELOAD_RDB_FAILED,
  RELOAD_AOF_FAILED,
  NO_SHUTDOWN_IN_PROGRESS,
  SHUTDOWN_FAILED,
  DEBUG_RELOAD_OPTIONS,
  NO_SUCH_KEY,
  SLOWLOG_COUNT,
  NOT_INTEGER,
  subcommandSyntax,
  DEBUG_NOT_ALLOWED,
} from '../errors.js';
import { infoText } from '../info/info.js';
import { parseInt64 } from '../util/numbers.js';
import { isString, type RedisValue } from '../types/value.js';
import { replyHelp } from './help.js';
import type { Server } from '../server.js';

function infoCommand(c: Client, argv: string[]): void {
  c.w.verbatim(infoText(c.server, argv.slice(1)));
}

function timeCommand(c: Client): void {
  const now = c.server.clockOffsetMs + performance.now();
  const seconds = Math.floor(now / 1000);
  const micros = Math.floor((now - seconds * 1000) * 1000);
  c.w.arrayHeader(2);
  c.w.bulk(String(seconds));
  c.w.bulk(String(micros));
}

function lastsaveCommand(c: Client): void {
  c.w.integer(Math.floor(c.server.lastSaveMs / 1000));
}

// ---- SLOWLOG ------------------------------------------------------------------------

function slowlogGet(c: Client, argv: string[]): void {
  let count = 10;
  if (argv.length === 3) {
    const v = parseInt64(argv[2]!);
    if (v === null || v < -1) throw SLOWLOG_COUNT;
    count = v === -1 ? Infinity : Number(v);
  }
  const entries = c.server.slowlog.entries.slice(0, count === Infinity ? undefined : count);
  const w = c.w;
  w.arrayHeader(entries.length);
  for (const e of entries) {
    w.arrayHeader(6);
    w.integer(e.id);
    w.integer(e.timeSec);
    w.integer(e.durationUs);
    w.bulkArray(e.args);
    w.bulk(e.peer);
    w.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    The newest <count> entries of the slow log (10 by default, -1 for all).',
  'LEN',
  '    How many entries the slow log holds.',
  'RESET',
  '    Empties the slow log.',
  'HELP',
  '    Print this help.',
];

// ---- LATENCY ------------------------------------------------------------------------

function latencyLatest(c: Client): void {
  const events = [...c.server.latency.events];
  c.w.arrayHeader(events.length);
  for (const [name, e] of events) {
    const last = e.samples[e.samples.length - 1]!;
    c.w.arrayHeader(4);
    c.w.bulk(name);
    c.w.integer(last.timeSec);
    c.w.integer(last.latencyMs);
    c.w.integer(e.maxMs);
  }
}

function latencyHistory(c: Client, argv: string[]): void {
  const e = c.server.latency.events.get(argv[2]!);
  const samples = e?.samples ?? [];
  c.w.arrayHeader(samples.length);
  for (const s of samples) {
    c.w.arrayHeader(2);
    c.w.integer(s.timeSec);
    c.w.integer(s.latencyMs);
  }
}

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'HISTORY <event>',
  '    The [timestamp, latency] samples of <event>.',
  'LATEST',
  '    The latest sample of every event: name, time, latest and maximum latency.',
  'RESET [<event> ...]',
  '    Forgets the given events (all when none is given).',
  'HELP',
  '    Print this help.',
];

// ---- MEMORY -------------------------------------------------------------------------

/** Approximate bytes a key and its value take (objectComputeSize in spirit). */
function valueSize(v: RedisValue): number {
  if (isString(v)) {
    const len = v.length;
    // robj + sds header like Redis: embstr and int are small, raw has its own allocation.
    if (len <= 44) return 16 + len + 4;
    return 16 + len + 9;
  }
  return v.memoryUsage();
}

function memoryUsage(c: Client, argv: string[]): void {
  if (argv.length === 5) {
    if (argv[3]!.toUpperCase() !== 'SAMPLES') throw SYNTAX;
    const n = parseInt64(argv[4]!);
    if (n === null) throw NOT_INTEGER;
    if (n < 0) throw SYNTAX;
  } else if (argv.length !== 3) throw SYNTAX;
  const key = argv[2]!;
  const v = c.db.peek(key);
  if (v === undefined) {
    c.w.nullBulk();
    return;
  }
  // dictEntry (24) + key sds (key length + header) + value.
  c.w.integer(24 + key.length + 4 + valueSize(v));
}

function memoryStats(c: Client): void {
  const m = process.memoryUsage();
  const fields: [string, number][] = [
    ['peak.allocated', m.heapTotal + m.external],
    ['total.allocated', m.heapUsed + m.external],
    ['startup.allocated', 0],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', 0],
    ['aof.buffer', 0],
    ['keys.count', c.server.dbs.reduce((n, db) => n + db.size, 0)],
    ['dataset.bytes', m.heapUsed],
  ];
  c.w.mapHeader(fields.length);
  for (const [k, v] of fields) {
    c.w.bulk(k);
    c.w.integer(v);
  }
}

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    A short report about memory use.',
  'MALLOC-STATS',
  '    Allocator statistics.',
  'PURGE',
  '    Asks the runtime to release unused memory.',
  'STATS',
  '    Memory use figures.',
  'USAGE <key> [SAMPLES <count>]',
  '    Approximate bytes used by <key> and its value.',
  'HELP',
  '    Print this help.',
];

// ---- DEBUG --------------------------------------------------------------------------

/** Blocks the whole server like Redis's DEBUG SLEEP (Atomics.wait stops the event loop). */
function sleepSync(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the file back. */
function debugReload(c: Client, argv: string[]): void {
  let flush = true;
  let save = true;
  for (const opt of argv.slice(2)) {
    const o = opt.toUpperCase();
    if (o === 'MERGE') continue;
    if (o === 'NOFLUSH') flush = false;
    else if (o === 'NOSAVE') save = false;
    else throw DEBUG_RELOAD_OPTIONS;
  }
  const server = c.server;
  if (save && (server.rdb.inProgress || !server.rdb.saveSync())) throw SAVE_FAILED;
  if (flush) {
    for (const db of server.dbs) {
      db.flush();
      server.signalModifiedKey(db, null);
    }
  }
  try {
    server.rdb.loadFile(server.rdb.filePath);
  } catch (e) {
    server.log.warning((e as Error).message);
    throw RELOAD_RDB_FAILED;
  }
  server.log.warning('DB reloaded by DEBUG RELOAD');
  c.w.ok();
}

function debugCommand(c: Client, argv: string[]): void {
  const sub = (argv[1] ?? '').toUpperCase();
  if (sub === 'SLEEP' && argv.length === 3) {
    const seconds = Number(argv[2]);
    sleepSync(Number.isFinite(seconds) ? seconds * 1000 : 0);
    c.w.ok();
  } else if (sub === 'SET-ACTIVE-EXPIRE' && argv.length === 3) {
    c.server.activeExpireEnabled = (parseInt64(argv[2]!) ?? 0) !== 0;
    c.w.ok();
  } else if (sub === 'OBJECT' && argv.length === 3) {
    const v = c.db.peek(argv[2]!);
    if (v === undefined) throw NO_SUCH_KEY;
    const encoding = isString(v) ? (typeof v === 'string' ? (/^-?[1-9]\d{0,18}$|^0$/.test(v) ? 'int' : v.length <= 44 ? 'embstr' : 'raw') : 'raw') : v.encoding();
    const idle = c.server.lruClock - (c.db.getLru(argv[2]!) ?? c.server.lruClock);
    c.w.simple(`Value at:0x0 refcount:1 encoding:${encoding} serializedlength:${isString(v) ? v.length : 0} lru:${c.db.getLru(argv[2]!) ?? 0} lru_seconds_idle:${idle}`);
  } else if (sub === 'RELOAD') {
    debugReload(c, argv);
  } else if (sub === 'LOADAOF' && argv.length === 2) {
    try {
      c.server.aof.reload();
    } catch (e) {
      c.server.log.warning((e as Error).message);
      throw RELOAD_AOF_FAILED;
    }
    c.server.log.warning('Append Only File loaded by DEBUG LOADAOF');
    c.w.ok();
  } else if (sub === 'JMAP' || sub === 'LOG') {
    if (sub === 'LOG') c.server.log.warning(`DEBUG LOG: ${argv.slice(2).join(' ')}`);
    c.w.ok();
  } else if (sub === 'HELP') {
    replyHelp(c, [
      'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'LOG <message>',
      '    Writes <message> to the server log.',
      'RELOAD [option ...]',
      '    Save the RDB on disk and reload it back to memory. Options: NOSAVE (don\'t save first),',
      '    NOFLUSH (don\'t empty the dataset first), MERGE (allow keys already present).',
      'LOADAOF',
      '    Flush the AOF buffers on disk and reload the AOF in memory.',
      'OBJECT <key>',
      '    Low-level details about the value of <key>.',
      'SET-ACTIVE-EXPIRE <0|1>',
      '    Turns the active expiry cycle off or on.',
      'SLEEP <seconds>',
      '    Stops the server for <seconds> (may be fractional).',
      'HELP',
      '    Print this help.',
    ]);
  } else {
    throw subcommandSyntax(argv[1]!, 'DEBUG');
  }
}

/** allowProtectedAction: an enable-* setting of "yes", or "local" and a local connection. */
export function allowProtectedAction(mode: string, c: Client): boolean {
  return mode === 'yes' || (mode === 'local' && (c.addr.startsWith('127.') || c.addr.startsWith('::1') || c.isUnixSocket));
}

/**
 * DEBUG is refused unless enable-debug-command allows it (Redis 7's protected commands),
 * with the same text Redis sends.
 */
export function debugGate(server: Server): (c: Client, name: string) => ReplyError | null {
  return (c, name) => {
    if (name !== 'debug') return null;
    if (allowProtectedAction(server.config.get('enable-debug-command'), c)) return null;
    return DEBUG_NOT_ALLOWED;
  };
}

// ---- SHUTDOWN -----------------------------------------------------------------------

function shutdownCommand(c: Client, argv: string[]): void {
  const flags = { save: false, nosave: false, now: false, force: false };
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const opt = argv[i]!.toLowerCase();
    if (opt === 'abort') abort = true;
    else if (opt === 'nosave' || opt === 'save' || opt === 'now' || opt === 'force') flags[opt] = true;
    else throw SYNTAX;
  }
  if ((abort && argv.length !== 2) || (flags.save && flags.nosave)) throw SYNTAX;
  if (abort) throw NO_SHUTDOWN_IN_PROGRESS;
  const server = c.server;
  server.log.warning('User requested shutdown...');
  if (!server.rdb.shutdownSave(flags)) throw SHUTDOWN_FAILED;
  // No reply: the connection closes, as with Redis.
  void server.stop();
}

export const serverCommands: HandlerTable = {
  info: infoCommand,
  time: timeCommand,
  lastsave: lastsaveCommand,
  'slowlog|get': slowlogGet,
  'slowlog|len': (c) => c.w.integer(c.server.slowlog.entries.length),
  'slowlog|reset': (c) => {
    c.server.slowlog.reset();
    c.w.ok();
  },
  'slowlog|help': (c) => replyHelp(c, SLOWLOG_HELP),
  'latency|latest': latencyLatest,
  'latency|history': latencyHistory,
  'latency|reset': (c, argv) => c.w.integer(c.server.latency.reset(argv.slice(2))),
  'latency|help': (c) => replyHelp(c, LATENCY_HELP),
  'memory|usage': memoryUsage,
  'memory|stats': memoryStats,
  'memory|doctor': (c) => c.w.verbatim('Hi Sam, I have no memory problems to report for this nodis instance.'),
  'memory|malloc-stats': (c) => c.w.verbatim('Stats not supported for the current allocator'),
  'memory|purge': (c) => c.w.ok(),
  'memory|help': (c) => replyHelp(c, MEMORY_HELP),
  debug: debugCommand,
  shutdown: shutdownCommand,
};
