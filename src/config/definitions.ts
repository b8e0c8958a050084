/**
 * Every configuration directive nodis knows, in one table (Redis keeps its own in
 * config.c's standardConfig). Each entry gives the type, the default and the bounds;
 * CONFIG GET/SET, config files, command-line flags and CONFIG REWRITE all work from it.
 * A directive marked `immutable` can only be set at startup, as in Redis.
 */
import { parseMemory } from './memory.js';
import {
  CONFIG_BUFFER_LIMIT_ARGS,
  CONFIG_BUFFER_LIMIT_CLASS,
  CONFIG_BUFFER_LIMIT_VALUES,
  CONFIG_NOTIFY_CLASS,
  CONFIG_OOM_SCORE_RANGE,
  CONFIG_PERCENTILES_INVALID,
  CONFIG_PERCENTILES_RANGE,
  CONFIG_SAVE_PARAMS,
  CONFIG_TOO_MANY_BINDS,
  CONFIG_WRONG_ARGS,
} from '../errors.js';

export type ConfigType =
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number; memory?: boolean; percent?: boolean }
  | { kind: 'enum'; values: readonly string[]; multi?: boolean }
  | { kind: 'string'; emptyIsNull?: boolean }
  /** Directives with their own syntax (save, bind, client-output-buffer-limit...): validate + normalise. */
  | { kind: 'special'; parse: (args: readonly string[]) => string | { error: string } };

export interface ConfigDefinition {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type: ConfigType;
  readonly defaultValue: string;
  readonly immutable?: boolean;
  /** Hidden from CONFIG GET patterns other than its exact name? (Redis: "sensitive" values still show.) */
  readonly protectedConfig?: boolean;
  /** Directives that are repeated in a config file (one line per value), like "save" of old. */
  readonly multiArg?: boolean;
}

const LLONG = Number.MAX_SAFE_INTEGER;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

