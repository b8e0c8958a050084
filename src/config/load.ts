/**
 * Reads configuration the way redis-server does (config.c: loadServerConfigFromString):
 * redis.conf syntax (sdssplitargs quoting, comments, `include`), then command-line
 * `--directive value` pairs appended after the file. Errors carry Redis's fatal message.
 */
import { readFileSync } from 'node:fs';
import { splitArgs } from '../util/split-args.js';
import { Config, ConfigError } from './config.js';
import { REDIS_COMPAT_VERSION } from '../version.js';

export interface ConfigLine {
  readonly args: readonly string[];
  readonly text: string;
  readonly lineNo: number;
}

export class FatalConfigError extends Error {
  constructor(
    readonly lineNo: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(
      `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\n` +
        `Reading the configuration file, at line ${lineNo}\n>>> '${text}'\n${reason}`,
    );
  }
}

/** Directives whose value is the rest of the line (several words), as MULTI_ARG_CONFIG in Redis. */
const MULTI_ARG = new Set(['save', 'bind', 'client-output-buffer-limit', 'oom-score-adj-values', 'latency-tracking-info-percentiles', 'shutdown-on-sigint', 'shutdown-on-sigterm', 'replicaof', 'slaveof']);

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
    if (args[0]!.toLowerCase() === 'include') {
      if (args.length !== 2) throw new FatalConfigError(i + 1, trimmed, 'Bad directive or wrong number of arguments');
      if (depth > 16) throw new FatalConfigError(i + 1, trimmed, 'Too many nested includes');
      let included: string;
      try {
        included = readFile(args[1]!);
      } catch (e) {
        throw new FatalConfigError(i + 1, trimmed, `Fatal error, can't open config file '${args[1]!}': ${(e as Error).message}`);
      }
      out.push(...parseConfigText(included, readFile, depth + 1));
      continue;
    }
    out.push({ args, text: trimmed, lineNo: i + 1 });
  }
  return out;
}

function readText(path: string): string {
  return path === '-' ? readFileSync(0, 'latin1') : readFileSync(path, 'latin1');
}

/** Applies parsed lines to a config; throws FatalConfigError on the first bad one. */
export function applyConfigLines(config: Config, lines: readonly ConfigLine[]): void {
  let saveSeen = false;
  for (const line of lines) {
    const name = line.args[0]!.toLowerCase();
    const def = config.resolve(name);
    const values = line.args.slice(1);
    if (def === undefined || values.length === 0 || (!MULTI_ARG.has(def.name) && values.length !== 1)) {
      throw new FatalConfigError(line.lineNo, line.text, 'Bad directive or wrong number of arguments');
    }
    try {
      if (def.name === 'save') {
        // Successive "save" lines accumulate; the first one replaces the default.
        const canonical = config.normalize(def, values);
        const merged = saveSeen && canonical !== '' ? `${config.get('save')} ${canonical}`.trim() : canonical;
        config.apply(def, merged);
        saveSeen = true;
      } else {
        config.apply(def, config.normalize(def, values));
      }
    } catch (e) {
      if (e instanceof ConfigError) throw new FatalConfigError(line.lineNo, line.text, e.message);
      throw e;
    }
  }
}

export interface CommandLine {
  configFile: string | null;
  /** The `--name value...` options as config text, appended after the file as redis-server does. */
  optionsText: string;
  version: boolean;
  help: boolean;
}

/** Parses `nodis [config-file] [--directive value ...]` like redis-server's main(). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const result: CommandLine = { configFile: null, optionsText: '', version: false, help: false };
  let j = 0;
  if (argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version')) return { ...result, version: true };
  if (argv.length >= 1 && (argv[0] === '-h' || argv[0] === '--help')) return { ...result, help: true };
  if (argv[0] !== undefined && (!argv[0].startsWith('-') || argv[0] === '-')) {
    result.configFile = argv[0];
    j = 1;
  }
  const lines: string[][] = [];
  for (; j < argv.length; j++) {
    const arg = argv[j]!;
    if (arg.startsWith('--') && arg.length > 2) {
      lines.push([arg.slice(2)]);
      // "--save" followed by another option means save "".
      if (arg === '--save' && (argv[j + 1] === undefined || argv[j + 1]!.startsWith('--'))) lines[lines.length - 1]!.push('');
    } else {
      const current = lines[lines.length - 1];
      if (current === undefined) lines.push([arg]);
      else current.push(arg);
    }
  }
  result.optionsText = lines.map((words) => words.map(quoteArg).join(' ')).join('\n');
  return result;
}

/** sdscatrepr-style quoting, so any byte survives the round trip through splitArgs. */
export function quoteArg(s: string): string {
  if (s !== '' && /^[\x21-\x7e]+$/.test(s) && !/["'\\]/.test(s)) return s;
  let out = '"';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Builds a Config from a command line: file first, then options. Throws FatalConfigError. */
export function loadConfig(cli: CommandLine, readFile: (path: string) => string = readText): Config {
  const config = new Config();
  let text = '';
  if (cli.configFile !== null) {
    try {
      text = readFile(cli.configFile);
    } catch (e) {
      throw new Error(`Fatal error, can't open config file '${cli.configFile}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`);
    }
    config.configFile = cli.configFile;
  }
  if (cli.optionsText !== '') text += `\n${cli.optionsText}`;
  applyConfigLines(config, parseConfigText(text, readFile));
  return config;
}
