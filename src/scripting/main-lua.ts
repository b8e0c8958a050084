/**
 * A second lua-redis-wasm instance on the server thread, for short EVAL scripts: its
 * redis.call is a plain function call, where the worker (engine-worker.ts) pays three thread
 * hand-offs per two-call script. Each run is one eval of the engine (compiled from source:
 * its Lua state cannot keep a compiled chunk between evals, every reachable table is
 * readonly), so only scripts fast-path.ts accepts come here.
 *
 * A run must be abortable: the engine counts instructions ("fuel", a hook every 1000) and
 * raises an error when they run out. Fuel is set per eval through set_limits; to give a
 * script that already wrote its full allowance (it can no longer be re-run elsewhere), or to
 * stop one at once, the counter itself is rewritten in the WebAssembly memory. The engine does
 * not export it: its address is found once at load by a probe (see locateFuel), and without it
 * this instance is not used at all.
 */
import { load, LuaWasmModule, type ReplyValue } from 'lua-redis-wasm';
import { widenedWasm } from './wasm-memory.js';
import { respToWire, wireBound, writeSimpleResult, Wire } from './wire-codec.js';
import { shortLatin1, SHORT_LATIN1_MAX } from '../network/latin1.generated.js';
import type { ReplyWriter } from '../network/reply-writer.js';

/** The engine's exports we drive directly (LuaEngine keeps them private). */
interface WasmExports {
  HEAPU8: Uint8Array;
  _eval_with_args(...abi: number[]): unknown;
  _alloc(size: number): number;
  _free_mem(ptr: number): void;
  _set_limits(fuel: number, maxReply: number, maxArg: number): void;
}
interface EngineInternals {
  exports: WasmExports;
  callEvalWithArgs(scriptPtr: number, scriptLen: number, argsPtr: number, argsLen: number, keys: number): unknown;
  decodeResult(result: unknown, sha: string): ReplyValue;
  eval(script: string): ReplyValue;
}

/** The host side of a run: redis.call / redis.pcall arguments → the command's raw RESP2 reply. */
export type MainCall = (args: string[]) => string;
/** The module's swappable import handlers (LuaWasmModule keeps them private). */
interface ModuleInternals {
  handlers: { call: (...abi: number[]) => unknown; pcall: (...abi: number[]) => unknown };
}

const PROBE_FUEL = 987_654_321;
/** Replies up to this many characters are encoded directly into engine memory (hostCall). */
const SMALL_REPLY = 4096;
/** run()'s answer when the result stays in engine memory for writeResult / dropResult. */
export const KEPT_RESULT: unique symbol = Symbol('kept result');
/** The same ceiling as the worker's: ~2^32 instructions, then the script fails. */
export const FUEL_CAP = 0xffffffff;

export class MainLua {
  /** The host of the run in progress. */
  private call: MainCall | null = null;
  /** A Buffer over the whole WebAssembly memory (fixed size: it never grows, so never detaches). */
  private heap: Buffer;
  private scratch = Buffer.allocUnsafe(4096);
  /** Engine memory reused by every run: the script and KEYS/ARGV, and the result's address. */
  private input = { ptr: 0, size: 0 };
  /** The script whose bytes are at input.ptr (a cached script keeps its Buffer). */
  private inputBody: Buffer | null = null;
  private readonly resultAt: number;
  /** The result of the last run when run() returned KEPT_RESULT (0: none). */
  private resultPtr = 0;
  private resultLen = 0;

  private constructor(
    private readonly engine: EngineInternals,
    private readonly fuelAt: number,
  ) {
    this.heap = Buffer.from(engine.exports.HEAPU8.buffer);
    this.resultAt = engine.exports._alloc(8);
  }

