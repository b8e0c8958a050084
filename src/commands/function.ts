/**
 * FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL/HELP and FCALL/FCALL_RO
 * (functions.c). Libraries live in src/scripting/functions.ts; FCALL runs the registered
 * callback in the Lua worker like EVAL runs a script.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { FUNCTION_NOT_FOUND, BAD_NUMKEYS, NUMKEYS_TOO_MANY, NUMKEYS_NEGATIVE, SCRIPT_WRITE_FLAG_RO, LIBRARY_NAME_ARG_MISSING, functionListArgument, RESTORE_POLICY, DUMP_PAYLOAD_INVALID, FUNCTION_PRE_GA, NOT_A_FUNCTION, FUNCTION_PAYLOAD_BAD, libraryExistsRestore, functionLoadOption, FUNCTION_CODE_MISSING, LIBRARY_NOT_FOUND, functionSubcommand, FUNCTION_FLUSH_MODE } from '../errors.js';
import { replyHelp } from './help.js';
import { scripting } from '../scripting/scripting.js';
import { Msg } from '../scripting/channel.js';
import { writeScriptResult } from '../scripting/result.js';
import { scriptFailed } from './scripting-cmd.js';
import { parseInt64 } from '../util/numbers.js';
import { globMatch } from '../util/glob.js';
import { RdbOutput } from '../persistence/rdb/output.js';
import { RdbInput, RdbFormatError } from '../persistence/rdb/input.js';
import { RdbOpcode, RDB_WRITE_VERSION, RDB_MAX_READ_VERSION } from '../persistence/rdb/format.js';
import { Crc64 } from '../persistence/crc64.js';

function fcall(c: Client, argv: string[], readOnly: boolean): void {
  const s = scripting(c.server);
  const fn = s.libraries.functions.get(argv[1]!);
  if (fn === undefined) throw FUNCTION_NOT_FOUND;
  const n = parseInt64(argv[2]!);
  if (n === null) throw BAD_NUMKEYS;
  if (n > argv.length - 3) throw NUMKEYS_TOO_MANY;
  if (n < 0) throw NUMKEYS_NEGATIVE;
  const noWrites = fn.flags.includes('no-writes');
  if (readOnly && !noWrites) throw SCRIPT_WRITE_FLAG_RO;
  const ctx = { caller: c, name: fn.name, isFunction: true, readOnly: readOnly || noWrites, wrote: false, startedAt: performance.now() };
  s.engine.run(ctx, Msg.Fcall, [fn.name, String(n), ...argv.slice(3)], (done) => {
    if (writeScriptResult(c, done[0] ?? 'N', s.engine.commandErrors)) scriptFailed(c, argv);
  });
}

function list(c: Client, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'withcode' && !withCode) withCode = true;
    else if (a === 'libraryname' && pattern === null) {
      if (i + 1 >= argv.length) throw LIBRARY_NAME_ARG_MISSING;
      pattern = argv[++i]!;
    } else throw functionListArgument(argv[i]!);
  }
  const libs = [...scripting(c.server).libraries.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name));
  const w = c.w;
  w.arrayHeader(libs.length);
  for (const lib of libs) {
    w.mapHeader(withCode ? 4 : 3);
    w.bulk('library_name');
    w.bulk(lib.name);
    w.bulk('engine');
    w.bulk('LUA');
    w.bulk('functions');
    w.arrayHeader(lib.functions.size);
    for (const f of lib.functions.values()) {
      w.mapHeader(3);
      w.bulk('name');
      w.bulk(f.name);
      w.bulk('description');
      if (f.description === null) w.nullBulk();
      else w.bulk(f.description);
      w.bulk('flags');
      w.setHeader(f.flags.length);
      for (const flag of f.flags) w.simple(flag);
    }
    if (withCode) {
      w.bulk('library_code');
      w.bulk(lib.code);
    }
  }
}

/** FUNCTION DUMP: each library as RDB_OPCODE_FUNCTION2 + its code, then version and CRC64. */
function dump(c: Client): void {
  const out = new RdbOutput(256);
  for (const lib of scripting(c.server).libraries.libraries.values()) {
    out.byte(RdbOpcode.FUNCTION2);
    out.string(lib.code);
  }
  out.byte(RDB_WRITE_VERSION & 0xff);
  out.byte((RDB_WRITE_VERSION >> 8) & 0xff);
  const body = out.drain();
  const payload = Buffer.concat([body, new Crc64().update(body).digestLE()]);
  c.w.bulk(payload.latin1Slice(0, payload.length));
}

