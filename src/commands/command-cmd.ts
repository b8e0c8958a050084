/**
 * COMMAND [COUNT|INFO|DOCS|LIST|GETKEYS|GETKEYSANDFLAGS|HELP], generated from the command table
 * (server.c addReplyCommandInfo & co). Only implemented commands are listed: a command nodis
 * lacks does not exist for clients.
 */
import type { HandlerTable, Command } from './registry.js';
import type { Client } from '../network/client.js';
import type { ReplyWriter } from '../network/reply-writer.js';
import type { CommandArgumentSpec, KeySpec } from './spec.js';
import {
  SYNTAX,
  WRONG_ARITY,
  COMMAND_HAS_NO_KEYS,
  INVALID_COMMAND_ARGUMENTS,
  INVALID_COMMAND_ARG_COUNT,
  INVALID_COMMAND_SPECIFIED,
} from '../errors.js';
import { globMatch } from '../util/glob.js';
import { extractKeys } from './keys.js';
import { replyHelp } from './help.js';

const COMMAND_FLAG_ORDER: [string, string][] = [
  ['WRITE', 'write'],
  ['READONLY', 'readonly'],
  ['DENYOOM', 'denyoom'],
  ['MODULE', 'module'],
  ['ADMIN', 'admin'],
  ['PUBSUB', 'pubsub'],
  ['NOSCRIPT', 'noscript'],
  ['BLOCKING', 'blocking'],
  ['LOADING', 'loading'],
  ['STALE', 'stale'],
  ['SKIP_MONITOR', 'skip_monitor'],
  ['SKIP_SLOWLOG', 'skip_slowlog'],
  ['ASKING', 'asking'],
  ['FAST', 'fast'],
  ['NO_AUTH', 'no_auth'],
  ['NO_MANDATORY_KEYS', 'no_mandatory_keys'],
  ['NO_ASYNC_LOADING', 'no_async_loading'],
  ['NO_MULTI', 'no_multi'],
  ['MOVABLE_KEYS', 'movablekeys'],
  ['ALLOW_BUSY', 'allow_busy'],
];

const ACL_CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

const KEY_FLAG_ORDER: [string, string][] = [
  ['RO', 'RO'],
  ['RW', 'RW'],
  ['OW', 'OW'],
  ['RM', 'RM'],
  ['ACCESS', 'access'],
  ['UPDATE', 'update'],
  ['INSERT', 'insert'],
  ['DELETE', 'delete'],
  ['NOT_KEY', 'not_key'],
  ['INCOMPLETE', 'incomplete'],
  ['VARIABLE_FLAGS', 'variable_flags'],
];