  /** Loads an instance, or returns null when the fuel counter cannot be located. */
  static async create(): Promise<MainLua | null> {
    const wasmBytes = widenedWasm(LuaWasmModule.defaultWasmPath());
    const mod = await load({ limits: { maxFuel: PROBE_FUEL }, profile: 'redis-7.2', ...(wasmBytes === undefined ? {} : { wasmBytes }) });
    const noHost = (): ReplyValue => ({ err: Buffer.from('ERR redis.call is not available here', 'latin1') });
    const engine = mod.create({ redisCall: noHost, redisPcall: noHost, log: () => {} }) as unknown as EngineInternals;
    const fuelAt = locateFuel(engine);
    if (fuelAt === -1) return null;
    const main = new MainLua(engine, fuelAt);
    // redis.call goes straight from the engine's memory to the command and back: the package's
    // own handler builds a Buffer per argument and per reply part.
    const handlers = (mod as unknown as ModuleInternals).handlers;
    const generic = handlers.call;
    handlers.call = handlers.pcall = function (this: unknown, retPtr: number, ptr: number, len: number): unknown {
      // eslint-disable-next-line prefer-rest-params -- no array per call on this path
      return arguments.length === 3 ? main.hostCall(retPtr, ptr, len) : generic(...(Array.from(arguments) as number[]));
    } as ModuleInternals['handlers']['call'];
    return main;
  }

  /** host_redis_call (sret ABI): decode the arguments at ptr, run them, write the reply's address at retPtr. */
  hostCall(retPtr: number, ptr: number, len: number): void {
    const ex = this.engine.exports;
    if (this.heap.buffer !== ex.HEAPU8.buffer) this.heap = Buffer.from(ex.HEAPU8.buffer);
    const heap = this.heap;
    const count = heap.readUInt32LE(ptr);
    const args: string[] = [];
    let off = ptr + 4;
    const end = ptr + len;
    for (let i = 0; i < count && off + 4 <= end; i++) {
      const n = heap.readUInt32LE(off);
      off += 4;
      args.push(n === 0 ? '' : n <= SHORT_LATIN1_MAX ? shortLatin1(heap, off, n) : heap.latin1Slice(off, off + n));
      off += n;
    }
    const reply = this.call === null ? '-ERR redis.call is not available here\r\n' : this.call(args);
    let out: number;
    let size: number;
    if (reply.length <= SMALL_REPLY) {
      // Encoded straight into engine memory, in a block sized by the bound (the engine frees it).
      out = ex._alloc(wireBound(reply.length));
      size = respToWire(reply, heap, out) - out;
    } else {
      size = respToWire(reply, this.scratchFor(wireBound(reply.length)), 0);
      out = ex._alloc(size);
      this.scratch.copy(this.heap, out, 0, size);
    }
    heap.writeUInt32LE(out, retPtr);
    heap.writeUInt32LE(size, retPtr + 4);
  }

  private scratchFor(size: number): Buffer {
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(size);
    return this.scratch;
  }

  /**
   * Writes the result run() kept (KEPT_RESULT) to `w` as RESP and frees it. Plain shapes are
   * written straight from engine memory; others are decoded by the package (result.ts writes
   * them). Returns true when the reply was an error.
   */
  writeResult(w: ReplyWriter, write: (v: ReplyValue) => boolean): boolean {
    const { resultPtr: ptr, resultLen: len } = this;
    this.resultPtr = 0;
    if (writeSimpleResult(this.heap, ptr, len, w)) {
      this.engine.exports._free_mem(ptr);
      return false;
    }
    return write(this.engine.decodeResult({ ptr, len }, ''));
  }

  /** Frees the result run() kept, unwritten (the run moves to the worker). */
  dropResult(): void {
    if (this.resultPtr !== 0) this.engine.exports._free_mem(this.resultPtr);
    this.resultPtr = 0;
  }

  /** Instructions the next evals may run before the engine raises its fuel error. */
  setBudget(instructions: number): void {
    // Each eval starts from this limit (setFuel only changes the running count): set on change.
    if (instructions === this.budget) return;
    this.budget = instructions;
    this.engine.exports._set_limits(instructions, 0, 0);
  }
  private budget = -1;

