/**
 * Per-server scripting state: the EVAL script cache (sha → body and shebang flags), the
 * function libraries, and the engine that runs both. Created on first use.
 */
import { createHash } from 'node:crypto';
import type { Server } from '../server.js';
import { ScriptEngine } from './engine.js';
import { FunctionLibraries } from './functions.js';
import { SHEBANG_INVALID, SHEBANG_ENGINE_INVALID, shebangEngine, shebangOption, shebangFlag, NOSCRIPT } from '../errors.js';

export interface CachedScript {
  /** The body given to Lua: the shebang line blanked, its newline kept (line numbers). */
  luaBody: string;
  flags: ReadonlySet<string>;
  /** A `#!lua` script (not compat mode): the flags say what it may do. */
  shebang: boolean;
  /**
   * Where it runs (engine.ts, main-lua.ts): on the worker until one run there finishes within
   * PROMOTE_MS, then on the server thread ('main'); 'worker' for good once it was slow or
   * fast-path.ts refused it.
   */
  place?: 'main' | 'worker';
  /** luaBody as bytes, for the server-thread engine. */
  bytes?: Buffer;
  /** luaBody has no newline (SCRIPT KILL's reply then names line 1), computed on first run. */
  oneLine?: boolean;
  /** The batch wrapper's bytes (fast-path.ts batchWrapper), null if the script can't be batched. */
  batchBytes?: Buffer | null;
}

export const SCRIPT_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export class Scripting {
  readonly engine: ScriptEngine;
  readonly scripts = new Map<string, CachedScript>();
  readonly libraries: FunctionLibraries;

  constructor(server: Server) {
    this.engine = new ScriptEngine(server);
    this.libraries = new FunctionLibraries(this.engine);
    this.engine.loadMain();
  }
}

const instances = new WeakMap<Server, Scripting>();

export function scripting(server: Server): Scripting {
  let s = instances.get(server);
  if (s === undefined) {
    s = new Scripting(server);
    instances.set(server, s);
  }
  return s;
}

/** The code of every function library, for RDB files and AOF bases. */
export function libraryCodes(server: Server): string[] {
  const s = instances.get(server);
  return s === undefined ? [] : [...s.libraries.libraries.values()].map((lib) => lib.code);
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
}

/**
 * evalExtractShebangFlags: "#!lua flags=a,b" on the first line. Returns the flags and the
 * body for Lua (the shebang removed, its newline kept), or throws Redis's errors.
 */
export function parseShebang(body: string): CachedScript {
  if (!body.startsWith('#!')) return { luaBody: body, flags: new Set(), shebang: false };
  const eol = body.indexOf('\n');
  if (eol === -1) throw SHEBANG_INVALID;
  const parts = body.slice(0, eol).split(' ').filter((p) => p !== '');
  if (parts.length === 0 || !parts[0]!.startsWith('#!')) throw SHEBANG_ENGINE_INVALID;
  if (parts[0] !== '#!lua') throw shebangEngine(parts[0]!);
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) throw shebangOption(part);
    for (const f of part.slice(6).split(',')) {
      if (f === '') continue;
      if (!SCRIPT_FLAGS.has(f)) throw shebangFlag(f);
      flags.add(f);
    }
  }
  return { luaBody: body.slice(eol), flags, shebang: true };
}

export { NOSCRIPT };

/** What INFO memory reports about scripts and functions (Redis's used_memory_vm_* fields). */
export interface ScriptingMemory {
  cachedScripts: number;
  functions: number;
  libraries: number;
  /** Lua heap of the EVAL engine: Redis's empty VM (32 KB) plus the compiled bodies, estimated by their size. */
  vmEval: number;
  /** The script cache itself: bodies, SHA keys and per-entry overhead. */
  scriptsEval: number;
  /** Lua heap of the functions engine: Redis's empty VM (33 KB) plus the library code. */
  vmFunctions: number;
  /** Library and function bookkeeping (Redis's functionsMemoryOverhead starts at 200). */
  functionsOverhead: number;
}

/** Estimates (the engines run in WebAssembly, whose heap is not split per script); counts are exact. */
export function scriptingMemory(server: Server): ScriptingMemory {
  const s = instances.get(server);
  const scripts = s === undefined ? [] : [...s.scripts.values()];
  const libraries = s === undefined ? [] : [...s.libraries.libraries.values()];
  const bodies = scripts.reduce((n, script) => n + script.luaBody.length, 0);
  const code = libraries.reduce((n, lib) => n + lib.code.length, 0);
  const functions = s === undefined ? 0 : s.libraries.functions.size;
  return {
    cachedScripts: scripts.length,
    functions,
    libraries: libraries.length,
    vmEval: 32768 + bodies,
    scriptsEval: scripts.reduce((n, script) => n + script.luaBody.length + 40 + 96, 0),
    vmFunctions: 33792 + code,
    functionsOverhead: 200 + libraries.reduce((n, lib) => n + lib.code.length + 64, 0) + functions * 96,
  };
}
