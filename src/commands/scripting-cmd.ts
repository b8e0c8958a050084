/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c). A script first runs in the Lua worker
 * (src/scripting/engine.ts), which keeps its compiled chunk for as long as the cache holds it;
 * once a run there is quick (and fast-path.ts accepts the script) it runs on the server thread
 * (main-lua.ts), back on the worker whenever a run there is slow.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { NOT_INTEGER, NUMKEYS_TOO_MANY, NUMKEYS_NEGATIVE, scriptCompileError, SCRIPT_WRITE_FLAG_RO, SCRIPT_FLUSH_MODE } from '../errors.js';
import { replyHelp } from './help.js';
import { scripting, sha1hex, parseShebang, NOSCRIPT, type CachedScript } from '../scripting/scripting.js';
import { Msg } from '../scripting/channel.js';
import { MAIN_BUDGET_MS } from '../scripting/engine.js';
import { writeScriptResult, writeLuaValue } from '../scripting/result.js';
import { mainThreadEligible, batchWrapper } from '../scripting/fast-path.js';
import { BATCH_TOKEN } from '../scripting/engine.js';
import { EvalBatch } from './eval-batch.js';
import { KEPT_RESULT } from '../scripting/main-lua.js';
import { parseInt64 } from '../util/numbers.js';

/** evalGetKeys' checks, in Redis's order: integer, not more than the arguments, not negative. */
export function numKeysArg(argv: readonly string[], index: number): number {
  const n = parseInt64(argv[index]!);
  if (n === null) throw NOT_INTEGER;
  if (n > argv.length - index - 1) throw NUMKEYS_TOO_MANY;
  if (n < 0) throw NUMKEYS_NEGATIVE;
  return Number(n);
}

/** The cached script for an EVAL body, compiling it the first time. */
function scriptForBody(c: Client, body: string): [string, CachedScript] {
  const s = scripting(c.server);
  const sha = sha1hex(body);
  const cached = s.scripts.get(sha);
  if (cached !== undefined) return [sha, cached];
  const parsed = parseShebang(body);
  const entry: CachedScript = parsed;
  const compileError = s.engine.compile(sha, entry.luaBody);
  if (compileError !== null) throw scriptCompileError(compileError);
  s.scripts.set(sha, entry);
  return [sha, entry];
}

function evalGeneric(c: Client, argv: string[], bySha: boolean, readOnly: boolean): void {
  const numkeys = numKeysArg(argv, 2);
  const s = scripting(c.server);
  let sha: string;
  let script: CachedScript;
  if (bySha) {
    // Cached SHAs are lowercase, as Redis's f_<sha> names: most clients send them so.
    sha = argv[1]!;
    let cached = sha.length === 40 ? s.scripts.get(sha) : undefined;
    if (cached === undefined && sha.length === 40) cached = s.scripts.get((sha = sha.toLowerCase()));
    if (cached === undefined) throw NOSCRIPT;
    script = cached;
  } else {
    [sha, script] = scriptForBody(c, argv[1]!);
  }
  // scriptPrepareForRun: a script with a shebang must declare no-writes to run as *_RO.
  if (readOnly && script.shebang && !script.flags.has('no-writes')) throw SCRIPT_WRITE_FLAG_RO;
  const ctx = {
    caller: c,
    name: sha,
    isFunction: false,
    readOnly: readOnly || script.flags.has('no-writes'),
    wrote: false,
    startedAt: performance.now(),
    oneLine: (script.oneLine ??= !script.luaBody.includes('\n')),
  };
  if (script.place === 'main') {
    script.bytes ??= Buffer.from(script.luaBody, 'latin1');
    const batch = bySha && !readOnly ? startBatch(c, sha, script, argv) : null;
    const r = s.engine.runOnMain(ctx, sha, batch === null ? script.bytes : script.batchBytes!, argv, numkeys, batch);
    // A slow run (moved to the worker, or finished here after writing) sends the script back
    // to the worker until a quick run there promotes it again.
    if (r === null || r.slow) delete script.place;
    if (batch !== null) {
      batch.release();
      if (batch.stopped) {
        // Every run was answered at a boundary; the eval's own result is the wrapper's nil.
        if (r !== null && r.value === KEPT_RESULT) s.engine.dropKeptResult();
        return;
      }
      if (r === null && batch.index > 0) {
        // A later run moved to the worker (no writes): it runs again from the input loop.
        batch.giveBackCurrent();
        return;
      }
      argv = batch.current;
    }
    if (r !== null) {
      const errors = s.engine.commandErrors;
      const failed =
        r.value === KEPT_RESULT ? s.engine.writeKeptResult(c.w, (v) => writeLuaValue(c, v, sha, errors)) : writeLuaValue(c, r.value, sha, errors);
      if (failed) scriptFailed(c, argv);
      batch?.accountCurrent();
      return;
    }
  }
  const parts = [sha, script.luaBody, String(numkeys), ...argv.slice(3)];
  let synchronous = true;
  s.engine.run(ctx, Msg.Eval, parts, (done) => {
    if (done[0] === 'C') {
      c.w.error(scriptCompileError(done[1]!).reply);
      c.server.countError('ERR');
      scriptFailed(c, argv);
      return;
    }
    // A quick run on the worker promotes the script to the server thread, if fast-path allows.
    if (script.place === undefined && synchronous && performance.now() - ctx.startedAt < PROMOTE_MS) {
      script.place = mainThreadEligible(script.luaBody) ? 'main' : 'worker';
    }
    if (writeScriptResult(c, done[0] ?? 'N', s.engine.commandErrors)) scriptFailed(c, argv);
  });
  synchronous = false;
}

