/**
 * Reads configuration the way redis-server does:
 * - main() turns the command line into config text: `--name` starts a line, each value is
 *   appended sdscatrepr-quoted (so errors echo `port "abc"`), and a `--name` with no value
 *   yet takes the next argument as its value even when it starts with "--";
 * - loadServerConfig() concatenates the file, stdin ("-") and "\n" + those options;
 * - loadServerConfigFromString() applies it line by line (sdssplitargs quoting, comments,
 *   `include`), stopping at the first error with the "*** FATAL CONFIG FILE ERROR ***" block.
 */
import { readFileSync, readdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../util/split-args.js';
import { Config, ConfigError } from './config.js';
import { CONFIG_BAD_DIRECTIVE, CONFIG_NOT_OCTAL, CONFIG_WRONG_ARGS } from '../errors.js';
import type { ConfigDefinition } from './definitions.js';
import { REDIS_COMPAT_VERSION } from '../version.js';

export interface ConfigLine {
  readonly args: readonly string[];
  readonly text: string;
  /** 1-based line number within the text it came from (0: not from a file). */
  readonly lineNo: number;
}

/** A fatal configuration error: `message` is exactly what redis-server prints to stderr. */
export class FatalConfigError extends Error {
  constructor(
    readonly lineNo: number | null,
    readonly text: string,
    readonly reason: string,
  ) {
    super(
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\n` +
        (lineNo !== null ? `Reading the configuration file, at line ${lineNo}\n>>> '${text}'\n` : '') +
        reason,
    );
  }
}

/** A config file that cannot be read: Redis logs this (not the FATAL block) and exits 1. */
export class ConfigFileError extends Error {}

/** Directives taking several values on one line (MULTI_ARG_CONFIG in config.c). */
const MULTI_ARG = new Set([
  'save',
  'bind',
  'client-output-buffer-limit',
  'oom-score-adj-values',
  'latency-tracking-info-percentiles',
  'shutdown-on-sigint',
  'shutdown-on-sigterm',
  'replicaof',
]);

/** Directives Redis still accepts (and ignores) with this many words, as deprecated_configs. */
const DEPRECATED: Record<string, [number, number]> = {
  'list-max-ziplist-entries': [2, 2],
  'list-max-ziplist-value': [2, 2],
  'lua-replicate-commands': [2, 2],
};

/** Directives whose value Redis parses as octal (OCTAL_CONFIG). */
const OCTAL = new Set(['unixsocketperm']);

const MAX_INCLUDE_DEPTH = 16;

/** Splits config text into directive lines, expanding `include` files in place. */
export function parseConfigText(text: string, readFile: (path: string) => string = readText, depth = 0): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const args = splitArgs(trimmed);
    if (args === null) throw new FatalConfigError(i + 1, trimmed, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    if (args[0]!.toLowerCase() === 'include' && args.length === 2) {
      if (depth >= MAX_INCLUDE_DEPTH) throw new FatalConfigError(i + 1, trimmed, 'Too many nested includes');
      for (const file of expandInclude(args[1]!)) {
        let included: string;
        try {
          included = readFile(file);
        } catch (e) {
          throw new ConfigFileError(`Fatal error, can't open config file '${file}': ${describeFsError(e)}`);
        }
        out.push(...parseConfigText(included, readFile, depth + 1));
      }
      continue;
    }
    out.push({ args, text: trimmed, lineNo: i + 1 });
  }
  return out;
}

/**
 * `include` with a wildcard (*, ?, [) in the file name includes every match in sorted
 * order and nothing when none match, as Redis's glob(); without one, the file must exist.
 */
