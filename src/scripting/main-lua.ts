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
  private readonly resultAt: number;

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
    handlers.call = handlers.pcall = (...abi: number[]): unknown => (abi.length === 3 ? main.hostCall(abi[0]!, abi[1]!, abi[2]!) : generic(...abi));
    return main;
  }

  /** host_redis_call (sret ABI): decode the arguments at ptr, run them, write the reply's address at retPtr. */
  private hostCall(retPtr: number, ptr: number, len: number): void {
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
      args.push(heap.latin1Slice(off, off + n));
      off += n;
    }
    const reply = this.call === null ? '-ERR redis.call is not available here\r\n' : this.call(args);
    const size = respToWire(reply, this.scratchFor(reply.length * 4 + 64));
    const out = ex._alloc(size);
    this.scratch.copy(this.heap, out, 0, size);
    heap.writeUInt32LE(out, retPtr);
    heap.writeUInt32LE(size, retPtr + 4);
  }

  private scratchFor(size: number): Buffer {
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafe(size);
    return this.scratch;
  }

  /** Instructions the next evals may run before the engine raises its fuel error. */
  setBudget(instructions: number): void {
    this.engine.exports._set_limits(instructions, 0, 0);
  }

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
  run(sha: string, body: Buffer, argv: readonly string[], from: number, numkeys: number, call: MainCall): ReplyValue {
    const ex = this.engine.exports;
    let size = 4;
    for (let i = from; i < argv.length; i++) size += 4 + argv[i]!.length;
    const need = body.length + size;
    if (this.input.size < need) {
      if (this.input.ptr !== 0) ex._free_mem(this.input.ptr);
      const grown = Math.max(need, 4096);
      this.input = { ptr: ex._alloc(grown), size: grown };
    }
    const scriptPtr = this.input.ptr;
    const argsPtr = scriptPtr + body.length;
    this.call = call;
    try {
      const heap = this.heap;
      body.copy(heap, scriptPtr);
      heap.writeUInt32LE(argv.length - from, argsPtr);
      let off = argsPtr + 4;
      for (let i = from; i < argv.length; i++) {
        const a = argv[i]!;
        heap.writeUInt32LE(a.length, off);
        heap.latin1Write(a, off + 4, a.length);
        off += 4 + a.length;
      }
      if (ex._eval_with_args.length < 6) return this.engine.decodeResult(this.engine.callEvalWithArgs(scriptPtr, body.length, argsPtr, size, numkeys), sha);
      // The sret ABI: the engine writes the result's ptr and len at resultAt.
      ex._eval_with_args(this.resultAt, scriptPtr, body.length, argsPtr, size, numkeys);
      const result = { ptr: this.heap.readUInt32LE(this.resultAt), len: this.heap.readUInt32LE(this.resultAt + 4) };
      return this.engine.decodeResult(result, sha);
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

/** The engine's reply encoding (lua-redis-wasm codec): a tag byte, a u32 length or count, the payload. */
const enum Wire {
  Null = 0x00,
  Int = 0x01,
  Bulk = 0x02,
  Array = 0x03,
  Status = 0x04,
  Error = 0x05,
  Bool = 0x07,
  Double = 0x08,
  Map = 0x09,
  Set = 0x0a,
  BigNumber = 0x0b,
  Verbatim = 0x0c,
}

/** Re-encodes a raw RESP reply (all of it) into `out`; returns the bytes written. */
function respToWire(resp: string, out: Buffer): number {
  let pos = 0;
  let w = 0;
  const head = (tag: Wire, n: number): void => {
    out[w] = tag;
    out.writeUInt32LE(n, w + 1);
    w += 5;
  };
  const line = (): string => {
    const end = resp.indexOf('\r', pos);
    const s = resp.slice(pos + 1, end);
    pos = end + 2;
    return s;
  };
  const bytes = (tag: Wire, s: string): void => {
    head(tag, s.length);
    w += out.latin1Write(s, w, s.length);
  };
  const one = (): void => {
    const type = resp.charCodeAt(pos);
    const text = line();
    switch (type) {
      case 43 /* + */:
        return bytes(Wire.Status, text);
      case 45 /* - */:
        return bytes(Wire.Error, text);
      case 58 /* : */:
        head(Wire.Int, 8);
        out.writeBigInt64LE(BigInt(text), w);
        w += 8;
        return;
      case 36 /* $ */: {
        const n = Number(text);
        if (n < 0) return head(Wire.Null, 0);
        bytes(Wire.Bulk, resp.slice(pos, pos + n));
        pos += n + 2;
        return;
      }
      case 61 /* = */: {
        const n = Number(text);
        head(Wire.Verbatim, n + 3);
        out.writeUInt32LE(3, w);
        w += 4;
        w += out.latin1Write(resp.slice(pos, pos + 3), w, 3);
        w += out.latin1Write(resp.slice(pos + 4, pos + n), w, n - 4);
        pos += n + 2;
        return;
      }
      case 42 /* * */:
      case 62 /* > */:
      case 126 /* ~ */: {
        const n = Number(text);
        if (n < 0) return head(Wire.Null, 0);
        head(type === 126 ? Wire.Set : Wire.Array, n);
        for (let i = 0; i < n; i++) one();
        return;
      }
      case 37 /* % */: {
        const n = Number(text);
        head(Wire.Map, n);
        for (let i = 0; i < 2 * n; i++) one();
        return;
      }
      case 95 /* _ */:
        return head(Wire.Null, 0);
      case 35 /* # */:
        head(Wire.Bool, 1);
        out[w++] = text === 't' ? 1 : 0;
        return;
      case 44 /* , */:
        head(Wire.Double, 8);
        out.writeDoubleLE(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text), w);
        w += 8;
        return;
      case 40 /* ( */:
        return bytes(Wire.BigNumber, text);
      default:
        return bytes(Wire.Error, 'ERR unexpected reply from command');
    }
  };
  one();
  return w;
}
