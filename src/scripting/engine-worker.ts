/**
 * The Lua worker thread. It runs the driver (driver-source.ts) in one long eval of
 * lua-redis-wasm; every host call the driver makes (next job, redis.call, log) is a
 * synchronous round trip on the Channel to the server thread, which owns the data.
 *
 * lua-redis-wasm counts instructions against a budget that is only refilled when an eval
 * starts (at most 2^32 VM instructions), so after ~1.5 s of accumulated script time the worker
 * restarts the driver between two jobs: compiled scripts are recompiled from the sources it
 * keeps, libraries reloaded. A single script can therefore run for ~2^32 instructions.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { load, LuaWasmModule, type ReplyValue } from 'lua-redis-wasm';
import { widenedWasm } from './wasm-memory.js';
import { Channel, Msg, WORKER } from './channel.js';
import { DRIVER_SOURCE } from './driver-source.js';
import { respToLua } from './resp-to-lua.js';

interface WorkerInit {
  sab: SharedArrayBuffer;
  port: MessagePort;
  version: string;
  versionNum: number;
}

const init = workerData as WorkerInit;
const channel = new Channel(init.sab, WORKER, init.port);
/** Marks the driver's host calls; hex, so it survives a Lua long string unchanged. */
const TOKEN = Buffer.from(randomBytes(16).toString('hex'), 'latin1');
const RESTART_AFTER_MS = 1500;

/** Script sources by sha and library code by name, to rebuild a restarted driver. */
const sources = new Map<string, Buffer>();
const libraries = new Map<string, Buffer>();
let scriptTimeMs = 0;
let jobStart = 0;
let inJob = false;
let restarting = false;
let started = false;
/** Library reloads after a restart: run before the server's next job, answered here. */
const replay: Buffer[][] = [];
/** The job the driver runs came from `replay`, not from the server. */
let internal = false;
/** The library being loaded, until the server commits or drops it. */
let pendingLibrary: { name: string; code: Buffer } | null = null;

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const str = (x: Buffer): string => x.latin1Slice(0, x.length);

function nextJob(): Buffer[] {
  const replayed = replay.shift();
  if (replayed !== undefined) {
    internal = true;
    pendingLibrary = { name: str(replayed[1]!), code: replayed[2]! };
    return replayed;
  }
  internal = false;
  if (scriptTimeMs > RESTART_AFTER_MS) {
    scriptTimeMs = 0;
    restarting = true;
    return [b('q')];
  }
  channel.wait();
  const parts = channel.readBuffers();
  const kind = channel.kind;
  jobStart = performance.now();
  inJob = true;
  switch (kind) {
    case Msg.Eval:
      // sha, source ('' when the worker has it), numkeys, keys..., args...
      if (parts[1]!.length > 0) sources.set(str(parts[0]!), parts[1]!);
      return [b('e'), ...parts];
    case Msg.Compile:
      sources.set(str(parts[0]!), parts[1]!);
      return [b('c'), ...parts];
    case Msg.Fcall:
      return [b('f'), ...parts];
    case Msg.LoadLibrary:
      pendingLibrary = { name: str(parts[0]!), code: parts[1]! };
      return [b('l'), ...parts];
    case Msg.CommitLibrary: {
      // name, 'commit' | 'drop'
      const verdict = str(parts[1]!);
      if (verdict === 'commit' && pendingLibrary !== null) libraries.set(pendingLibrary.name, pendingLibrary.code);
      pendingLibrary = null;
      return [b(verdict), parts[0]!];
    }
    case Msg.DeleteLibrary:
      libraries.delete(str(parts[0]!));
      return [b('x'), ...parts];
    case Msg.FlushLibraries:
      libraries.clear();
      return [b('X')];
    case Msg.FlushScripts:
      sources.clear();
      return [b('F')];
    default:
      return [b('?')];
  }
}

/** redis.call errors carry this prefix so the driver tells them from Lua errors (Redis raises a table). */
const CALL_ERROR_MARK = b('\0rc:');
let resp = '2';

