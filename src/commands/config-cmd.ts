/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP (config.c configGetCommand, configSetCommand). */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  SYNTAX,
  CONFIG_DUPLICATE,
  CONFIG_IMMUTABLE,
  CONFIG_PROTECTED,
  NO_CONFIG_FILE,
  configRewriteFailed,
  configSetFailed,
  unknownConfigOption,
} from '../errors.js';
import { ConfigError } from '../config/config.js';
import type { ConfigDefinition } from '../config/definitions.js';
import { globMatch } from '../util/glob.js';
import { rewriteConfigFile } from '../config/rewrite.js';
import { allowProtectedAction } from './server-cmd.js';
import { replyHelp } from './help.js';

/** Displayed value: unixsocketperm is octal, as Redis prints it. */
function displayValue(c: Client, def: ConfigDefinition): string {
  const v = c.server.config.get(def.name);
  return def.name === 'unixsocketperm' ? Number(v).toString(8) : v;
}

/**
 * CONFIG GET parameter [parameter ...]: exact names (or aliases) as given, or glob patterns
 * matched against every name and alias; each name appears once (configGetCommand).
 */
function configGet(c: Client, argv: string[]): void {
  const config = c.server.config;
  const matches = new Map<string, ConfigDefinition>();
  for (let i = 2; i < argv.length; i++) {
    const pattern = argv[i]!;
    if (!/[[*?]/.test(pattern)) {
      const def = config.resolve(pattern);
      if (def !== undefined && !matches.has(pattern)) matches.set(pattern, def);
      continue;
    }
    for (const def of config.definitions) {
      for (const name of [def.name, ...(def.aliases ?? [])]) {
        if (!matches.has(name) && globMatch(pattern, name, true)) matches.set(name, def);
      }
    }
  }
  c.w.mapHeader(matches.size);
  for (const [name, def] of matches) {
    c.w.bulk(name);
    c.w.bulk(displayValue(c, def));
  }
}

/** CONFIG SET parameter value [parameter value ...]: all or nothing. */
function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 === 1) throw SYNTAX;
  const config = c.server.config;
  const defs: ConfigDefinition[] = [];
  const values: string[] = [];
  let unknown: string | null = null;
  let failure: [string, string] | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const def = config.resolve(argv[i]!);
    if (def === undefined) {
      unknown ??= argv[i]!;
      continue;
    }
    if (unknown !== null || failure !== null) continue;
    if (def.immutable) failure = [argv[i]!, CONFIG_IMMUTABLE];
    else if (def.protectedConfig === true && !allowProtectedAction(config.get('enable-protected-configs'), c)) failure = [argv[i]!, CONFIG_PROTECTED];
    else if (defs.includes(def)) failure = [argv[i]!, CONFIG_DUPLICATE];
    defs.push(def);
    values.push(argv[i + 1]!);
  }
  if (unknown !== null) throw unknownConfigOption(unknown);
  if (failure !== null) throw configSetFailed(failure[0], failure[1]);
  const canonical: string[] = [];
  for (let i = 0; i < defs.length; i++) {
    try {
      canonical.push(config.normalize(defs[i]!, [values[i]!]));
    } catch (e) {
      if (e instanceof ConfigError) throw configSetFailed(defs[i]!.name, e.message);
      throw e;
    }
  }
  const previous = defs.map((d) => config.get(d.name));
  try {
    for (let i = 0; i < defs.length; i++) config.apply(defs[i]!, canonical[i]!);
  } catch (e) {
    for (let i = 0; i < defs.length; i++) config.apply(defs[i]!, previous[i]!);
    throw configSetFailed(defs[0]!.name, (e as Error).message);
  }
  c.w.ok();
}


function configResetstat(c: Client): void {
  const server = c.server;
  server.stats.reset();
  for (const cmd of server.commands.all.values()) {
    cmd.stats.calls = 0;
    cmd.stats.usec = 0;
    cmd.stats.failedCalls = 0;
    cmd.stats.rejectedCalls = 0;
  }
  server.slowlog.reset();
  server.latency.reset([]);
  c.w.ok();
}

function configRewrite(c: Client): void {
  const file = c.server.config.configFile;
  if (file === null) throw NO_CONFIG_FILE;
  try {
    rewriteConfigFile(c.server.config, file);
  } catch (e) {
    c.server.log.warning(`CONFIG REWRITE failed: ${(e as Error).message}`);
    throw configRewriteFailed((e as Error).message);
  }
  c.server.log.notice('CONFIG REWRITE executed with success.');
  c.w.ok();
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    The values of the parameters matching the glob-like <pattern>.',
  'SET <directive> <value>',
  '    Changes a parameter at run time (several pairs are applied together or not at all).',
  'RESETSTAT',
  '    Resets the statistics that INFO reports.',
  'REWRITE',
  '    Writes the current configuration back into the config file.',
  'HELP',
  '    Print this help.',
];

export const configCommands: HandlerTable = {
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat': configResetstat,
  'config|rewrite': configRewrite,
  'config|help': (c) => replyHelp(c, HELP),
};