/** Command tips are not part of the shared facts: these were observed on Redis (COMMAND INFO) for the commands nodis has. */
const TIPS: Record<string, string[]> = {
  'client|info': ['nondeterministic_output'],
  'client|list': ['nondeterministic_output'],
  'command': ['nondeterministic_output_order'],
  'command|docs': ['nondeterministic_output_order'],
  'command|info': ['nondeterministic_output_order'],
  'command|list': ['nondeterministic_output_order'],
  'config|resetstat': ['request_policy:all_nodes',  'response_policy:all_succeeded'],
  'config|rewrite': ['request_policy:all_nodes',  'response_policy:all_succeeded'],
  'config|set': ['request_policy:all_nodes',  'response_policy:all_succeeded'],
  'dbsize': ['request_policy:all_shards',  'response_policy:agg_sum'],
  'del': ['request_policy:multi_shard',  'response_policy:agg_sum'],
  'exists': ['request_policy:multi_shard',  'response_policy:agg_sum'],
  'expiretime': ['nondeterministic_output'],
  'flushall': ['request_policy:all_shards',  'response_policy:all_succeeded'],
  'flushdb': ['request_policy:all_shards',  'response_policy:all_succeeded'],
  'hgetall': ['nondeterministic_output_order'],
  'hkeys': ['nondeterministic_output_order'],
  'hrandfield': ['nondeterministic_output'],
  'hscan': ['nondeterministic_output'],
  'hvals': ['nondeterministic_output_order'],
  'info': ['nondeterministic_output',  'request_policy:all_shards',  'response_policy:special'],
  'keys': ['request_policy:all_shards',  'nondeterministic_output_order'],
  'lastsave': ['nondeterministic_output'],
  'latency|history': ['nondeterministic_output',  'request_policy:all_nodes',  'response_policy:special'],
  'latency|latest': ['nondeterministic_output',  'request_policy:all_nodes',  'response_policy:special'],
  'latency|reset': ['request_policy:all_nodes',  'response_policy:all_succeeded'],
  'memory|doctor': ['nondeterministic_output',  'request_policy:all_shards',  'response_policy:special'],
  'memory|malloc-stats': ['nondeterministic_output',  'request_policy:all_shards',  'response_policy:special'],
  'memory|purge': ['request_policy:all_shards',  'response_policy:all_succeeded'],
  'memory|stats': ['nondeterministic_output',  'request_policy:all_shards',  'response_policy:special'],
  'mget': ['request_policy:multi_shard'],
  'mset': ['request_policy:multi_shard',  'response_policy:all_succeeded'],
  'msetnx': ['request_policy:multi_shard',  'response_policy:agg_min'],
  'object|encoding': ['nondeterministic_output'],
  'object|freq': ['nondeterministic_output'],
  'object|idletime': ['nondeterministic_output'],
  'object|refcount': ['nondeterministic_output'],
  'pexpiretime': ['nondeterministic_output'],
  'ping': ['request_policy:all_shards',  'response_policy:all_succeeded'],
  'pttl': ['nondeterministic_output'],
  'randomkey': ['request_policy:all_shards',  'nondeterministic_output'],
  'scan': ['nondeterministic_output',  'request_policy:special'],
  'sdiff': ['nondeterministic_output_order'],
  'sinter': ['nondeterministic_output_order'],
  'slowlog|get': ['request_policy:all_nodes',  'nondeterministic_output'],
  'slowlog|len': ['request_policy:all_nodes',  'response_policy:agg_sum',  'nondeterministic_output'],
  'slowlog|reset': ['request_policy:all_nodes',  'response_policy:all_succeeded'],
  'smembers': ['nondeterministic_output_order'],
  'spop': ['nondeterministic_output'],
  'srandmember': ['nondeterministic_output'],
  'sscan': ['nondeterministic_output'],
  'sunion': ['nondeterministic_output_order'],
  'time': ['nondeterministic_output'],
  'touch': ['request_policy:multi_shard',  'response_policy:agg_sum'],
  'ttl': ['nondeterministic_output'],
  'unlink': ['request_policy:multi_shard',  'response_policy:agg_sum'],
  'zrandmember': ['nondeterministic_output'],
  'zscan': ['nondeterministic_output'],
};

function isMovable(cmd: Command): boolean {
  const specs = cmd.spec.keySpecs;
  const only = specs[0];
  if (specs.length === 1 && only!.begin_search.index !== undefined && only!.find_keys.range !== undefined) {
    return only!.flags?.includes('INCOMPLETE') ?? false;
  }
  for (const ks of specs) {
    if (ks.begin_search.index === undefined || ks.find_keys.range === undefined) return true;
    if (ks.flags?.includes('INCOMPLETE')) return true;
  }
  // populateCommandLegacyRangeSpec: ranges must be plain and consecutive.
  let prevLast = 0;
  for (const ks of specs) {
    const range = ks.find_keys.range!;
    const pos = ks.begin_search.index!.pos;
    if (range.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) return true;
    prevLast = range.lastkey >= 0 ? pos + range.lastkey : range.lastkey;
  }
  return false;
}

/** The legacy (first key, last key, step) triple derived from the key specs. */
function legacyRange(cmd: Command): [number, number, number] {
  const specs = cmd.spec.keySpecs;
  if (specs.length === 0) return [0, 0, 0];
  const first = specs[0]!;
  if (specs.length === 1 && first.begin_search.index !== undefined && first.find_keys.range !== undefined) {
    const pos = first.begin_search.index.pos;
    const last = first.find_keys.range.lastkey;
    return [pos, last >= 0 ? last + pos : last, first.find_keys.range.step];
  }
  let firstKey = Infinity;
  let lastKey = 0;
  let prevLast = 0;
  for (const ks of specs) {
    const range = ks.find_keys.range;
    const index = ks.begin_search.index;
    if (index === undefined || range === undefined) continue;
    if (range.step !== 1 || (prevLast !== 0 && prevLast !== index.pos - 1)) continue;
    firstKey = Math.min(firstKey, index.pos);
    const lastAbs = range.lastkey >= 0 ? range.lastkey + index.pos : range.lastkey;
    lastKey = (lastKey >>> 0) >= (lastAbs >>> 0) ? lastKey : lastAbs;
    prevLast = lastKey;
  }
  if (firstKey === Infinity) return [0, 0, 0];
  return [firstKey, lastKey, 1];
}

