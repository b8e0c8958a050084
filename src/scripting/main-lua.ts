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

/** The host side of a run: redis.call / redis.pcall. */
export type MainCall = (args: Buffer[], raise: boolean) => ReplyValue;

const PROBE_FUEL = 987_654_321;
/** The same ceiling as the worker's: ~2^32 instructions, then the script fails. */
export const FUEL_CAP = 0xffffffff;

export class MainLua {
  private constructor(
    private readonly engine: EngineInternals,
    private readonly fuelAt: number,
    private readonly hooks: { call: MainCall | null },
  ) {}

  /** Loads an instance, or returns null when the fuel counter cannot be located. */
  static async create(): Promise<MainLua | null> {
    const wasmBytes = widenedWasm(LuaWasmModule.defaultWasmPath());
    const mod = await load({ limits: { maxFuel: PROBE_FUEL }, profile: 'redis-7.2', ...(wasmBytes === undefined ? {} : { wasmBytes }) });
    const hooks: { call: MainCall | null } = { call: null };
    const noHost = (): ReplyValue => ({ err: Buffer.from('ERR redis.call is not available here', 'latin1') });
    const engine = mod.create({
      redisCall: (args) => (hooks.call === null ? noHost() : hooks.call(args, true)),
      redisPcall: (args) => (hooks.call === null ? noHost() : hooks.call(args, false)),
      log: () => {},
    }) as unknown as EngineInternals;
    const fuelAt = locateFuel(engine);
    if (fuelAt === -1) return null;
    return new MainLua(engine, fuelAt, hooks);
  }

  /** Instructions the next evals may run before the engine raises its fuel error. */
  setBudget(instructions: number): void {
    this.engine.exports._set_limits(instructions, 0, 0);
  }

  /** Rewrites the running eval's remaining fuel (0: stop at the next hook). */
  setFuel(instructions: number): void {
    new DataView(this.engine.exports.HEAPU8.buffer).setBigInt64(this.fuelAt, BigInt(instructions), true);
  }

  /**
   * Runs `body` with KEYS/ARGV (the engine's encoding: count, then length-prefixed items).
   * Throws if the WebAssembly module aborts (out of memory): the instance is then unusable.
   */
  run(sha: string, body: Buffer, items: readonly Buffer[], numkeys: number, call: MainCall): ReplyValue {
    const ex = this.engine.exports;
    let size = 4;
    for (const it of items) size += 4 + it.length;
    const scriptPtr = ex._alloc(body.length);
    const argsPtr = ex._alloc(size);
    this.hooks.call = call;
    try {
      const heap = ex.HEAPU8;
      heap.set(body, scriptPtr);
      const view = new DataView(heap.buffer);
      view.setUint32(argsPtr, items.length, true);
      let off = argsPtr + 4;
      for (const it of items) {
        view.setUint32(off, it.length, true);
        heap.set(it, off + 4);
        off += 4 + it.length;
      }
      const result = this.engine.callEvalWithArgs(scriptPtr, body.length, argsPtr, size, numkeys);
      return this.engine.decodeResult(result, sha);
    } finally {
      this.hooks.call = null;
      ex._free_mem(scriptPtr);
      ex._free_mem(argsPtr);
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
