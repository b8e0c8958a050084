/**
 * INFO's text (genRedisInfoString): "# Section" headers, "field:value" lines, \r\n separated,
 * sections separated by a blank line. Field names and order follow Redis 7.2 for what nodis
 * has; values come from the server's counters.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Server } from '../server.js';
import { REDIS_COMPAT_VERSION, NODIS_VERSION } from '../version.js';
import { ServerStats } from './stats.js';
import { scriptingMemory } from '../scripting/scripting.js';

type Section = (s: Server) => [string, string | number][];

const RUN_ID = randomBytes(20).toString('hex');
const REPL_ID = randomBytes(20).toString('hex');

/** bytesToHuman */
export function bytesToHuman(n: number): string {
  const units: [number, string][] = [
    [1024 ** 5, 'P'],
    [1024 ** 4, 'T'],
    [1024 ** 3, 'G'],
    [1024 ** 2, 'M'],
    [1024, 'K'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(2)}${unit}`;
  return `${n}B`;
}

const server: Section = (s) => {
  const uptime = Math.floor((Date.now() - s.stats.startTimeMs) / 1000);
  return [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['nodis_version', NODIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', RUN_ID],
    ['tcp_port', s.port],
    ['server_time_usec', Date.now() * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', s.config.num('hz')],
    ['configured_hz', s.config.num('hz')],
    ['lru_clock', s.lruClock & 0xffffff],
    ['executable', process.argv[1] ?? ''],
    ['config_file', s.config.configFile ?? ''],
    ['io_threads_active', 0],
  ];
};

const clients: Section = (s) => [
  ['connected_clients', s.clients.size],
  ['cluster_connections', 0],
  ['maxclients', s.config.num('maxclients')],
  ['client_recent_max_input_buffer', 0],
  ['client_recent_max_output_buffer', 0],
  ['blocked_clients', s.blocking.count + s.pause.postponedCount],
  ['tracking_clients', s.tracking.clients],
  ['clients_in_timeout_table', s.blocking.count],
  ['total_blocking_keys', 0],
  ['total_blocking_keys_on_nokey', 0],
];

/** The script and function lines of INFO memory, in Redis 7.2's order. */
function scriptingFields(server: Server): [string, string | number][] {
  const m = scriptingMemory(server);
  const vmTotal = m.vmEval + m.vmFunctions;
  const scripts = m.scriptsEval + m.functionsOverhead;
  return [
    ['used_memory_lua', m.vmEval],
    ['used_memory_vm_eval', m.vmEval],
    ['used_memory_lua_human', bytesToHuman(m.vmEval)],
    ['used_memory_scripts_eval', m.scriptsEval],
    ['number_of_cached_scripts', m.cachedScripts],
    ['number_of_functions', m.functions],
    ['number_of_libraries', m.libraries],
    ['used_memory_vm_functions', m.vmFunctions],
    ['used_memory_vm_total', vmTotal],
    ['used_memory_vm_total_human', bytesToHuman(vmTotal)],
    ['used_memory_functions', m.functionsOverhead],
    ['used_memory_scripts', scripts],
    ['used_memory_scripts_human', bytesToHuman(scripts)],
  ];
}

const memory: Section = (s) => {
  const m = process.memoryUsage();
  const used = m.heapUsed + m.external;
  const maxmemory = s.config.num('maxmemory');
  const total = os.totalmem();
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', Math.max(used, m.heapTotal)],
    ['used_memory_peak_human', bytesToHuman(Math.max(used, m.heapTotal))],
    ['used_memory_dataset', used],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ...scriptingFields(s),
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', s.config.get('maxmemory-policy')],
    ['mem_fragmentation_ratio', (m.rss / Math.max(1, used)).toFixed(2)],
    ['mem_allocator', 'v8'],
    ['lazyfree_pending_objects', 0],
  ];
};

const persistence: Section = (s) => {
  const rdb = s.rdb;
  const aof = s.aof;
  const snapshot = rdb.currentSnapshot;
  return [
    ['loading', s.loading === null ? 0 : 1],
    ['async_loading', 0],
    ['current_cow_peak', snapshot?.cowBytes ?? 0],
    ['current_cow_size', snapshot?.cowBytes ?? 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', snapshot === null || snapshot.keysTotal === 0 ? '0.00' : ((100 * snapshot.keysWritten) / snapshot.keysTotal).toFixed(2)],
    ['current_save_keys_processed', snapshot?.keysWritten ?? 0],
    ['current_save_keys_total', snapshot?.keysTotal ?? 0],
    ['rdb_changes_since_last_save', s.dirty],
    ['rdb_bgsave_in_progress', rdb.inProgress ? 1 : 0],
    ['rdb_last_save_time', Math.floor(s.lastSaveMs / 1000)],
    ['rdb_last_bgsave_status', rdb.lastBgsaveStatus],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', rdb.currentSeconds],
    ['rdb_saves', rdb.saves],
    ['rdb_last_cow_size', rdb.lastCowSize],
    ['rdb_last_load_keys_expired', rdb.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', rdb.lastLoadKeysLoaded],
    ['aof_enabled', aof.state === 'off' ? 0 : 1],
    ['aof_rewrite_in_progress', aof.rewriteInProgress ? 1 : 0],
    ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', aof.currentRewriteSeconds],
    ['aof_last_bgrewrite_status', aof.lastBgrewriteStatus],
    ['aof_rewrites', aof.rewrites],
    ['aof_rewrites_consecutive_failures', aof.consecutiveFailures],
    ['aof_last_write_status', aof.lastWriteStatus],
    ['aof_last_cow_size', aof.lastCowSize],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...(aof.state === 'off'
      ? []
      : ([
          ['aof_current_size', aof.currentSize],
          ['aof_base_size', aof.baseSize],
          ['aof_pending_rewrite', aof.rewriteScheduled ? 1 : 0],
          ['aof_buffer_length', aof.bufferLength],
          ['aof_pending_bio_fsync', 0],
          ['aof_delayed_fsync', aof.delayedFsync],
        ] as [string, string | number][])),
    ...loadingFields(s),
  ];
};

/** The loading_* fields Redis adds while it loads. */
function loadingFields(s: Server): [string, string | number][] {
  const l = s.loading;
  if (l === null) return [];
  const elapsed = Math.floor((Date.now() - l.startMs) / 1000);
  const remaining = l.totalBytes - l.loadedBytes;
  return [
    ['loading_start_time', Math.floor(l.startMs / 1000)],
    ['loading_total_bytes', l.totalBytes],
    ['loading_rdb_used_mem', 0],
    ['loading_loaded_bytes', l.loadedBytes],
    ['loading_loaded_perc', l.totalBytes === 0 ? '0.00' : ((100 * l.loadedBytes) / l.totalBytes).toFixed(2)],
    ['loading_eta_seconds', elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (l.loadedBytes + 1))],
  ];
}

const stats: Section = (s) => {
  const st = s.stats;
  return [
    ['total_connections_received', st.connectionsReceived],
    ['total_commands_processed', st.commandsProcessed],
    ['instantaneous_ops_per_sec', Math.round(ServerStats.average(st.opsSamples))],
    ['total_net_input_bytes', st.netInputBytes],
    ['total_net_output_bytes', st.netOutputBytes],
    ['instantaneous_input_kbps', ServerStats.average(st.netInSamples).toFixed(2)],
    ['instantaneous_output_kbps', ServerStats.average(st.netOutSamples).toFixed(2)],
    ['rejected_connections', st.rejectedConnections],
    ['expired_keys', st.expiredKeys],
    ['expired_stale_perc', st.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', st.expiredTimeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', st.expireCycleCpuMs],
    ['evicted_keys', st.evictedKeys],
    ['evicted_clients', st.evictedClients],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', st.keyspaceHits],
    ['keyspace_misses', st.keyspaceMisses],
    ['pubsub_channels', s.pubsub.numChannels],
    ['pubsub_patterns', s.pubsub.numPatterns],
    ['pubsubshard_channels', s.pubsub.numShardChannels],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', s.tracking.totalKeys],
    ['tracking_total_items', s.tracking.totalItemsCount],
    ['tracking_total_prefixes', s.tracking.totalPrefixes],
    ['unexpected_error_replies', st.unexpectedErrorReplies],
    ['total_error_replies', st.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', st.readsProcessed],
    ['total_writes_processed', st.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
};

const replication: Section = () => [
  ['role', 'master'],
  ['connected_slaves', 0],
  ['master_failover_state', 'no-failover'],
  ['master_replid', REPL_ID],
  ['master_replid2', '0000000000000000000000000000000000000000'],
  ['master_repl_offset', 0],
  ['second_repl_offset', -1],
  ['repl_backlog_active', 0],
  ['repl_backlog_size', 1048576],
  ['repl_backlog_first_byte_offset', 0],
  ['repl_backlog_histlen', 0],
];

const cpu: Section = () => {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
    ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
};

const modules: Section = () => [];

const commandstats: Section = (s) => {
  const out: [string, string][] = [];
  for (const cmd of s.commands.all.values()) {
    const st = cmd.stats;
    if (st.calls === 0 && st.failedCalls === 0 && st.rejectedCalls === 0) continue;
    const perCall = st.calls === 0 ? 0 : st.usec / st.calls;
    out.push([
      `cmdstat_${cmd.fullName}`,
      `calls=${st.calls},usec=${st.usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejectedCalls},failed_calls=${st.failedCalls}`,
    ]);
  }
  return out;
};

const errorstats: Section = (s) => [...s.stats.errors].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);

const keyspace: Section = (s) => {
  const out: [string, string][] = [];
  for (const db of s.dbs) {
    if (db.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=0`]);
  }
  return out;
};

