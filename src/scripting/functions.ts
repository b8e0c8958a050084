/**
 * Function libraries (functions.c): FUNCTION LOAD parses the `#!lua name=` header, runs the
 * code in the Lua worker to collect redis.register_function calls, and only then commits
 * the library here and there (names checked against the other libraries first).
 */
import { ReplyError, LIB_METADATA_MISSING, LIB_METADATA_INVALID, LIB_NAME_TWICE, libMetadataValue, LIB_NAME_MISSING, LIB_NAME_INVALID, engineNotFound, libraryExists, registerFunctionsFailed, NO_FUNCTIONS_REGISTERED, functionExists } from '../errors.js';
import type { ScriptEngine } from './engine.js';
import { Msg } from './channel.js';

export interface FunctionInfo {
  name: string;
  library: string;
  description: string | null;
  flags: string[];
}

export interface Library {
  name: string;
  /** The full code as loaded, header included (FUNCTION LIST WITHCODE, DUMP). */
  code: string;
  functions: Map<string, FunctionInfo>;
}

const NAME = /^[A-Za-z0-9_]+$/;

/** functionExtractLibMetaData: engine, name, and the code for Lua (header blanked, newline kept). */
function parseHeader(code: string): { engine: string; name: string; luaCode: string } {
  if (!code.startsWith('#!')) throw LIB_METADATA_MISSING;
  const eol = code.indexOf('\n');
  if (eol === -1) throw LIB_METADATA_INVALID;
  const parts = code.slice(0, eol).split(/[ \t\r]+/).filter((p) => p !== '');
  if (parts.length === 0) throw LIB_METADATA_INVALID;
  const engine = parts[0]!.slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) throw LIB_NAME_TWICE;
      name = part.slice(5);
      continue;
    }
    throw libMetadataValue(part);
  }
  if (name === null) throw LIB_NAME_MISSING;
  return { engine, name, luaCode: code.slice(eol) };
}

export class FunctionLibraries {
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, FunctionInfo>();

  constructor(private readonly engine: ScriptEngine) {}

  /** functionsCreateWithLibraryCtx: returns the library name or throws Redis's error. */
  load(code: string, replace: boolean): string {
    const { engine, name, luaCode } = parseHeader(code);
    if (!NAME.test(name)) throw LIB_NAME_INVALID;
    if (engine.toUpperCase() !== 'LUA') throw engineNotFound(engine);
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) throw libraryExists(name);
    const reply = this.engine.exchange(Msg.LoadLibrary, [name, luaCode]);
    if (reply[0] !== 'R') {
      this.engine.exchange(Msg.CommitLibrary, [name, 'drop']);
      throw registerFunctionsFailed(reply[1]);
    }
    const lib: Library = { name, code, functions: new Map() };
    for (let i = 1; i + 2 < reply.length; i += 3) {
      const fname = reply[i]!;
      const flags = reply[i + 1] === '' ? [] : reply[i + 1]!.split(',');
      const desc = reply[i + 2]!;
      lib.functions.set(fname, { name: fname, library: name, flags, description: desc.startsWith('d') ? desc.slice(1) : null });
    }
    let failure: ReplyError | null = null;
    if (lib.functions.size === 0) failure = NO_FUNCTIONS_REGISTERED;
    for (const fname of lib.functions.keys()) {
      const existing = this.functions.get(fname);
      if (failure === null && existing !== undefined && existing.library !== name) failure = functionExists(fname);
    }
    if (failure !== null) {
      this.engine.exchange(Msg.CommitLibrary, [name, 'drop']);
      throw failure;
    }
    this.engine.exchange(Msg.CommitLibrary, [name, 'commit']);
    if (old !== undefined) for (const f of old.functions.keys()) this.functions.delete(f);
    this.libraries.set(name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name, f);
    this.engine.libraryCode.set(name, luaCode);
    return name;
  }

  delete(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    this.libraries.delete(name);
    for (const f of lib.functions.keys()) this.functions.delete(f);
    this.engine.libraryCode.delete(name);
    this.engine.exchangeIfRunning(Msg.DeleteLibrary, [name]);
    return true;
  }

  flush(): void {
    this.libraries.clear();
    this.functions.clear();
    this.engine.libraryCode.clear();
    this.engine.exchangeIfRunning(Msg.FlushLibraries, []);
  }
}
