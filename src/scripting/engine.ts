/**
 * The server side of scripting: owns the Lua worker (engine-worker.ts), sends it jobs and
 * serves its redis.call() requests on this thread, where the data lives.
 *
 * A job runs synchronously: this thread waits on the channel (spinning, then sleeping) and
 * runs each command the script asks for, so nothing else can interleave (atomicity). If the
 * script is still running after busy-reply-threshold, the wait becomes asynchronous: the
 * event loop turns again, other clients get -BUSY (except ALLOW_BUSY commands such as SCRIPT
 * KILL and SHUTDOWN NOSAVE), the caller's further input waits, and the script's commands are
 * still served as they come. SCRIPT KILL / FUNCTION KILL terminate the worker thread (only
 * before the script wrote anything) and start a new one, which recompiles lazily.
 *
 * Short EVAL scripts skip the hand-offs: runOnMain runs them in a second engine on this
 * thread (main-lua.ts) and moves a run that outlives its small budget before writing to the
 * worker, where all of the above applies.
 */
import { Worker, MessageChannel } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { encodeCommand } from '../util/resp-array.js';
import { Channel, Msg, SERVER } from './channel.js';
import type { Server } from '../server.js';
import type { Client } from '../network/client.js';
import { call } from '../commands/dispatch.js';
import { SCRIPT_KILLED, LUA_ENGINE_START, LUA_ENGINE_FAILURE, NOTBUSY, UNKILLABLE, BUSY_SCRIPT, BUSY_FUNCTION } from '../errors.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import type { ReplyValue } from 'lua-redis-wasm';
import { MainLua, FUEL_CAP, KEPT_RESULT } from './main-lua.js';
import type { ReplyWriter } from '../network/reply-writer.js';

/**
 * The other side of a batched server-thread run (scripting-cmd.ts; fast-path.ts batchWrapper):
 * at each boundary the run that ended gave a plain result (`encoded`); the host writes it and
 * returns the next run's KEYS and ARGV, or null to stop. `slow`: that run wrote and went past
 * its allowance (the script goes back to the worker).
 */
export interface BatchHost {
  /** `encoded`: batchWrapper's redis.call arguments (the token, then the encoded result). */
  next(encoded: readonly string[], slow: boolean): { keys: readonly string[]; args: readonly string[] } | null;
}

/** The redis.call name of a batch boundary: random, so no script can name it. */
export const BATCH_TOKEN = `nodis:batch:${randomBytes(12).toString('hex')}`;

/** What a running script may do, and what it did (SCRIPT KILL needs `wrote`). */
export interface RunContext {
  caller: Client;
  /** sha for EVAL, the function name for FCALL (error suffixes, SCRIPT KILL replies). */
  name: string;
  /** An EVAL script of one line: a killed run can name its line (1) like Redis's. */
  oneLine?: boolean;
  isFunction: boolean;
  /** EVAL_RO/FCALL_RO or the no-writes flag. */
  readOnly: boolean;
  wrote: boolean;
  startedAt: number;
}


/** Running from TypeScript sources (tests, tsx): the worker registers tsx before loading its module. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const workerUrl = new URL(FROM_SOURCE ? './engine-worker.ts' : './engine-worker.js', import.meta.url);
const workerEntry = FROM_SOURCE
  ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); })`
  : workerUrl;
const STARTUP_TIMEOUT_MS = 30_000;
/** A run on the server thread that passes this, not having written yet, moves to the worker. */
export const MAIN_BUDGET_MS = 20;
/** The same limit in Lua instructions, for scripts that compute without calling redis. */
const MAIN_BUDGET_FUEL = 8_000_000;
/** The redis.call reply that ends a run being moved to the worker (never seen by anyone). */
const MOVED = '-ERR script moved to the Lua worker\r\n';
const ACL_CHECK_UNKNOWN = '-ERR Invalid command passed to redis.acl_check_cmd()\r\n';
const NO_ARGS = '-ERR Please specify at least one argument for this redis lib call\r\n';

