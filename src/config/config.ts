/**
 * The live configuration: canonical string values (what CONFIG GET prints) plus cached
 * numbers and booleans for the hot path. Validation and error texts follow config.c.
 */
import { CONFIG_DEFINITIONS, type ConfigDefinition } from './definitions.js';
import { parseMemory } from './memory.js';
import {
  CONFIG_BAD_DIRECTIVE,
  CONFIG_NOT_INTEGER,
  CONFIG_NOT_MEMORY,
  CONFIG_NOT_YES_NO,
  CONFIG_WRONG_ARGS,
  configNotOneOf,
  configOutOfBounds,
} from '../errors.js';

export class ConfigError extends Error {}

type Listener = (value: string) => void;

export class Config {
  private readonly values = new Map<string, string>();
  private readonly numbers = new Map<string, number>();
  private readonly byName = new Map<string, ConfigDefinition>();
  private readonly listeners = new Map<string, Listener[]>();
  /** The config file given at startup, for CONFIG REWRITE. */
  configFile: string | null = null;

  constructor() {
    for (const def of CONFIG_DEFINITIONS) {
      this.byName.set(def.name, def);
      for (const alias of def.aliases ?? []) this.byName.set(alias, def);
      this.store(def, def.defaultValue);
    }
  }

  /** Every definition, in table order (CONFIG GET iterates it). */
  get definitions(): readonly ConfigDefinition[] {
    return CONFIG_DEFINITIONS;
  }

  resolve(name: string): ConfigDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`unknown config ${name}`);
    return v;
  }

  /** Cached numeric value of an int, memory or bool (1/0) directive. */
  num(name: string): number {
    const v = this.numbers.get(name);
    if (v === undefined) throw new Error(`config ${name} is not numeric`);
    return v;
  }

  bool(name: string): boolean {
    return this.numbers.get(name) === 1;
  }

  /** Registers a callback run after the value changes (and once at registration? no: only on change). */
  onChange(name: string, listener: Listener): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener);
    this.listeners.set(name, list);
  }

  /**
   * Validates a value for a directive and returns its canonical form.
   * Throws ConfigError with config.c's message on invalid input.
   */
  normalize(def: ConfigDefinition, args: readonly string[]): string {
    const t = def.type;
    switch (t.kind) {
      case 'bool': {
        const v = (args[0] ?? '').toLowerCase();
        if (args.length !== 1 || (v !== 'yes' && v !== 'no')) throw new ConfigError(CONFIG_NOT_YES_NO);
        return v;
      }
      case 'int': {
        if (args.length !== 1) throw new ConfigError(CONFIG_WRONG_ARGS);
        const text = args[0]!;
        let v: number | null;
        if (t.memory) {
          v = parseMemory(text);
          if (v === null) throw new ConfigError(CONFIG_NOT_MEMORY);
        } else {
          v = /^-?\d+$/.test(text) ? Number(text) : null;
          if (v === null) throw new ConfigError(CONFIG_NOT_INTEGER);
        }
        if (v < t.min || v > t.max) throw new ConfigError(configOutOfBounds(bound(t.min), bound(t.max)));
        return String(v);
      }
      case 'enum': {
        const words = t.multi ? args.flatMap((a) => a.split(' ')).filter((w) => w !== '') : args;
        if (words.length === 0 || (!t.multi && words.length !== 1)) throw new ConfigError(CONFIG_WRONG_ARGS);
        for (const w of words) {
          if (!t.values.includes(w.toLowerCase())) {
            throw new ConfigError(configNotOneOf(t.values));
          }
        }
        return words.map((w) => w.toLowerCase()).join(' ');
      }
      case 'string':
        if (args.length !== 1) throw new ConfigError(CONFIG_WRONG_ARGS);
        return args[0]!;
      case 'special': {
        const r = t.parse(args);
        if (typeof r !== 'string') throw new ConfigError(r.error);
        return r;
      }
      default: {
        const never: never = t;
        return never;
      }
    }
  }

  /** Sets a canonical value without validation (validated by normalize) and notifies listeners. */
  apply(def: ConfigDefinition, canonical: string): void {
    const previous = this.values.get(def.name);
    this.store(def, canonical);
    if (previous !== canonical) for (const l of this.listeners.get(def.name) ?? []) l(canonical);
  }

  /** normalize + apply. Throws ConfigError. */
  set(name: string, args: readonly string[]): void {
    const def = this.resolve(name);
    if (def === undefined) throw new ConfigError(CONFIG_BAD_DIRECTIVE);
    this.apply(def, this.normalize(def, args));
  }

  private store(def: ConfigDefinition, canonical: string): void {
    this.values.set(def.name, canonical);
    if (def.type.kind === 'int') this.numbers.set(def.name, Number(canonical));
    else if (def.type.kind === 'bool') this.numbers.set(def.name, canonical === 'yes' ? 1 : 0);
  }
}

/** Bounds at the edge of JS's safe integers stand for C's LLONG_MIN/LLONG_MAX in messages. */
function bound(n: number): string {
  if (n >= Number.MAX_SAFE_INTEGER) return '9223372036854775807';
  if (n <= -Number.MAX_SAFE_INTEGER) return '-9223372036854775808';
  return String(n);
}