function commandFlags(cmd: Command): string[] {
  const flags = new Set(cmd.spec.flags);
  if (isMovable(cmd)) flags.add('MOVABLE_KEYS');
  return COMMAND_FLAG_ORDER.filter(([k]) => flags.has(k)).map(([, v]) => v);
}

/** ACL categories: the explicit ones plus those implied by flags (setImplicitACLCategories). */
export function aclCategories(cmd: Command): string[] {
  const cats = new Set(cmd.spec.aclCategories.map((c) => c.toLowerCase()));
  const flags = cmd.flagSet;
  if (flags.has('WRITE')) cats.add('write');
  if (flags.has('READONLY') && !cats.has('scripting')) cats.add('read');
  if (flags.has('ADMIN')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (flags.has('PUBSUB')) cats.add('pubsub');
  if (flags.has('FAST')) cats.add('fast');
  if (flags.has('BLOCKING')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORY_ORDER.filter((c) => cats.has(c));
}

function replyStatusSet(w: ReplyWriter, items: readonly string[]): void {
  w.setHeader(items.length);
  for (const s of items) w.simple(s);
}

// Key-spec notes are reply data Redis sends in COMMAND INFO, but the command JSON we
// generate from lacks them; keyed by "<full name>#<key spec index>".
const SORT_BY_NOTE = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
const WORST_RW = 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE';
const WORST_RO = 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS';
const KEY_SPEC_NOTES: Readonly<Record<string, string>> = {
  'bitfield#0': 'This command allows both access and modification of the key',
  'eval#0': WORST_RW,
  'eval_ro#0': WORST_RO,
  'fcall#0': WORST_RW,
  'fcall_ro#0': WORST_RO,
  'getex#0': 'RW and UPDATE because it changes the TTL',
  'pfcount#0': 'RW because it may change the internal representation of the key, and propagate to replicas',
  'set#0': 'RW and ACCESS due to the optional `GET` argument',
  'sort#1': SORT_BY_NOTE,
  'sort#2': "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  'sort_ro#1': SORT_BY_NOTE,
  'xadd#0': 'UPDATE instead of INSERT because of the optional trimming feature',
};

function replyKeySpec(w: ReplyWriter, ks: KeySpec, extraNotes?: string): void {
  const notes = ks.notes ?? extraNotes;
  w.mapHeader(notes !== undefined ? 4 : 3);
  if (notes !== undefined) {
    w.bulk('notes');
    w.bulk(notes);
  }
  w.bulk('flags');
  const flags = new Set(ks.flags ?? []);
  replyStatusSet(w, KEY_FLAG_ORDER.filter(([k]) => flags.has(k)).map(([, v]) => v));
  w.bulk('begin_search');
  w.mapHeader(2);
  w.bulk('type');
  if (ks.begin_search.index !== undefined) {
    w.bulk('index');
    w.bulk('spec');
    w.mapHeader(1);
    w.bulk('index');
    w.integer(ks.begin_search.index.pos);
  } else if (ks.begin_search.keyword !== undefined) {
    w.bulk('keyword');
    w.bulk('spec');
    w.mapHeader(2);
    w.bulk('keyword');
    w.bulk(ks.begin_search.keyword.keyword);
    w.bulk('startfrom');
    w.integer(ks.begin_search.keyword.startfrom);
  } else {
    w.bulk('unknown');
    w.bulk('spec');
    w.mapHeader(0);
  }
  w.bulk('find_keys');
  w.mapHeader(2);
  w.bulk('type');
  if (ks.find_keys.range !== undefined) {
    w.bulk('range');
    w.bulk('spec');
    w.mapHeader(3);
    w.bulk('lastkey');
    w.integer(ks.find_keys.range.lastkey);
    w.bulk('keystep');
    w.integer(ks.find_keys.range.step);
    w.bulk('limit');
    w.integer(ks.find_keys.range.limit);
  } else if (ks.find_keys.keynum !== undefined) {
    w.bulk('keynum');
    w.bulk('spec');
    w.mapHeader(3);
    w.bulk('keynumidx');
    w.integer(ks.find_keys.keynum.keynumidx);
    w.bulk('firstkey');
    w.integer(ks.find_keys.keynum.firstkey);
    w.bulk('keystep');
    w.integer(ks.find_keys.keynum.step);
  } else {
    w.bulk('unknown');
    w.bulk('spec');
    w.mapHeader(0);
  }
}

/** addReplyCommandInfo */
function replyCommandInfo(w: ReplyWriter, cmd: Command | undefined): void {
  if (cmd === undefined) {
    w.nullBulk();
    return;
  }
  const [first, last, step] = legacyRange(cmd);
  w.arrayHeader(10);
  w.bulk(cmd.fullName);
  w.integer(cmd.spec.arity);
  replyStatusSet(w, commandFlags(cmd));
  w.integer(first);
  w.integer(last);
  w.integer(step);
  replyStatusSet(w, aclCategories(cmd).map((c) => `@${c}`));
  const tips = TIPS[cmd.fullName] ?? [];
  w.setHeader(tips.length);
  for (const t of tips) w.bulk(t);
  w.setHeader(cmd.spec.keySpecs.length);
  cmd.spec.keySpecs.forEach((ks, i) => replyKeySpec(w, ks, KEY_SPEC_NOTES[`${cmd.fullName}#${i}`]));
  if (cmd.subcommands === null) w.setHeader(0);
  else {
    w.arrayHeader(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) replyCommandInfo(w, sub);
  }
}

/** lookupCommandBySds: "get" or "config|get" (case-insensitive). */
function lookupByName(c: Client, name: string): Command | undefined {
  const parts = name.toLowerCase().split('|');
  const top = c.server.commands.commands.get(parts[0]!);
  if (top === undefined || parts.length === 1) return parts.length === 1 ? top : undefined;
  if (parts.length !== 2 || top.subcommands === null) return undefined;
  return top.subcommands.get(parts[1]!);
}

function commandCommand(c: Client, argv: string[]): void {
  if (argv.length !== 1) throw WRONG_ARITY('command');
  const all = [...c.server.commands.commands.values()];
  c.w.arrayHeader(all.length);
  for (const cmd of all) replyCommandInfo(c.w, cmd);
}

function commandCount(c: Client): void {
  c.w.integer(c.server.commands.commands.size);
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandCommand(c, ['command']);
    return;
  }
  c.w.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyCommandInfo(c.w, lookupByName(c, argv[i]!));
}

function replyArguments(w: ReplyWriter, args: readonly CommandArgumentSpec[]): void {
  w.arrayHeader(args.length);
  for (const a of args) {
    const fields: [string, () => void][] = [
      ['name', () => w.bulk(a.name)],
      ['type', () => w.bulk(a.type)],
    ];
    if (a.display !== undefined) fields.push(['display_text', () => w.bulk(a.display!)]);
    if (a.key_spec_index !== undefined) fields.push(['key_spec_index', () => w.integer(a.key_spec_index!)]);
    if (a.token !== undefined) fields.push(['token', () => w.bulk(a.token!)]);
    if (a.since !== undefined) fields.push(['since', () => w.bulk(a.since!)]);
    if (a.deprecated_since !== undefined) fields.push(['deprecated_since', () => w.bulk(a.deprecated_since!)]);
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multiple_token) flags.push('multiple_token');
    if (flags.length > 0) fields.push(['flags', () => replyStatusSet(w, flags)]);
    if (a.value !== undefined) fields.push(['value', () => w.bulk(a.value!)]);
    if (a.arguments !== undefined) fields.push(['arguments', () => replyArguments(w, a.arguments!)]);
    w.mapHeader(fields.length);
    for (const [k, f] of fields) {
      w.bulk(k);
      f();
    }
  }
}