export class ScriptEngine {
  private worker: Worker | null = null;
  private channel: Channel | null = null;
  /** Shas the current worker has seen (it keeps their source). */
  private known = new Set<string>();
  /** The client scripts run their commands on. */
  private readonly scriptClient: Client;
  /** The script running now (also while it runs asynchronously). */
  running: RunContext | null = null;
  /** True once the running script passed busy-reply-threshold: other clients get -BUSY. */
  busy = false;
  /** Set by SCRIPT KILL so the asynchronous loop ends the script with this error. */
  private killed: string | null = null;
  /** Library code to load into a fresh worker, in load order. */
  readonly libraryCode = new Map<string, string>();
  /** The server-thread instance for short scripts (null until loaded, or if unusable). */
  private main: MainLua | null = null;
  private mainLoading = false;
  /** Set by callCommand: the command wrote, or may have been seen by others (publish...). */
  private effects = false;
  /** Error replies of the commands the current script ran: already counted in errorstats. */
  readonly commandErrors = new Set<string>();

  constructor(private readonly server: Server) {
    this.scriptClient = server.createFakeClient();
    this.scriptClient.denyBlocking = true;
    server.gates.push((c, cmd, argv) => {
      if (!this.busy || c === this.running?.caller) return null;
      const busyError = this.running?.isFunction === true ? BUSY_FUNCTION : BUSY_SCRIPT;
      // shutdownCommand: while a script is busy only SHUTDOWN NOSAVE may stop the server.
      if (cmd.fullName === 'shutdown') return argv.some((a) => a.toLowerCase() === 'nosave') ? null : busyError;
      if (cmd.flagSet.has('ALLOW_BUSY') || cmd.parent?.flagSet.has('ALLOW_BUSY') === true) return null;
      return busyError;
    });
    server.shutdownHooks.push(() => this.stop());
  }