const bool = (name: string, def: boolean, extra: Partial<ConfigDefinition> = {}): ConfigDefinition => ({
  name,
  type: { kind: 'bool' },
  defaultValue: def ? 'yes' : 'no',
  ...extra,
});
const int = (
  name: string,
  def: number,
  min: number,
  max: number,
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition => ({ name, type: { kind: 'int', min, max }, defaultValue: String(def), ...extra });
const mem = (
  name: string,
  def: number,
  min: number,
  max: number,
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition => ({ name, type: { kind: 'int', min, max, memory: true }, defaultValue: String(def), ...extra });
const str = (name: string, def: string, extra: Partial<ConfigDefinition> = {}): ConfigDefinition => ({
  name,
  type: { kind: 'string' },
  defaultValue: def,
  ...extra,
});
const enumOf = (
  name: string,
  def: string,
  values: readonly string[],
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition => ({ name, type: { kind: 'enum', values }, defaultValue: def, ...extra });
const special = (
  name: string,
  def: string,
  parse: (args: readonly string[]) => string | { error: string },
  extra: Partial<ConfigDefinition> = {},
): ConfigDefinition => ({ name, type: { kind: 'special', parse }, defaultValue: def, ...extra });

/** "save": pairs of <seconds> <changes>, or "" to disable. */
function parseSave(args: readonly string[]): string | { error: string } {
  const words = args.flatMap((a) => a.split(' ')).filter((w) => w !== '');
  if (words.length === 0) return '';
  if (words.length % 2 !== 0) return { error: CONFIG_SAVE_PARAMS };
  for (const w of words) {
    if (!/^\d+$/.test(w) || Number(w) > INT_MAX) return { error: CONFIG_SAVE_PARAMS };
  }
  return words.join(' ');
}

function parseBind(args: readonly string[]): string | { error: string } {
  const words = args.flatMap((a) => a.split(' ')).filter((w) => w !== '');
  if (words.length > 16) return { error: CONFIG_TOO_MANY_BINDS };
  return words.join(' ');
}

/** client-output-buffer-limit <class> <hard> <soft> <soft seconds> [<class> ...] */
const OUTPUT_BUFFER_CLASSES = ['normal', 'slave', 'replica', 'pubsub'];
function parseOutputBufferLimit(args: readonly string[]): string | { error: string } {
  const words = args.flatMap((a) => a.split(' ')).filter((w) => w !== '');
  if (words.length % 4 !== 0) return { error: CONFIG_BUFFER_LIMIT_ARGS };
  const limits = new Map<string, string>([
    ['normal', '0 0 0'],
    ['slave', '268435456 67108864 60'],
    ['pubsub', '33554432 8388608 60'],
  ]);
  for (let i = 0; i < words.length; i += 4) {
    let cls = words[i]!.toLowerCase();
    if (!OUTPUT_BUFFER_CLASSES.includes(cls)) return { error: CONFIG_BUFFER_LIMIT_CLASS };
    if (cls === 'replica') cls = 'slave';
    const hard = parseMemoryValue(words[i + 1]!);
    const soft = parseMemoryValue(words[i + 2]!);
    const secs = words[i + 3]!;
    if (hard === null || soft === null || !/^\d+$/.test(secs)) {
      return { error: CONFIG_BUFFER_LIMIT_VALUES };
    }
    limits.set(cls, `${hard} ${soft} ${Number(secs)}`);
  }
  return `normal ${limits.get('normal')} slave ${limits.get('slave')} pubsub ${limits.get('pubsub')}`;
}

function parseMemoryValue(text: string): number | null {
  const v = parseMemory(text);
  return v === null || v < 0 ? null : v;
}

/** notify-keyspace-events flags, normalised the way keyspaceEventsFlagsToString prints them. */
export function parseNotifyFlags(text: string): number | null {
  let flags = 0;
  for (const ch of text) {
    const bit = NOTIFY_FLAG_BITS[ch];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

export const NOTIFY = {
  KEYSPACE: 1 << 0,
  KEYEVENT: 1 << 1,
  GENERIC: 1 << 2,
  STRING: 1 << 3,
  LIST: 1 << 4,
  SET: 1 << 5,
  HASH: 1 << 6,
  ZSET: 1 << 7,
  EXPIRED: 1 << 8,
  EVICTED: 1 << 9,
  STREAM: 1 << 10,
  KEY_MISS: 1 << 11,
  MODULE: 1 << 12,
  NEW: 1 << 13,
} as const;
/** 'A' is an alias for "g$lshzxetd" (every class except m and n). */
export const NOTIFY_ALL =
  NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET | NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const NOTIFY_FLAG_BITS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

export function formatNotifyFlags(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else {
    if (flags & NOTIFY.GENERIC) out += 'g';
    if (flags & NOTIFY.STRING) out += '$';
    if (flags & NOTIFY.LIST) out += 'l';
    if (flags & NOTIFY.SET) out += 's';
    if (flags & NOTIFY.HASH) out += 'h';
    if (flags & NOTIFY.ZSET) out += 'z';
    if (flags & NOTIFY.EXPIRED) out += 'x';
    if (flags & NOTIFY.EVICTED) out += 'e';
    if (flags & NOTIFY.STREAM) out += 't';
    if (flags & NOTIFY.MODULE) out += 'd';
  }
  if (flags & NOTIFY.NEW) out += 'n';
  if (flags & NOTIFY.KEYSPACE) out += 'K';
  if (flags & NOTIFY.KEYEVENT) out += 'E';
  if (flags & NOTIFY.KEY_MISS) out += 'm';
  return out;
}

function parseNotify(args: readonly string[]): string | { error: string } {
  const flags = parseNotifyFlags(args.join(''));
  if (flags === null) return { error: CONFIG_NOTIFY_CLASS };
  return formatNotifyFlags(flags);
}

function parseOomScoreValues(args: readonly string[]): string | { error: string } {
  const words = args.flatMap((a) => a.split(' ')).filter((w) => w !== '');
  if (words.length !== 3) return { error: CONFIG_WRONG_ARGS };
  for (const w of words) {
    if (!/^-?\d+$/.test(w) || Math.abs(Number(w)) > 2000) return { error: CONFIG_OOM_SCORE_RANGE };
  }
  return words.map(Number).join(' ');
}

function parsePercentiles(args: readonly string[]): string | { error: string } {
  const words = args.flatMap((a) => a.split(' ')).filter((w) => w !== '');
  for (const w of words) {
    const v = Number(w);
    if (w === '' || Number.isNaN(v)) return { error: CONFIG_PERCENTILES_INVALID };
    if (v < 0 || v > 100) return { error: CONFIG_PERCENTILES_RANGE };
  }
  return words.map((w) => String(Number(w))).join(' ');
}

/** dir: stored as given; the server chdirs to it, as Redis does. */
function parseDir(args: readonly string[]): string | { error: string } {
  return args.join(' ');
}

export const CONFIG_DEFINITIONS: readonly ConfigDefinition[] = [
  // Network
  int('port', 6379, 0, 65535),
  special('bind', '127.0.0.1 -::1', parseBind),
  bool('protected-mode', true),
  int('tcp-backlog', 511, 0, INT_MAX, { immutable: true }),
  int('timeout', 0, 0, INT_MAX),
  int('tcp-keepalive', 300, 0, INT_MAX),
  str('unixsocket', '', { immutable: true }),
  int('unixsocketperm', 0, 0, 0o777, { immutable: true }),
  str('bind-source-addr', ''),
  int('maxclients', 10000, 1, UINT_MAX),
  mem('client-query-buffer-limit', 1024 * 1024 * 1024, 1024 * 1024, LLONG),
  mem('proto-max-bulk-len', 512 * 1024 * 1024, 1024 * 1024, LLONG),
  special('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', parseOutputBufferLimit),
  // General
  bool('daemonize', false, { immutable: true }),
  enumOf('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], { immutable: true }),
  str('pidfile', '', { immutable: true }),
  enumOf('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  str('logfile', '', { immutable: true }),
  bool('syslog-enabled', false, { immutable: true }),
  str('syslog-ident', 'redis', { immutable: true }),
  enumOf('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], { immutable: true }),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  int('databases', 16, 1, INT_MAX, { immutable: true }),
  bool('always-show-logo', false, { immutable: true }),
  bool('set-proc-title', true, { immutable: true }),
  str('proc-title-template', '{title} {listen-addr} {server-mode}'),
  int('hz', 10, 0, INT_MAX),
  bool('dynamic-hz', true),
  int('active-expire-effort', 1, 1, 10),
  enumOf('enable-protected-configs', 'no', ['no', 'yes', 'local'], { immutable: true }),
  enumOf('enable-debug-command', 'no', ['no', 'yes', 'local'], { immutable: true }),
  enumOf('enable-module-command', 'no', ['no', 'yes', 'local'], { immutable: true }),
  str('ignore-warnings', ''),
  int('shutdown-timeout', 10, 0, INT_MAX),
  enumOf('shutdown-on-sigint', 'default', ['default', 'save', 'nosave', 'now', 'force'], { type: { kind: 'enum', values: ['default', 'save', 'nosave', 'now', 'force'], multi: true } }),
  enumOf('shutdown-on-sigterm', 'default', ['default', 'save', 'nosave', 'now', 'force'], { type: { kind: 'enum', values: ['default', 'save', 'nosave', 'now', 'force'], multi: true } }),
  int('watchdog-period', 0, 0, INT_MAX),
  // Security
  str('requirepass', ''),
  str('aclfile', '', { immutable: true }),
  enumOf('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  int('acllog-max-len', 128, 0, LLONG),
  // Snapshotting and AOF
  special('save', '3600 1 300 100 60 10000', parseSave),
  bool('stop-writes-on-bgsave-error', true),
  bool('rdbcompression', true),
  bool('rdbchecksum', true),
  str('dbfilename', 'dump.rdb', { protectedConfig: true }),
  bool('rdb-del-sync-files', false),
  // Redis answers CONFIG GET dir with getcwd(); nodis does not chdir (tests share one process).
  special('dir', process.cwd(), parseDir, { protectedConfig: true }),
  bool('appendonly', false),
  str('appendfilename', 'appendonly.aof', { immutable: true }),
  str('appenddirname', 'appendonlydir', { immutable: true }),
  enumOf('appendfsync', 'everysec', ['always', 'everysec', 'no']),
  bool('no-appendfsync-on-rewrite', false),
  int('auto-aof-rewrite-percentage', 100, 0, INT_MAX),
  mem('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0, LLONG),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('aof-rewrite-incremental-fsync', true),
  bool('rdb-save-incremental-fsync', true),
  enumOf('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  int('rdb-key-save-delay', 0, -INT_MAX, INT_MAX),
  int('key-load-delay', 0, -INT_MAX, INT_MAX),
  // Replication
  special('replicaof', '', (a) => a.join(' '), { aliases: ['slaveof'] }),
  str('masterauth', ''),
  str('masteruser', ''),
  bool('replica-serve-stale-data', true, { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', true, { aliases: ['slave-read-only'] }),
  bool('repl-diskless-sync', true),
  int('repl-diskless-sync-delay', 5, 0, INT_MAX),
  int('repl-diskless-sync-max-replicas', 0, 0, INT_MAX),
  enumOf('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  int('repl-ping-replica-period', 10, 1, INT_MAX, { aliases: ['repl-ping-slave-period'] }),
  int('repl-timeout', 60, 1, INT_MAX),
  bool('repl-disable-tcp-nodelay', false),
  mem('repl-backlog-size', 1024 * 1024, 1, LLONG),
  int('repl-backlog-ttl', 3600, 0, INT_MAX),
  int('replica-priority', 100, 0, INT_MAX, { aliases: ['slave-priority'] }),
  bool('replica-announced', true),
  int('min-replicas-to-write', 0, 0, INT_MAX, { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 10, 0, INT_MAX, { aliases: ['min-slaves-max-lag'] }),
  str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
  int('replica-announce-port', 0, 0, 65535, { aliases: ['slave-announce-port'] }),
  bool('replica-lazy-flush', false, { aliases: ['slave-lazy-flush'] }),
  bool('replica-ignore-maxmemory', true, { aliases: ['slave-ignore-maxmemory'] }),
  enumOf('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  bool('replica-ignore-disk-write-errors', false),
  // Memory
  mem('maxmemory', 0, 0, LLONG),
  enumOf('maxmemory-policy', 'noeviction', [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ]),
  int('maxmemory-samples', 5, 1, 64),
  int('maxmemory-eviction-tenacity', 10, 0, 100),
  mem('maxmemory-clients', 0, 0, LLONG),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  int('lfu-log-factor', 10, 0, INT_MAX),
  int('lfu-decay-time', 1, 0, INT_MAX),
  bool('activerehashing', true),
  bool('activedefrag', false),
  mem('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1, LLONG),
  int('active-defrag-threshold-lower', 10, 0, 1000),
  int('active-defrag-threshold-upper', 100, 0, 1000),
  int('active-defrag-cycle-min', 1, 1, 99),
  int('active-defrag-cycle-max', 25, 1, 99),
  int('active-defrag-max-scan-fields', 1000, 1, LLONG),
  bool('jemalloc-bg-thread', true),
  enumOf('oom-score-adj', 'no', ['no', 'yes', 'relative', 'absolute']),
  special('oom-score-adj-values', '0 200 800', parseOomScoreValues),
  bool('disable-thp', true, { immutable: true }),
  // Data type encodings
  mem('hash-max-listpack-entries', 512, 0, LLONG, { aliases: ['hash-max-ziplist-entries'] }),
  mem('hash-max-listpack-value', 64, 0, LLONG, { aliases: ['hash-max-ziplist-value'] }),
  int('list-max-listpack-size', -2, -INT_MAX, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
  int('list-compress-depth', 0, 0, INT_MAX),
  mem('set-max-intset-entries', 512, 0, LLONG),
  mem('set-max-listpack-entries', 128, 0, LLONG),
  mem('set-max-listpack-value', 64, 0, LLONG),
  mem('zset-max-listpack-entries', 128, 0, LLONG, { aliases: ['zset-max-ziplist-entries'] }),
  mem('zset-max-listpack-value', 64, 0, LLONG, { aliases: ['zset-max-ziplist-value'] }),
  mem('hll-sparse-max-bytes', 3000, 0, LLONG),
  mem('stream-node-max-bytes', 4096, 0, LLONG),
  int('stream-node-max-entries', 100, 0, LLONG),
  // Scripting
  int('busy-reply-threshold', 5000, 0, LLONG, { aliases: ['lua-time-limit'] }),
  // Logs and monitoring
  int('slowlog-log-slower-than', 10000, -1, LLONG),
  int('slowlog-max-len', 128, 0, LLONG),
  int('latency-monitor-threshold', 0, 0, LLONG),
  bool('latency-tracking', true),
  special('latency-tracking-info-percentiles', '50 99 99.9', parsePercentiles),
  special('notify-keyspace-events', '', parseNotify),
  mem('tracking-table-max-keys', 1000000, 0, LLONG),
  // Cluster (not supported; present so CONFIG GET answers as Redis)
  bool('cluster-enabled', false, { immutable: true }),
  str('cluster-config-file', 'nodes.conf', { immutable: true }),
  int('cluster-node-timeout', 15000, 0, LLONG),
  int('cluster-port', 0, 0, 65535, { immutable: true }),
  bool('cluster-require-full-coverage', true),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  // I/O threads (accepted, nodis is single-threaded by design)
  int('io-threads', 1, 1, 128, { immutable: true }),
  bool('io-threads-do-reads', false, { immutable: true }),
  bool('lazyfree-lazy-user-flush', false),
].filter((d, i, all) => all.findIndex((o) => o.name === d.name) === i);