/** COMMAND DOCS: what the shared facts hold (no summary/complexity texts: they are not facts we have). */
function replyDocs(w: ReplyWriter, cmd: Command): void {
  const s = cmd.spec;
  const fields: [string, () => void][] = [
    ['since', () => w.bulk(s.since)],
    ['group', () => w.bulk(s.group)],
  ];
  if (s.docFlags !== undefined) fields.push(['doc_flags', () => replyStatusSet(w, s.docFlags!.map((f) => f.toLowerCase()))]);
  if (s.deprecatedSince !== undefined) fields.push(['deprecated_since', () => w.bulk(s.deprecatedSince!)]);
  if (s.arguments !== undefined) fields.push(['arguments', () => replyArguments(w, s.arguments!)]);
  if (cmd.subcommands !== null) {
    fields.push([
      'subcommands',
      () => {
        w.mapHeader(cmd.subcommands!.size);
        for (const sub of cmd.subcommands!.values()) {
          w.bulk(sub.fullName);
          replyDocs(w, sub);
        }
      },
    ]);
  }
  w.mapHeader(fields.length);
  for (const [k, f] of fields) {
    w.bulk(k);
    f();
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const cmds: Command[] = [];
  if (argv.length === 2) cmds.push(...c.server.commands.commands.values());
  else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupByName(c, argv[i]!);
      if (cmd !== undefined) cmds.push(cmd);
    }
  }
  c.w.mapHeader(cmds.length);
  for (const cmd of cmds) {
    c.w.bulk(cmd.fullName);
    replyDocs(c.w, cmd);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
function commandList(c: Client, argv: string[]): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  if (argv.length === 5 && argv[2]!.toUpperCase() === 'FILTERBY') {
    const kind = argv[3]!.toUpperCase();
    const value = argv[4]!;
    if (kind === 'MODULE') filter = () => false;
    else if (kind === 'ACLCAT') filter = (cmd) => aclCategories(cmd).includes(value.toLowerCase());
    else if (kind === 'PATTERN') filter = (cmd) => globMatch(value, cmd.fullName, true);
    else throw SYNTAX;
  } else if (argv.length !== 2) throw SYNTAX;
  const names: string[] = [];
  for (const cmd of c.server.commands.commands.values()) {
    if (filter === null || filter(cmd)) names.push(cmd.fullName);
    for (const sub of cmd.subcommands?.values() ?? []) if (filter === null || filter(sub)) names.push(sub.fullName);
  }
  c.w.bulkArray(names);
}