  /** Terminates the worker (server shutdown). */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.channel = null;
    if (w !== null) await w.terminate();
  }

  /** The channel to a ready worker, starting one if needed (blocks until it is up). */
  private ensureWorker(): Channel {
    if (this.channel !== null) return this.channel;
    const sab = Channel.create();
    const { port1, port2 } = new MessageChannel();
    // The worker's first turn: it loads the engine and answers Ready.
    new Int32Array(sab, 0, 1)[0] = 1;
    const [major, minor, patch] = REDIS_COMPAT_VERSION.split('.').map(Number) as [number, number, number];
    const worker = new Worker(workerEntry, {
      eval: FROM_SOURCE,
      workerData: { sab, port: port2, version: REDIS_COMPAT_VERSION, versionNum: (major << 16) | (minor << 8) | patch },
      transferList: [port2],
    });
    worker.unref();
    worker.on('error', (e) => this.server.log.warning(`Lua engine thread failed: ${e.message}`));
    worker.on('exit', () => {
      // A worker that died on its own while a script ran asynchronously: end that script.
      if (this.worker !== worker || this.channel === null) return;
      const ch = this.channel;
      this.killed = 'ERR Lua engine failure';
      this.forgetWorker(ch);
      if (this.busy) ch.interrupt();
    });
    const channel = new Channel(sab, SERVER, port1);
    if (!channel.wait(STARTUP_TIMEOUT_MS) || channel.kind !== Msg.Ready) {
      void worker.terminate();
      throw LUA_ENGINE_START;
    }
    this.worker = worker;
    this.channel = channel;
    this.known = new Set();
    // Libraries live in the worker: a new one loads them again.
    for (const [name, code] of this.libraryCode) {
      this.exchange(Msg.LoadLibrary, [name, code]);
      this.exchange(Msg.CommitLibrary, [name, 'commit']);
    }
    return channel;
  }

  /** A job with no redis.call (compile, load, flush): send and wait for Done. */
  exchange(kind: Msg, parts: readonly string[]): string[] {
    const ch = this.ensureWorker();
    ch.send(kind, parts);
    for (;;) {
      ch.wait();
      const k = ch.kind;
      if (k === Msg.Done) return ch.readStrings();
      if (k === Msg.Dead) {
        this.forgetWorker(ch);
        throw LUA_ENGINE_FAILURE;
      }
      if (k === Msg.Log) this.log(ch.readStrings());
      else ch.send(Msg.CallReply, ['-ERR redis.call is not available here\r\n']);
    }
  }

  /** Like exchange, but skipped when no worker runs (a new one starts from libraryCode). */
  exchangeIfRunning(kind: Msg, parts: readonly string[]): void {
    if (this.channel !== null) this.exchange(kind, parts);
  }

  /** Compiles a script in the worker (SCRIPT LOAD, first EVAL): null or the compile error. */
  compile(sha: string, body: string): string | null {
    const r = this.exchange(Msg.Compile, [sha, body]);
    this.known.add(sha);
    return r[0] === 'C' ? r[1]! : null;
  }

  forgetScripts(): void {
    if (this.channel !== null) this.exchange(Msg.FlushScripts, []);
    this.known.clear();
  }

  /** Starts loading the server-thread instance (asynchronous; scripts use the worker meanwhile). */
  loadMain(): void {
    if (this.main !== null || this.mainLoading) return;
    this.mainLoading = true;
    MainLua.create().then(
      (m) => {
        this.main = m;
        this.mainLoading = false;
        if (m === null) this.server.log.warning('Lua: the engine fuel counter was not found, every script runs on the worker thread');
      },
      (e: unknown) => {
        this.mainLoading = false;
        this.server.log.warning(`Lua: server-thread engine failed to load: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  /** Whether a script may outlive busy-reply-threshold asynchronously (not inside EXEC, nor for a fake client). */
  private mayYield(ctx: RunContext): boolean {
    return this.server.config.num('busy-reply-threshold') > 0 && ctx.caller.socket !== null && this.server.execDepth === 0;
  }

  /**
   * Runs an EVAL script on the server thread (see main-lua.ts). Returns its value, or null when
   * it must run on the worker instead: no instance, or the run reached MAIN_BUDGET_MS /
   * MAIN_BUDGET_FUEL before writing anything — nothing it did was visible (reads only, no
   * propagation, no publish), so the worker re-runs it from the start and atomicity holds.
   * A run that wrote cannot move: it gets the worker's full instruction allowance and
   * finishes here (no -BUSY meanwhile); `slow` says it went past the budget so.
   */
  runOnMain(
    ctx: RunContext,
    sha: string,
    body: Buffer,
    argv: readonly string[],
    numkeys: number,
    batch: BatchHost | null = null,
  ): { value: ReplyValue | typeof KEPT_RESULT; slow: boolean } | null {
    const main = this.main;
    if (main === null) return null;
    const threshold = this.server.config.num('busy-reply-threshold');
    const mayYield = threshold > 0 && ctx.caller.socket !== null && this.server.execDepth === 0;
    const budgetMs = mayYield ? Math.min(MAIN_BUDGET_MS, threshold / 4) : Infinity;
    const run = this.mainRun;
    run.ctx = ctx;
    run.main = main;
    run.budgetMs = budgetMs;
    run.fuel = mayYield ? MAIN_BUDGET_FUEL : FUEL_CAP;
    run.deadline = ctx.startedAt + budgetMs;
    run.moved = false;
    run.wrote = false;
    this.running = ctx;
    // Set.clear() allocates a fresh table even when empty.
    if (this.commandErrors.size !== 0) this.commandErrors.clear();
    this.scriptClient.db = ctx.caller.db;
    main.setBudget(run.fuel);
    this.batch = batch;
    let value: ReplyValue | typeof KEPT_RESULT;
    try {
      value = main.run(sha, body, argv, 3, numkeys, this.mainCall);
    } catch (e) {
      // The module aborted (out of memory): load a fresh one; the worker reports the error.
      this.main = null;
      this.loadMain();
      if (!run.wrote) return null;
      const text = `ERR Lua engine failure: ${e instanceof Error ? e.message : String(e)}`;
      return { value: { err: Buffer.from(text, 'latin1') }, slow: true };
    } finally {
      this.running = null;
      this.batch = null;
    }
    if (value === KEPT_RESULT) {
      // A result that is not an error: the run ended normally (unless it was moved meanwhile).
      if (run.moved) {
        main.dropResult();
        return null;
      }
      this.kept = main;
      return { value, slow: run.wrote && performance.now() > run.deadline };
    }
    const outOfFuel = value !== null && typeof value === 'object' && 'meta' in value && value.err.includes('Script killed by fuel limit');
    if (run.moved || (outOfFuel && !run.wrote)) return null;
    if (outOfFuel) value = { err: Buffer.from('ERR Script killed by the instruction limit of the Lua engine', 'latin1') };
    return { value, slow: run.wrote && performance.now() > run.deadline };
  }

  /** The instance holding a KEPT_RESULT that runOnMain returned, until writeKeptResult. */
  private kept: MainLua | null = null;

  /** Writes the KEPT_RESULT of the last runOnMain to `w` (`write` takes shapes it can't write itself); true for an error. */
  writeKeptResult(w: ReplyWriter, write: (v: ReplyValue) => boolean): boolean {
    const main = this.kept!;
    this.kept = null;
    return main.writeResult(w, write);
  }

  /** Frees the KEPT_RESULT of the last runOnMain unwritten (a batch's own final nil). */
  dropKeptResult(): void {
    this.kept?.dropResult();
    this.kept = null;
  }

  /** The server-thread run in progress (one at a time: scripts don't nest). */
  private readonly mainRun: {
    ctx: RunContext | null;
    main: MainLua | null;
    /** Each run's allowance (the same for every run of a batch). */
    budgetMs: number;
    fuel: number;
    deadline: number;
    moved: boolean;
    wrote: boolean;
  } = {
    ctx: null,
    main: null,
    budgetMs: 0,
    fuel: 0,
    deadline: 0,
    moved: false,
    wrote: false,
  };

  /** The host of a batched run in progress (runOnMain's `batch`). */
  private batch: BatchHost | null = null;

  /**
   * A batched run's boundary (batchWrapper's redis.call(BATCH_TOKEN, encoded)): the host writes
   * the result; the next run starts with a fresh allowance, context and command time.
   */
  private batchBoundary(encoded: readonly string[]): string {
    const run = this.mainRun;
    const now = performance.now();
    const next = this.batch!.next(encoded, run.wrote && now > run.deadline);
    if (next === null) return '$-1\r\n';
    const ctx = run.ctx!;
    ctx.wrote = false;
    ctx.startedAt = now;
    run.deadline = now + run.budgetMs;
    run.wrote = false;
    run.main!.setFuel(run.fuel);
    if (this.commandErrors.size !== 0) this.commandErrors.clear();
    this.scriptClient.db = ctx.caller.db;
    const server = this.server;
    server.clock = now;
    server.nowMs = Math.floor(server.clockOffsetMs + now);
    return `*2\r\n${encodeCommand(next.keys)}${encodeCommand(next.args)}`;
  }

  /** redis.call / redis.pcall of a server-thread run: [command, args...] → the raw reply. */
  private readonly mainCall = (args: string[]): string => {
    const run = this.mainRun;
    if (run.moved) return MOVED;
    if (args.length === 0) return NO_ARGS;
    if (args[0] === BATCH_TOKEN && this.batch !== null) return this.batchBoundary(args);
    if (!run.wrote && performance.now() > run.deadline) {
      run.moved = true;
      run.main!.setFuel(0);
      return MOVED;
    }
    this.effects = false;
    const reply = this.runScriptCommand(2, args, 0);
    if (this.effects && !run.wrote) {
      run.wrote = true;
      run.main!.setFuel(FUEL_CAP);
    }
    return reply;
  };

  /**
   * Runs an EVAL (kind Eval: sha, body, numkeys, keys, args) or FCALL job. `onDone` gets the
   * driver's answer: synchronously, or later if the script outlived busy-reply-threshold.
   */
  run(ctx: RunContext, kind: Msg, parts: string[], onDone: (parts: string[]) => void): void {
    const ch = this.ensureWorker();
    if (kind === Msg.Eval) {
      const sha = parts[0]!;
      if (this.known.has(sha)) parts[1] = '';
      else this.known.add(sha);
    }
    this.running = ctx;
    // Set.clear() allocates a fresh table even when empty.
    if (this.commandErrors.size !== 0) this.commandErrors.clear();
    this.killed = null;
    this.scriptClient.db = ctx.caller.db;
    ch.send(kind, parts);
    const threshold = this.server.config.num('busy-reply-threshold');
    // Inside EXEC or for a fake client there is no event loop turn to give: run to the end.
    const mayYield = this.mayYield(ctx);
    const deadline = ctx.startedAt + threshold;
    for (;;) {
      if (!ch.wait(mayYield ? Math.max(0, deadline - performance.now()) : Infinity)) {
        this.goAsync(ctx, ch, onDone);
        return;
      }
      const done = this.serve(ch);
      if (done !== null) {
        this.running = null;
        onDone(done);
        return;
      }
    }
  }

  /** Handles one message from the worker; returns the Done parts, or null to keep waiting. */
  private serve(ch: Channel): string[] | null {
    switch (ch.kind) {
      case Msg.Call: {
        const parts = ch.readStrings();
        ch.send(Msg.CallReply, [this.callCommand(parts)]);
        return null;
      }
      case Msg.Log:
        this.log(ch.readStrings());
        ch.send(Msg.CallReply, []);
        return null;
      case Msg.Done:
        return ch.readStrings();
      case Msg.Dead:
        this.forgetWorker(ch);
        return ch.readStrings();
      default:
        return ['E', 'ERR unexpected message from the Lua engine'];
    }
  }

  private goAsync(ctx: RunContext, ch: Channel, onDone: (parts: string[]) => void): void {
    const server = this.server;
    const caller = ctx.caller;
    this.busy = true;
    caller.inputPaused = true;
    const expiry = server.expiryPaused;
    server.expiryPaused = true;
    server.log.warning(
      `Slow script detected: still in execution after ${Math.round(performance.now() - ctx.startedAt)} milliseconds. You can try killing the script using the ${ctx.isFunction ? 'FUNCTION' : 'SCRIPT'} KILL command.`,
    );
    const finish = (parts: string[]): void => {
      this.busy = false;
      this.running = null;
      server.expiryPaused = expiry;
      server.refreshClock();
      onDone(parts);
      caller.inputPaused = false;
      caller.markPendingWrite();
      if (!caller.closed) caller.processInput();
      server.flushPendingWrites();
    };
    const loop = async (): Promise<void> => {
      for (;;) {
        await ch.waitAsync();
        if (this.channel !== ch && ch.kind !== Msg.Dead) {
          // SCRIPT KILL replaced the worker.
          const text = this.killed ?? 'ERR Script killed';
          finish([`E${text.length}:${text}`]);
          return;
        }
        server.refreshClock();
        const done = this.serve(ch);
        server.flushPendingWrites();
        if (done !== null) {
          finish(done);
          return;
        }
      }
    };
    void loop();
  }

  /** The worker behind `ch` is gone: the next script starts a new one. */
  private forgetWorker(ch: Channel): void {
    if (this.channel !== ch) return;
    const w = this.worker;
    this.worker = null;
    this.channel = null;
    this.known = new Set();
    if (w !== null) void w.terminate();
  }

  /** SCRIPT KILL / FUNCTION KILL of a script that went asynchronous. */
  kill(byFunctionKill: boolean): void {
    const ctx = this.running;
    if (ctx === null || !this.busy) throw NOTBUSY;
    if (ctx.wrote) {
      throw UNKILLABLE;
    }
    // SCRIPT KILL cannot stop a function, nor FUNCTION KILL a script (scriptKill).
    if (ctx.isFunction !== byFunctionKill) throw ctx.isFunction ? BUSY_FUNCTION : BUSY_SCRIPT;
    // Redis names the line the kill hook fired on; the terminated thread can't tell, except
    // in a one-line script.
    this.killed = `${SCRIPT_KILLED.reply}${ctx.oneLine === true ? ` script: ${ctx.name}, on @user_script:1.` : ''}`;
    const w = this.worker;
    const ch = this.channel;
    this.worker = null;
    this.channel = null;
    this.known = new Set();
    this.server.log.notice(`Lua script killed by user with ${byFunctionKill ? 'FUNCTION' : 'SCRIPT'} KILL.`);
    if (w !== null) void w.terminate();
    // Wake the asynchronous loop waiting on the old channel.
    if (ch !== null) ch.interrupt();
  }

  private log(parts: string[]): void {
    const level = Number(parts[0]);
    const text = parts[1] ?? '';
    const log = this.server.log;
    if (level === 0) log.debug(text);
    else if (level === 1) log.verbose(text);
    else if (level === 2) log.notice(text);
    else log.warning(text);
  }

  /**
   * luaRedisAclCheckCmdPermissionsCommand for ['acl', command, args...]: :1 when the command
   * (or command|subcommand, as lookupCommand finds it) exists — every user may run everything
   * until nodis has ACLs — else Redis's error, which the driver raises.
   */
  private aclCheck(parts: string[]): string {
    const commands = this.server.commands;
    let cmd = commands.lookup(parts[1]!);
    if (cmd !== undefined && cmd.subcommands !== null && parts.length > 2) cmd = cmd.subcommands.get(parts[2]!.toLowerCase());
    return cmd === undefined ? ACL_CHECK_UNKNOWN : ':1\r\n';
  }

  /** scriptCall: one redis.call() — [resp, command, args...] → the raw reply. */
  private callCommand(parts: string[]): string {
    if (parts[0] === 'acl') return this.aclCheck(parts);
    return this.runScriptCommand(parts[0] === '3' ? 3 : 2, parts, 1);
  }

  /** scriptCall for the command at argv[from...] (the worker's messages carry the protocol first). */
  private runScriptCommand(resp: 2 | 3, parts: string[], from: number): string {
    const ctx = this.running!;
    const argv = from === 0 ? parts : parts.slice(from);
    const server = this.server;
    let cmd = server.commands.lookup(argv[0]!);
    if (cmd !== undefined && cmd.subcommands !== null && !(argv.length === 1 && cmd.handler !== null)) {
      cmd = argv.length === 1 ? cmd : cmd.subcommands.get(argv[1]!.toLowerCase());
      if (cmd === undefined) return '-ERR Unknown Redis command called from script\r\n';
    }
    if (cmd === undefined) return '-ERR Unknown Redis command called from script\r\n';
    const arity = cmd.spec.arity;
    if (cmd.subcommands !== null && cmd.handler === null) return '-ERR Wrong number of args calling Redis command from script\r\n';
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return '-ERR Wrong number of args calling Redis command from script\r\n';
    const flags = cmd.flagSet;
    if (flags.has('NOSCRIPT')) return '-ERR This Redis command is not allowed from script\r\n';
    if (cmd.isWrite || flags.has('MAY_REPLICATE')) {
      if (ctx.readOnly) return '-ERR Write commands are not allowed from read-only scripts.\r\n';
    }
    const c = this.scriptClient;
    c.w.resp = resp;
    // SCRIPT_WRITE_DIRTY: only a command that changed the dataset makes the script unkillable.
    const dirty = server.dirty;
    // A command others may see even without a write (PUBLISH) also pins a run to its thread.
    if (cmd.isWrite || flags.has('MAY_REPLICATE')) this.effects = true;
    call(server, c, cmd, argv);
    if (server.dirty !== dirty) {
      ctx.wrote = true;
      this.effects = true;
    }
    const reply = c.w.takeString();
    if (reply.charCodeAt(0) === 45 /* - */) this.commandErrors.add(reply.slice(1, reply.length - 2));
    return reply;
  }
}