/** A script's redis.call / redis.pcall: run on the server thread, reply converted for Lua. */
function scriptCall(args: Buffer[], raise: boolean): ReplyValue {
  let reply: ReplyValue;
  if (args.length === 0) {
    reply = { err: b('ERR Please specify at least one argument for this redis lib call') };
  } else {
    channel.send(Msg.Call, [resp, ...args]);
    channel.wait();
    reply = respToLua(channel.readBuffers()[0]!, resp === '3');
  }
  if (raise && reply !== null && typeof reply === 'object' && 'err' in reply) {
    return { err: Buffer.concat([CALL_ERROR_MARK, reply.err]) };
  }
  return reply;
}

function host(args: Buffer[], raise: boolean): ReplyValue {
  if (args.length < 2 || !args[0]!.equals(TOKEN)) return scriptCall(args, raise);
  switch (args[1]![0]) {
    case 0x70 /* p: redis.setresp */:
      resp = str(args[2]!);
      return null;
    case 0x64 /* d: a job is done; returns the next one */: {
      if (internal) {
        // A replayed library: commit it, then go on.
        if (pendingLibrary !== null) {
          const name = pendingLibrary.name;
          pendingLibrary = null;
          return [b('commit'), b(name)];
        }
        return nextJob();
      }
      resp = '2';
      if (inJob) {
        scriptTimeMs += performance.now() - jobStart;
        inJob = false;
      }
      channel.send(Msg.Done, args.slice(2));
      return nextJob();
    }
    case 0x72 /* r: the driver started */:
      if (restarting) {
        restarting = false;
        for (const [name, code] of libraries) replay.push([b('l'), b(name), code]);
        return nextJob();
      }
      started = true;
      channel.send(Msg.Ready, []);
      return nextJob();
    case 0x73 /* s: a script's source, after a restart */:
      return sources.get(str(args[2]!)) ?? b('');
    case 0x61 /* a: redis.acl_check_cmd, answered by the server */:
      channel.send(Msg.Call, [b('acl'), ...args.slice(2)]);
      channel.wait();
      return respToLua(channel.readBuffers()[0]!);
    case 0x6c /* l: redis.log */:
      channel.send(Msg.Log, args.slice(2));
      channel.wait();
      return null;
    default:
      return { err: b('ERR unknown driver call') };
  }
}

let engine: ReturnType<Awaited<ReturnType<typeof load>>['create']>;
try {
  const wasmBytes = widenedWasm(LuaWasmModule.defaultWasmPath());
  const mod = await load({ limits: { maxFuel: 0xffffffff }, profile: 'redis-7.2', ...(wasmBytes === undefined ? {} : { wasmBytes }) });
  engine = mod.create({
    redisCall: (args) => host(args, true),
    redisPcall: (args) => host(args, false),
    log: () => {},
  });
} catch (e) {
  // The server waits for Ready: tell it at once instead of letting it time out.
  channel.send(Msg.Dead, [b(`engine failed to load: ${e instanceof Error ? e.message : String(e)}`)]);
  throw e;
}
// A tail call, so the bootstrap's own frame (named user_script by the engine) leaves the stack.
const bootstrap = `return loadstring(${luaLongString(DRIVER_SOURCE)}, '=nodis')(${luaLongString(TOKEN.latin1Slice(0))}, ${luaLongString(init.version)}, ${init.versionNum})`;
for (;;) {
  let result;
  try {
    result = engine.eval(bootstrap);
  } catch (e) {
    // An abort of the WebAssembly module (out of memory) leaves it unusable: report and end
    // this thread; the server starts a new one for the next script.
    const text = `ERR Lua engine failure: ${e instanceof Error ? e.message : String(e)}`;
    channel.send(Msg.Dead, [b(`E${text.length}:${text}`)]);
    break;
  }
  if (Buffer.isBuffer(result) && result.latin1Slice(0) === 'restart') continue;
  if (!started) {
    // The driver itself does not run: tell the server instead of retrying forever.
    channel.send(Msg.Done, [b(`driver failed: ${JSON.stringify(result)}`)]);
    break;
  }
  // The driver died (the instruction budget ran out inside a script): fail the job in
  // flight and start over.
  if (inJob) {
    inJob = false;
    const text = 'ERR Script killed by the instruction limit of the Lua engine';
    channel.send(Msg.Done, [b(`E${text.length}:${text}`)]);
  }
  restarting = true;
}

function luaLongString(s: string): string {
  let eq = '';
  while (s.includes(`]${eq}]`)) eq += '=';
  // A long string drops a leading newline: add one so a source starting with one keeps it.
  return `[${eq}[\n${s}]${eq}]`;
}