function getkeysGeneric(c: Client, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  let cmd = c.server.commands.lookup(target[0]!);
  if (cmd === undefined) throw INVALID_COMMAND_SPECIFIED;
  if (cmd.subcommands !== null && target.length >= 2) cmd = cmd.subcommands.get(target[1]!.toLowerCase()) ?? cmd;
  const arity = cmd.spec.arity;
  if ((arity > 0 && target.length !== arity) || target.length < -arity) throw INVALID_COMMAND_ARG_COUNT;
  const keys = extractKeys(cmd.spec, target);
  if (keys.length === 0) {
    throw cmd.spec.keySpecs.length === 0 ? COMMAND_HAS_NO_KEYS : INVALID_COMMAND_ARGUMENTS;
  }
  c.w.arrayHeader(keys.length);
  for (const k of keys) {
    if (!withFlags) c.w.bulk(target[k.index]!);
    else {
      c.w.arrayHeader(2);
      c.w.bulk(target[k.index]!);
      const flags = new Set(k.flags);
      replyStatusSet(c.w, KEY_FLAG_ORDER.filter(([f]) => flags.has(f)).map(([, v]) => v));
    }
  }
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Every command nodis implements, with its details.',
  'COUNT',
  '    How many commands nodis implements.',
  'DOCS [<command-name> ...]',
  '    Documentation facts of the given commands (all when none is given).',
  'GETKEYS <full-command>',
  '    The key names in a full command line.',
  'GETKEYSANDFLAGS <full-command>',
  '    The key names in a full command line, with their access flags.',
  'INFO [<command-name> ...]',
  '    Details of the given commands (all when none is given).',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
  '    Names of the commands, optionally filtered.',
  'HELP',
  '    Print this help.',
];

export const commandCommands: HandlerTable = {
  command: commandCommand,
  'command|count': commandCount,
  'command|info': commandInfo,
  'command|docs': commandDocs,
  'command|list': commandList,
  'command|getkeys': (c, argv) => getkeysGeneric(c, argv, false),
  'command|getkeysandflags': (c, argv) => getkeysGeneric(c, argv, true),
  'command|help': (c) => replyHelp(c, HELP),
};