function expandInclude(pattern: string): string[] {
  const base = path.basename(pattern);
  if (!/[*?[]/.test(base)) return [pattern];
  const dir = path.dirname(pattern);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = globToRegExp(base);
  return names
    .filter((n) => re.test(n) && !n.startsWith('.'))
    .sort()
    .map((n) => path.join(dir, n));
}

function globToRegExp(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) src += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        src += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else src += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

function readText(file: string): string {
  return readFileSync(file, 'latin1');
}

/** strerror-like text for a file error (Node's codes to libc's messages). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    default:
      return (e as Error).message;
  }
}

/** Applies parsed lines to a config; throws FatalConfigError on the first bad one. */
export function applyConfigLines(config: Config, lines: readonly ConfigLine[]): void {
  let saveSeen = false;
  for (const line of lines) {
    const name = line.args[0]!.toLowerCase();
    const def = config.resolve(name);
    const argc = line.args.length;
    if (def === undefined) {
      const deprecated = DEPRECATED[name];
      if (deprecated !== undefined && argc >= deprecated[0] && argc <= deprecated[1]) continue;
      throw new FatalConfigError(line.lineNo, line.text, CONFIG_BAD_DIRECTIVE);
    }
    const multi = MULTI_ARG.has(def.name);
    if (!multi && argc !== 2) throw new FatalConfigError(line.lineNo, line.text, CONFIG_WRONG_ARGS);
    let values = line.args.slice(1);
    if (multi && values.length === 1 && values[0] !== '') {
      // `--save "900 1 300 10"`: one argument holding several values.
      const split = splitArgs(values[0]!);
      if (split !== null) values = split;
    }
    try {
      applyOne(config, def, values, saveSeen);
    } catch (e) {
      if (e instanceof ConfigError) throw new FatalConfigError(line.lineNo, line.text, e.message);
      throw e;
    }
    if (def.name === 'save') saveSeen = true;
  }
}

function applyOne(config: Config, def: ConfigDefinition, values: string[], saveSeen: boolean): void {
  if (OCTAL.has(def.name)) {
    if (!/^[0-7]+$/.test(values[0]!)) throw new ConfigError(CONFIG_NOT_OCTAL);
    values = [String(parseInt(values[0]!, 8))];
  }
  if (def.name === 'save') {
    // Successive "save" lines accumulate; the first one replaces the default.
    const canonical = config.normalize(def, values);
    const merged = saveSeen && canonical !== '' ? `${config.get('save')} ${canonical}`.trim() : canonical;
    config.apply(def, merged);
    return;
  }
  config.apply(def, config.normalize(def, values));
}

export interface CommandLine {
  configFile: string | null;
  /** True when "-" is the first or last argument: config text is read from stdin too. */
  stdin: boolean;
  /** The `--name value...` options as config text, appended after the file as redis-server does. */
  optionsText: string;
  version: boolean;
  help: boolean;
}

/** Parses `nodis [config-file] [--directive value ...] [-]` exactly as redis-server's main(). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const result: CommandLine = { configFile: null, stdin: false, optionsText: '', version: false, help: false };
  if (argv.length === 0) return result;
  const first = argv[0]!;
  if (first === '-v' || first === '--version') return { ...result, version: true };
  if (first === '-h' || first === '--help') return { ...result, help: true };
  let j = 0;
  if (!first.startsWith('-')) {
    result.configFile = first;
    j = 1;
  }
  let options = '';
  let lastOptionHasValue = true;
  for (; j < argv.length; j++) {
    const arg = argv[j]!;
    if (arg === '-' && (j === 0 || j === argv.length - 1)) {
      result.stdin = true;
    } else if (lastOptionHasValue && arg.startsWith('--')) {
      if (options !== '') options += '\n';
      options += `${arg.slice(2)} `;
      const words = splitArgs(arg);
      if (words !== null && words.length === 1) {
        lastOptionHasValue = false;
        const next = argv[j + 1];
        const isSave = arg.toLowerCase() === '--save';
        if (isSave && next !== undefined && next.startsWith('--')) {
          // `--save --port 1` means save "" (pre-7.0 compatibility).
          options += '""';
          lastOptionHasValue = true;
        } else if (isSave && next === undefined) {
          options += '""';
        }
      } else {
        // "--port 6380" in one argument carries its own value.
        lastOptionHasValue = true;
      }
    } else {
      options += `${quoteArg(arg)} `;
      lastOptionHasValue = true;
    }
  }
  result.optionsText = options;
  return result;
}

/** sdscatrepr: always double-quoted, with C escapes for anything not printable. */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Builds a Config from a command line as loadServerConfig does: file, then stdin, then
 * "\n" + options. Throws ConfigFileError (unreadable file) or FatalConfigError.
 */
export function loadConfig(
  cli: CommandLine,
  readFile: (path: string) => string = readText,
  readStdin: () => string = () => readFileSync(0, 'latin1'),
): Config {
  const config = new Config();
  let text = '';
  if (cli.configFile !== null) {
    try {
      text = readFile(cli.configFile);
    } catch (e) {
      throw new ConfigFileError(`Fatal error, can't open config file '${cli.configFile}': ${describeFsError(e)}`);
    }
    config.configFile = path.resolve(cli.configFile);
  }
  if (cli.stdin) text += readStdin();
  text += `\n${cli.optionsText}`;
  applyConfigLines(config, parseConfigText(text, readFile));
  checkLogFile(config.get('logfile'));
  return config;
}

/** Redis opens the log file once after loading, to fail at startup rather than later. */
function checkLogFile(file: string): void {
  if (file === '') return;
  try {
    closeSync(openSync(file, 'a'));
  } catch (e) {
    throw new FatalConfigError(null, '', `Can't open the log file: ${describeFsError(e)}`);
  }
}