function restore(c: Client, argv: string[]): void {
  const payload = Buffer.from(argv[2]!, 'latin1');
  let policy = 'append';
  if (argv.length > 4) throw RESTORE_POLICY;
  if (argv.length === 4) {
    policy = argv[3]!.toLowerCase();
    if (!['flush', 'append', 'replace'].includes(policy)) throw RESTORE_POLICY;
  }
  const bad = DUMP_PAYLOAD_INVALID;
  if (payload.length < 10) throw bad;
  const version = payload.readUInt16LE(payload.length - 10);
  if (version > RDB_MAX_READ_VERSION) throw bad;
  if (!new Crc64().update(payload, 0, payload.length - 8).digestLE().equals(payload.subarray(payload.length - 8))) throw bad;
  const codes: string[] = [];
  try {
    const input = new RdbInput(payload.subarray(0, payload.length - 10));
    while (input.remaining > 0) {
      const type = input.byte();
      if (type === RdbOpcode.FUNCTION_PRE_GA) throw FUNCTION_PRE_GA;
      if (type !== RdbOpcode.FUNCTION2) throw NOT_A_FUNCTION;
      codes.push(input.string());
    }
  } catch (e) {
    if (e instanceof RdbFormatError) throw FUNCTION_PAYLOAD_BAD;
    throw e;
  }
  const libs = scripting(c.server).libraries;
  if (policy === 'append') {
    for (const code of codes) {
      const name = /name=([^\s]+)/i.exec(code.slice(0, code.indexOf('\n')))?.[1];
      if (name !== undefined && libs.libraries.has(name)) throw libraryExistsRestore(name);
    }
  }
  if (policy === 'flush') libs.flush();
  for (const code of codes) libs.load(code, policy !== 'append');
  c.server.dirty++;
  c.w.ok();
}

function stats(c: Client): void {
  const s = scripting(c.server);
  const w = c.w;
  w.mapHeader(2);
  w.bulk('running_script');
  const running = s.engine.busy ? s.engine.running : null;
  if (running === null || !running.isFunction) {
    w.nullBulk();
  } else {
    w.mapHeader(3);
    w.bulk('name');
    w.bulk(running.name);
    w.bulk('command');
    w.arrayHeader(1);
    w.bulk('fcall');
    w.bulk('duration_ms');
    w.integer(Math.round(performance.now() - running.startedAt));
  }
  w.bulk('engines');
  w.mapHeader(1);
  w.bulk('LUA');
  w.mapHeader(2);
  w.bulk('libraries_count');
  w.integer(s.libraries.libraries.size);
  w.bulk('functions_count');
  w.integer(s.libraries.functions.size);
}

const HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

export const functionCommands: HandlerTable = {
  fcall: (c, argv) => fcall(c, argv, false),
  fcall_ro: (c, argv) => fcall(c, argv, true),
  'function|load': (c, argv) => {
    let replace = false;
    let i = 2;
    for (; i < argv.length - 1; i++) {
      if (argv[i]!.toLowerCase() === 'replace') replace = true;
      else throw functionLoadOption(argv[i]!);
    }
    if (i >= argv.length) throw FUNCTION_CODE_MISSING;
    const name = scripting(c.server).libraries.load(argv[i]!, replace);
    c.server.dirty++;
    c.w.bulk(name);
  },
  'function|delete': (c, argv) => {
    if (!scripting(c.server).libraries.delete(argv[2]!)) throw LIBRARY_NOT_FOUND;
    c.server.dirty++;
    c.w.ok();
  },
  'function|flush': (c, argv) => {
    // addReplySubcommandSyntaxError
    if (argv.length > 3) throw functionSubcommand(argv[1]!);
    if (argv.length === 3) {
      const mode = argv[2]!.toUpperCase();
      if (mode !== 'SYNC' && mode !== 'ASYNC') throw FUNCTION_FLUSH_MODE;
    }
    scripting(c.server).libraries.flush();
    c.server.dirty++;
    c.w.ok();
  },
  'function|list': list,
  'function|dump': dump,
  'function|restore': restore,
  'function|stats': stats,
  'function|kill': (c) => {
    scripting(c.server).engine.kill(true);
    c.w.ok();
  },
  'function|help': (c) => replyHelp(c, HELP),
};