  /** Rewrites the running eval's remaining fuel (0: stop at the next hook). */
  setFuel(instructions: number): void {
    // Two halves: no BigInt on this path.
    this.heap.writeUInt32LE(instructions % 0x100000000, this.fuelAt);
    this.heap.writeUInt32LE(Math.floor(instructions / 0x100000000), this.fuelAt + 4);
  }

  /**
   * Runs `body` with KEYS/ARGV (the engine's encoding: count, then length-prefixed items).
   * Throws if the WebAssembly module aborts (out of memory): the instance is then unusable.
   */
  run(sha: string, body: Buffer, argv: readonly string[], from: number, numkeys: number, call: MainCall): ReplyValue | typeof KEPT_RESULT {
    const ex = this.engine.exports;
    let size = 4;
    for (let i = from; i < argv.length; i++) size += 4 + argv[i]!.length;
    const need = body.length + size;
    if (this.input.size < need) {
      if (this.input.ptr !== 0) ex._free_mem(this.input.ptr);
      const grown = Math.max(need, 4096);
      this.input = { ptr: ex._alloc(grown), size: grown };
      this.inputBody = null;
    }
    const scriptPtr = this.input.ptr;
    const argsPtr = scriptPtr + body.length;
    this.call = call;
    try {
      const heap = this.heap;
      // The same script again (the usual EVALSHA loop) is still in place from the last run.
      if (this.inputBody !== body) {
        body.copy(heap, scriptPtr);
        this.inputBody = body;
      }
      heap.writeUInt32LE(argv.length - from, argsPtr);
      let off = argsPtr + 4;
      for (let i = from; i < argv.length; i++) {
        const a = argv[i]!;
        const n = a.length;
        heap.writeUInt32LE(n, off);
        off += 4;
        if (n <= 16) for (let j = 0; j < n; j++) heap[off + j] = a.charCodeAt(j);
        else heap.latin1Write(a, off, n);
        off += n;
      }
      if (ex._eval_with_args.length < 6) return this.engine.decodeResult(this.engine.callEvalWithArgs(scriptPtr, body.length, argsPtr, size, numkeys), sha);
      // The sret ABI: the engine writes the result's ptr and len at resultAt.
      ex._eval_with_args(this.resultAt, scriptPtr, body.length, argsPtr, size, numkeys);
      const ptr = this.heap.readUInt32LE(this.resultAt);
      const len = this.heap.readUInt32LE(this.resultAt + 4);
      const tag = len >= 5 ? this.heap[ptr]! : -1;
      if (tag !== Wire.Error && tag !== Wire.ScriptError && tag !== -1) {
        // Not an error (so not the end of a run that must move): left in engine memory for
        // writeResult / dropResult, which write it as RESP without decoding it into objects.
        this.resultPtr = ptr;
        this.resultLen = len;
        return KEPT_RESULT;
      }
      return this.engine.decodeResult({ ptr, len }, sha);
    } finally {
      this.call = null;
    }
  }
}

/**
 * The address of the engine's remaining-fuel counter (an int64 in its data section, next to
 * the limit): after loading with PROBE_FUEL both hold it; a short loop lowers only the counter.
 */
function locateFuel(engine: EngineInternals): number {
  const heap = engine.exports.HEAPU8;
  const view = new DataView(heap.buffer);
  const end = Math.min(heap.length, 8 << 20) - 8;
  const hits: number[] = [];
  for (let at = 0; at <= end; at += 8) {
    if (view.getUint32(at, true) === PROBE_FUEL && view.getUint32(at + 4, true) === 0) hits.push(at);
  }
  if (hits.length === 0 || hits.length > 8) return -1;
  engine.eval('for i = 1, 20000 do end');
  const moved = hits.filter((at) => {
    const v = view.getBigInt64(at, true);
    return v < BigInt(PROBE_FUEL) && v > BigInt(PROBE_FUEL - 1_000_000);
  });
  return moved.length === 1 ? moved[0]! : -1;
}