const SECTIONS: Record<string, [string, Section]> = {
  server: ['Server', server],
  clients: ['Clients', clients],
  memory: ['Memory', memory],
  persistence: ['Persistence', persistence],
  stats: ['Stats', stats],
  replication: ['Replication', replication],
  cpu: ['CPU', cpu],
  modules: ['Modules', modules],
  commandstats: ['Commandstats', commandstats],
  errorstats: ['Errorstats', errorstats],
  keyspace: ['Keyspace', keyspace],
};

const DEFAULT = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'keyspace'];
const ALL = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'keyspace'];

/** The INFO text for the requested sections (none = default; "all", "everything", "default"). */
export function infoText(s: Server, requested: readonly string[]): string {
  const names = new Set<string>();
  const wanted = requested.length === 0 ? ['default'] : requested.map((r) => r.toLowerCase());
  for (const w of wanted) {
    if (w === 'default') DEFAULT.forEach((n) => names.add(n));
    else if (w === 'all' || w === 'everything') ALL.forEach((n) => names.add(n));
    else names.add(w);
  }
  const parts: string[] = [];
  for (const name of ALL) {
    if (!names.has(name)) continue;
    const [title, build] = SECTIONS[name]!;
    const lines = build(s).map(([k, v]) => `${k}:${v}`);
    parts.push([`# ${title}`, ...lines].join('\r\n') + '\r\n');
  }
  return parts.join('\r\n');
}