/**
 * An EVAL/FCALL that replied with an error is a failed call in INFO commandstats, as in Redis;
 * the handler writes the reply itself (it may come after busy-reply-threshold), so the
 * dispatcher can't tell.
 */
export function scriptFailed(c: Client, argv: readonly string[]): void {
  const cmd = c.server.commands.lookup(argv[0]!);
  if (cmd !== undefined) cmd.stats.failedCalls++;
}

/** A batch (eval-batch.ts) for this EVALSHA if the script allows it and the next command continues it. */
function startBatch(c: Client, sha: string, script: CachedScript, argv: string[]): EvalBatch | null {
  if (script.batchBytes === undefined) {
    const source = batchWrapper(script.luaBody, BATCH_TOKEN);
    script.batchBytes = source === null ? null : Buffer.from(source, 'latin1');
  }
  if (script.batchBytes === null) return null;
  const cmd = c.server.commands.lookup('evalsha');
  return cmd === undefined ? null : EvalBatch.start(c, cmd, sha, script, argv);
}

/** A worker run shorter than this moves a script to the server thread (see main-lua.ts). */
const PROMOTE_MS = MAIN_BUDGET_MS;

const HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

export const scriptingCommands: HandlerTable = {
  eval: (c, argv) => evalGeneric(c, argv, false, false),
  evalsha: (c, argv) => evalGeneric(c, argv, true, false),
  eval_ro: (c, argv) => evalGeneric(c, argv, false, true),
  evalsha_ro: (c, argv) => evalGeneric(c, argv, true, true),
  'script|load': (c, argv) => {
    const [sha] = scriptForBody(c, argv[2]!);
    c.w.bulk(sha);
  },
  'script|exists': (c, argv) => {
    const scripts = scripting(c.server).scripts;
    c.w.arrayHeader(argv.length - 2);
    for (let i = 2; i < argv.length; i++) c.w.integer(scripts.has(argv[i]!.toLowerCase()) ? 1 : 0);
  },
  'script|flush': (c, argv) => {
    if (argv.length > 3 || (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toLowerCase()))) {
      throw SCRIPT_FLUSH_MODE;
    }
    const s = scripting(c.server);
    s.scripts.clear();
    s.engine.forgetScripts();
    c.w.ok();
  },
  'script|kill': (c) => {
    scripting(c.server).engine.kill(false);
    c.w.ok();
  },
  'script|help': (c) => replyHelp(c, HELP),
};
