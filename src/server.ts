/**
 * The server: databases, clients, configuration, statistics, listeners and the cron.
 * Command modules reach everything they need through `client.server`.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { unlinkSync, existsSync, chmodSync } from 'node:fs';
import { Config } from './config/config.js';
import { Database, type KeyspaceHost, type LfuSettings } from './keyspace/db.js';
import { activeExpireCycle } from './keyspace/expire.js';
import { Client } from './network/client.js';
import { adoptSocket } from './network/adopt-socket.js';
import { CommandRegistry, type Command } from './commands/registry.js';
import { ALL_COMMAND_TABLES } from './commands/index.js';
import { processCommand, call } from './commands/dispatch.js';
import { BlockingManager } from './blocking/blocking.js';
import { debugGate } from './commands/server-cmd.js';
import { Transactions } from './transactions/multi.js';
import { PubSub } from './pubsub/pubsub.js';
import { Tracking } from './tracking/tracking.js';
import { ClientPause } from './pause/pause.js';
import { RdbPersistence } from './persistence/rdb-persistence.js';
import { AppendOnlyFile } from './persistence/aof/append-only.js';
import { ServerStats } from './info/stats.js';
import { Logger, type LogLevel } from './logger.js';
import { MAX_CLIENTS, LOADING, type ReplyError } from './errors.js';
import { NOTIFY } from './config/definitions.js';
import { SlowLog } from './info/slowlog.js';
import { LatencyMonitor } from './info/latency.js';

import { REDIS_COMPAT_VERSION } from './version.js';

/** Redis version nodis answers as. */
export const REDIS_VERSION = REDIS_COMPAT_VERSION;

/** A check run before a command executes; returns the error to reject it with, or null. */
export type CommandGate = (c: Client, cmd: Command, argv: string[]) => ReplyError | null;
/** Takes over a command (MULTI queueing, for example); returns true when it handled it. */
export type CommandInterceptor = (c: Client, cmd: Command, argv: string[]) => boolean;
/** Receives every write to replay elsewhere (AOF, replicas): the db and the argv to replay. */
export type PropagationSink = (dbIndex: number, argv: readonly string[]) => void;
/**
 * Sees every modified key (WATCH, client-side caching); `by` is the client whose command made
 * the change, null when the server did it (expiry, eviction), as Redis's signalModifiedKey(c,...).
 */
export type KeyModifiedListener = (db: Database, key: string | null, by: Client | null) => void;
/** Sees keyspace events (keyspace notifications). */
export type KeyspaceEventListener = (type: number, event: string, key: string, dbIndex: number) => void;

export interface ListenAddress {
  host: string;
  port: number;
}

export class Server implements KeyspaceHost {
  readonly config: Config;
  readonly log = new Logger();
  readonly stats = new ServerStats();
  readonly commands = new CommandRegistry(ALL_COMMAND_TABLES);
  readonly slowlog: SlowLog;
  readonly latency = new LatencyMonitor();
  dbs: Database[] = [];
  readonly clients = new Map<number, Client>();
  /** Time snapshot of the command being run (ms); expiry decisions use it. */
  nowMs = Date.now();
  /**
   * Wall clock minus the monotonic clock, refreshed by the cron: the dispatcher derives each
   * command's wall time from the one performance.now() it takes anyway, instead of a second
   * clock call per command.
   */
  clockOffsetMs = performance.timeOrigin;
  /** Monotonic ms when the current command started (see refreshClock). */
  clock = performance.now();
  /** slowlog-log-slower-than and latency-monitor-threshold, cached for the per-command check. */
  private slowlogThreshold = 0;
  private latencyThreshold = 0;
  /** Write counter since the last save (server.dirty). */
  dirty = 0;
  /** LASTSAVE: the last successful save, or startup time until one happens. */
  lastSaveMs = Date.now();
  random: () => number = Math.random;
  activeExpireEnabled = true;
  expiryPaused = false;

  /** Clients waiting in blocking commands (BLPOP...), served when their keys get data. */
  readonly blocking: BlockingManager = new BlockingManager(
    (c, cmd, argv) => {
      this.refreshClock();
      call(this, c, cmd, argv);
    },
    () => this.flushPendingWrites(),
  );

  readonly gates: CommandGate[] = [];
  private servingBlocked = false;
  /** >0 while EXEC runs its queue: blocked clients are served after the whole transaction. */
  execDepth = 0;
  /**
   * The client whose command is running (Redis's server.current_client): set by call(), kept
   * across nested calls made for it by a fake client (scripts); null between commands.
   */
  currentClient: Client | null = null;
  /** MULTI/EXEC and WATCH state (installs the dispatcher's queueing interceptor). */
  readonly transactions: Transactions;
  /** Pub/Sub subscriptions, delivery and keyspace notifications (counters read by INFO). */
  readonly pubsub: PubSub;
  /** Client-side caching: the keys tracking clients read, and their invalidations. */
  readonly tracking: Tracking;
  /** CLIENT PAUSE: postpones commands (and stops expiry) until the pause ends. */
  readonly pause: ClientPause;

  /** dbAdd's signalKeyAsReady: a new list/zset key may serve clients blocked on it. */
  keyAdded(db: Database, key: string): void {
    if (this.blocking.count !== 0) this.blocking.signalReady(db, key);
  }
  /** dbAdd: notifyKeyspaceEvent(NOTIFY_NEW, "new") for every key created. */
  keyCreated(db: Database, key: string): void {
    if (this.keyspaceEventListeners.length !== 0) this.notifyKeyspaceEvent(NOTIFY.NEW, 'new', key, db.id);
  }
  interceptCommand: CommandInterceptor | null = null;
  /** Set while CLIENT PAUSE lasts: takes the commands that must wait (null otherwise: one check). */
  postponeCommand: CommandInterceptor | null = null;
  /**
   * Set while a background save runs: call() gives it each write command before the command
   * runs, so the snapshot can keep the old values (copy-on-write). Null otherwise: one check.
   */
  beforeWrite: ((c: Client, cmd: Command, argv: string[]) => void) | null = null;
  /** RDB snapshots: SAVE, BGSAVE, save points, loading at startup. */
  readonly rdb: RdbPersistence;
  /** The append-only file: appending, fsync policy, rewrites, loading at startup. */
  readonly aof: AppendOnlyFile;
  readonly propagationSinks: PropagationSink[] = [];
  readonly keyModifiedListeners: KeyModifiedListener[] = [];
  readonly keyspaceEventListeners: KeyspaceEventListener[] = [];
  /** Cleanup run when the server stops (persistence, timers of features). */
  readonly shutdownHooks: (() => void | Promise<void>)[] = [];
  /** Features that keep clients waiting on purpose (blocking, pub/sub) exempt them from `timeout`. */
  readonly idleTimeoutExemptions: ((c: Client) => boolean)[] = [(c) => c.blocked !== null];
  /** Features add per-tick work here (client timeouts, save points...). */
  readonly cronJobs: ((now: number) => void)[] = [];

  private nextClientId = 1;
  /** Clients with replies to send (each at most once: Client.pendingWrite guards it). */
  private pendingWrites: Client[] = [];
  private flushScheduled = false;
  /**
   * True while a client's input batch runs: replies queued meanwhile are scheduled once, when
   * the batch ends (afterInputBatch), not once per reply.
   */
  inInputBatch = false;
  private readonly listeners: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  /** Addresses actually bound, with the real port (useful when port 0 picked one). */
  readonly boundAddresses: ListenAddress[] = [];
  /** Resolves when the server has stopped (SHUTDOWN, signal, stop()). */
  readonly stopped: Promise<void>;
  private resolveStopped!: () => void;
  /** Set by SHUTDOWN to end the process with this code (the CLI honours it). */
  exitCode = 0;

  constructor(config: Config = new Config()) {
    this.config = config;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.slowlog = new SlowLog(config);
    const count = config.num('databases');
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
    this.log.level = config.get('loglevel') as LogLevel;
    this.log.file = config.get('logfile');
    config.onChange('loglevel', (v) => (this.log.level = v as LogLevel));
    config.onChange('hz', () => this.scheduleCron());
    config.onChange('proto-max-bulk-len', () => this.forEachClient((c) => c.refreshParserLimits()));
    this.transactions = new Transactions(this);
    this.pubsub = new PubSub(this);
    this.tracking = new Tracking(this);
    this.pause = new ClientPause(this);
    this.rdb = new RdbPersistence(this);
    this.aof = new AppendOnlyFile(this);
    // Startup loads the AOF when it is enabled, else the RDB file (loadDataFromDisk).
    this.startupHooks.push(async () => {
      if (!(await this.aof.loadAtStartup())) await this.rdb.loadAtStartup();
    });
    const debugAllowed = debugGate(this);
    this.gates.push((c, cmd) => debugAllowed(c, cmd.fullName));
    this.updateLfu();
    for (const name of ['maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time']) config.onChange(name, () => this.updateLfu());
    this.slowlogThreshold = config.num('slowlog-log-slower-than');
    this.latencyThreshold = config.num('latency-monitor-threshold');
    config.onChange('slowlog-log-slower-than', () => (this.slowlogThreshold = config.num('slowlog-log-slower-than')));
    config.onChange('latency-monitor-threshold', () => (this.latencyThreshold = config.num('latency-monitor-threshold')));
  }

  /** Reads the monotonic clock: the next command starts now. Call at each batch's start. */
  refreshClock(): void {
    this.clock = performance.now();
    this.nowMs = Math.floor(this.clockOffsetMs + this.clock);
  }

  // ---- KeyspaceHost ------------------------------------------------------------------

  get lruClock(): number {
    return Math.floor(this.nowMs / 1000);
  }

  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.notifyKeyspaceEvent(NOTIFY.EXPIRED, 'expired', key, db.id);
    this.signalModifiedKey(db, key, null);
    this.alsoPropagate(db.id, ['DEL', key]);
  }

  keyspaceHit(hit: boolean): void {
    if (hit) this.stats.keyspaceHits++;
    else this.stats.keyspaceMisses++;
  }

  /** LFU settings while maxmemory-policy is an LFU policy, else null (see Database). */
  lfu: LfuSettings | null = null;

  private updateLfu(): void {
    const policy = this.config.get('maxmemory-policy');
    this.lfu = policy.endsWith('-lfu')
      ? { logFactor: this.config.num('lfu-log-factor'), decayTime: this.config.num('lfu-decay-time'), random: () => this.random() }
      : null;
  }

  get hz(): number {
    return this.config.num('hz');
  }

  get activeExpireEffort(): number {
    return this.config.num('active-expire-effort');
  }

  // ---- Keyspace change signals -------------------------------------------------------

  /** signalModifiedKey: WATCH and client-side caching learn that `key` changed (null = whole db). */
  signalModifiedKey(db: Database, key: string | null, by: Client | null = this.currentClient): void {
    for (const l of this.keyModifiedListeners) l(db, key, by);
  }

  /** Sees FLUSHDB (the db index) and FLUSHALL (-1): client-side caching invalidates everything. */
  readonly flushListeners: ((dbIndex: number) => void)[] = [];
  /** signalFlushedDb: every key of the db (-1: of every db) is gone. */
  signalFlushedDb(dbIndex: number): void {
    for (const db of dbIndex === -1 ? this.dbs : [this.dbs[dbIndex]!]) this.signalModifiedKey(db, null);
    for (const l of this.flushListeners) l(dbIndex);
  }

  /** notifyKeyspaceEvent: emits when notify-keyspace-events enables the class. */
  notifyKeyspaceEvent(type: number, event: string, key: string, dbIndex: number): void {
    if (this.keyspaceEventListeners.length === 0) return;
    for (const l of this.keyspaceEventListeners) l(type, event, key, dbIndex);
  }

  /** Sends a write to every propagation sink (AOF, replicas). */
  /**
   * alsoPropagate: queues a write for the propagation sinks (AOF, replicas). Writes made
   * while a command runs (its own, its nested commands', keys it expired) go out together
   * when the top-level command ends; outside any command, at once.
   */
  alsoPropagate(dbIndex: number, argv: readonly string[]): void {
    if (this.propagationSinks.length === 0) return;
    this.pendingPropagation.push([dbIndex, argv]);
    if (this.callDepth === 0) this.propagatePending();
  }

  /** propagatePendingCommands: several writes from one command are replayed as one MULTI/EXEC. */
  private propagatePending(): void {
    const ops = this.pendingPropagation;
    this.pendingPropagation = [];
    const wrap = ops.length > 1;
    const sinks = this.propagationSinks;
    if (wrap) for (const sink of sinks) sink(ops[0]![0], ['MULTI']);
    for (const [db, argv] of ops) for (const sink of sinks) sink(db, argv);
    if (wrap) for (const sink of sinks) sink(ops[0]![0], ['EXEC']);
  }

  /** Writes waiting for the end of the top-level command (see alsoPropagate). */
  private pendingPropagation: [number, readonly string[]][] = [];
  /** Nesting of call(): EXEC and scripts run commands from inside a command. */
  callDepth = 0;

  // ---- Command execution -------------------------------------------------------------

  executeClientCommand(c: Client, argv: string[]): void {
    processCommand(this, c, argv);
  }

  commandGate(c: Client, cmd: Command, argv: string[]): ReplyError | null {
    const gates = this.gates;
    for (let i = 0; i < gates.length; i++) {
      const e = gates[i]!(c, cmd, argv);
      if (e !== null) return e;
    }
    return null;
  }

  /** Hooks run when a command is rejected before running (MULTI marks the transaction dirty). */
  readonly rejectListeners: ((c: Client) => void)[] = [];
  commandRejected(c: Client): void {
    for (const l of this.rejectListeners) l(c);
  }

  /** After every executed command: slow log, latency monitor, propagation, blocked clients. */
  /** Observers of every executed command (MONITOR). */
  readonly commandListeners: ((c: Client, cmd: Command, argv: string[]) => void)[] = [];
  afterCommand(c: Client, cmd: Command, argv: string[], usec: number, dirtied: boolean): void {
    // Propagation first: a push must be replayed before the pops it serves below.
    if (dirtied && !cmd.runsCommands && this.propagationSinks.length !== 0) this.pendingPropagation.push([c.db.id, c.propagateArgv ?? argv]);
    if (this.callDepth === 0 && this.pendingPropagation.length !== 0) this.propagatePending();
    if (this.commandListeners.length !== 0) for (const l of this.commandListeners) l(c, cmd, argv);
    if (this.blocking.count !== 0 && !this.servingBlocked && this.execDepth === 0) {
      this.servingBlocked = true;
      try {
        this.blocking.serveReadyKeys();
      } finally {
        this.servingBlocked = false;
      }
    }
    if (this.slowlogThreshold >= 0 && usec >= this.slowlogThreshold) this.slowlog.consider(c, argv, usec, this.nowMs);
    if (this.latencyThreshold > 0 && usec >= this.latencyThreshold * 1000) {
      this.latency.considerCommand(cmd, usec, this.latencyThreshold);
    }
  }

  countError(code: string): void {
    this.stats.totalErrorReplies++;
    const errors = this.stats.errors;
    const n = errors.get(code);
    if (n !== undefined) errors.set(code, n + 1);
    else if (errors.size < 128) errors.set(code, 1);
  }

  /** True when a RESP2 client is subscribed: replies take pub/sub shapes and most commands are refused. */
  inPubSubReplyMode(c: Client): boolean {
    return c.subscriptionCount > 0 && c.w.resp === 2;
  }

  /** True when this server replicates from a primary (replication is a later feature). */
  readonly isReplica = false;

  /** Features reset their per-client state here on RESET (MULTI, WATCH, subscriptions, tracking...). */
  readonly resetListeners: ((c: Client) => void)[] = [];
  /** clearClientConnectionState: what RESET does, in Redis's order. */
  resetClient(c: Client): void {
    for (const l of this.resetListeners) l(c);
    c.db = this.dbs[0]!;
    c.w.resp = 2;
    c.replyMode = 'on';
    c.skipNext = false;
    c.w.muted = false;
    c.noEvict = false;
    c.noTouch = false;
    // The name goes; lib-name/lib-ver stay (they describe the library behind the connection).
    c.name = '';
    c.user = 'default';
    if (this.config.get('requirepass') !== '') {
      c.authenticated = false;
      c.refreshParserLimits();
    }
  }

  // ---- Clients and output ------------------------------------------------------------

  forEachClient(fn: (c: Client) => void): void {
    for (const c of this.clients.values()) fn(c);
  }

  addPendingWrite(c: Client): void {
    this.pendingWrites.push(c);
    if (!this.inInputBatch) this.scheduleOutput();
  }

  /**
   * End of one client's read. Its replies wait, like Redis's beforeSleep, until every socket
   * that was readable in this event-loop turn has been read (setImmediate runs right after
   * the poll phase): a reader on the other core is then woken once per turn instead of once
   * per socket. On this 2-core VM each of those wake-ups is an inter-processor interrupt, and
   * writing per read doubled the kernel time of a P16 EVALSHA (2.7 vs 1.4 µs per request) and
   * cost SET at P16 ~12% of its throughput.
   */
  afterInputBatch(): void {
    if (this.pendingWrites.length !== 0) this.scheduleOutput();
  }

  private scheduleOutput(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.writeOutput());
    }
  }

  /**
   * Writes out every client with pending replies (handleClientsWithPendingWrites). With
   * appendfsync always and writes waiting to be synced, the replies wait for the end of the
   * event-loop turn instead, so one fsync covers every client that wrote in it (group commit,
   * as Redis's beforeSleep does).
   */
  flushPendingWrites(): void {
    if (this.aof.syncsBeforeReplies) {
      this.scheduleOutput();
      return;
    }
    this.writeOutput();
  }

  private writeOutput(): void {
    this.flushScheduled = false;
    // The AOF is written (and with appendfsync always, synced) before any reply goes out.
    if (!this.aof.flush()) return;
    const pending = this.pendingWrites;
    if (pending.length === 0) return;
    // A flush may queue replies for other clients (a close wakes others): they go out in this pass.
    for (let i = 0; i < pending.length; i++) pending[i]!.flush();
    pending.length = 0;
  }

  /** Creates a client for an accepted connection, or refuses it past maxclients. */
  private accept(raw: net.Socket, unixPath: string | null): void {
    this.stats.connectionsReceived++;
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      refuseConnection(raw, `-${MAX_CLIENTS.reply}\r\n`);
      return;
    }
    if (unixPath === null && this.protectedModeRefuses(raw)) {
      this.stats.rejectedConnections++;
      refuseConnection(raw, PROTECTED_MODE_ERROR);
      return;
    }
    const addr = unixPath !== null ? `${unixPath}:0` : formatAddress(raw.remoteAddress, raw.remotePort);
    if (this.log.enabled('verbose')) this.log.verbose(unixPath !== null ? `Accepted connection to ${unixPath}` : `Accepted ${addr}`);
    const laddr = unixPath !== null ? `${unixPath}:0` : formatAddress(raw.localAddress, raw.localPort);
    let client: Client | null = null;
    const socket = adoptSocket(raw, (chunk) => client?.onData(chunk));
    socket.setNoDelay(true);
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0 && unixPath === null) socket.setKeepAlive(true, keepalive * 1000);
    const c = new Client(this.nextClientId++, socket, this, addr, laddr, unixPath !== null);
    client = c;
    this.clients.set(c.id, c);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      c.closed = true;
      this.unlinkClient(c);
    });
  }

  /** Protected mode (clientAcceptHandler): see protectedModeDenies. */
  private protectedModeRefuses(socket: net.Socket): boolean {
    return protectedModeDenies(this.config.bool('protected-mode'), this.config.get('requirepass') === '', socket.remoteAddress, false);
  }

  /** Hooks run when a client goes away (pub/sub, blocking, WATCH state cleanup). */
  readonly clientClosedListeners: ((c: Client) => void)[] = [(c) => this.blocking.unblock(c, false)];
  unlinkClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    // A closed client still in pendingWrites is skipped by its flush (it checks `closed`).
    for (const l of this.clientClosedListeners) l(c);
  }

  /** A client with no connection, for embedding and internal use (scripts, AOF loading). */
  createFakeClient(): Client {
    return new Client(0, null, this, '', '');
  }

  // ---- Lifecycle ---------------------------------------------------------------------

  /**
   * Work done once listening (loading the dataset: clients get -LOADING meanwhile, as
   * Redis answers while it loads). A hook that throws stops the server.
   */
  readonly startupHooks: (() => void | Promise<void>)[] = [];

  /** Listens, then runs the startup hooks. `portOverride` 0 picks a free port. */
  async start(portOverride?: number): Promise<void> {
    await this.listen(portOverride);
    try {
      for (const hook of this.startupHooks) await hook();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  // ---- Loading ------------------------------------------------------------------------

  /** Set while the dataset loads at startup (INFO loading:1 and the loading_* fields). */
  loading: { readonly startMs: number; readonly totalBytes: number; loadedBytes: number } | null = null;
  /** Connected clients wait; the loader's own fake client (no socket) replays the AOF. */
  private readonly loadingGate: CommandGate = (c, cmd) => (cmd.isModuleOrLoading || c.socket === null ? null : LOADING);

  /** startLoading: commands not flagged `loading` are refused until endLoading. */
  beginLoading(totalBytes: number): void {
    if (this.loading === null) this.gates.push(this.loadingGate);
    this.loading = { startMs: Date.now(), totalBytes, loadedBytes: 0 };
  }

  loadingProgress(loadedBytes: number): void {
    if (this.loading !== null) this.loading.loadedBytes = loadedBytes;
  }

  endLoading(): void {
    if (this.loading === null) return;
    this.loading = null;
    this.gates.splice(this.gates.indexOf(this.loadingGate), 1);
  }

  /** SIGTERM/SIGINT: shut down as SHUTDOWN would with no arguments. */
  /**
   * SIGTERM/SIGINT: shut down as shutdown-on-sigterm / shutdown-on-sigint say ("default":
   * save if save points are set). If the save fails the server keeps running, as Redis does.
   */
  async shutdownFromSignal(signal: 'sigint' | 'sigterm'): Promise<boolean> {
    const words = this.config.get(`shutdown-on-${signal}`).split(' ');
    const flags = { save: words.includes('save'), nosave: words.includes('nosave'), force: words.includes('force') };
    if (!this.rdb.shutdownSave(flags)) {
      this.log.warning(`${signal.toUpperCase()} received but errors trying to shut down the server, check the logs for more information`);
      return false;
    }
    await this.stop();
    return true;
  }

  /**
   * Starts listening on every `bind` address and the unix socket.
   * `portOverride` 0 picks a free port (embedding); the config's port 0 disables TCP, as in Redis.
   */
  async listen(portOverride?: number): Promise<void> {
    const configured = this.config.num('port');
    let port = portOverride ?? configured;
    const tcpEnabled = portOverride !== undefined || configured !== 0;
    if (tcpEnabled) {
      try {
        port = await this.bindTcp(this.config.get('bind'), port);
      } catch (e) {
        await this.closeListeners();
        throw e;
      }
      if (portOverride !== undefined) this.config.set('port', [String(port)]);
      if (!this.bindWatched) {
        this.bindWatched = true;
        this.config.onChange('bind', (value) => this.rebind(value));
      }
    }
    const unixsocket = this.config.get('unixsocket');
    if (unixsocket !== '') {
      if (existsSync(unixsocket)) unlinkSync(unixsocket);
      try {
        await listenOn(this.makeListener(unixsocket), { path: unixsocket });
      } catch (e) {
        this.log.warning(`Failed opening Unix socket: bind: ${bindErrorText(e)}`);
        await this.closeListeners();
        throw new Error('Failed listening on port 0 (unix), aborting.');
      }
      const perm = this.config.num('unixsocketperm');
      if (perm !== 0) chmodSync(unixsocket, perm);
    }
    this.scheduleCron();
  }

  /** TCP listeners (the bind addresses), apart from the unix socket's. */
  private readonly tcpListeners: net.Server[] = [];
  /** The bind value the TCP listeners were made from. */
  private boundBind = '';
  private bindWatched = false;
  private restoringBind = false;
  /** Settles when the last CONFIG SET bind has been applied (tests wait on it). */
  rebound: Promise<void> = Promise.resolve();

  /**
   * Listens on every address of a bind value ("*" and "::*" are the wildcards, a leading
   * "-" marks an address that may be unavailable); returns the port actually bound.
   * Throws "Failed listening on port N (tcp), aborting." after logging Redis's warning.
   */
  private async bindTcp(bind: string, port: number): Promise<number> {
    const binds = bind.split(' ').filter((b) => b !== '');
    for (const raw of binds.length > 0 ? binds : ['*', '-::*']) {
      const optional = raw.startsWith('-');
      const host = normalizeBindHost(optional ? raw.slice(1) : raw);
      const listener = this.makeListener(null);
      try {
        // IPv6 listeners are IPv6-only (Redis sets IPV6_V6ONLY), so "* ::*" can bind both.
        const ipv6Only = host.includes(':');
        const bound = await listenOn(listener, { host, port, backlog: this.config.num('tcp-backlog'), ipv6Only });
        port = bound.port;
        this.tcpListeners.push(listener);
        this.boundAddresses.push({ host, port });
      } catch (e) {
        this.forgetListener(listener);
        const code = (e as NodeJS.ErrnoException).code;
        this.log.warning(`Warning: Could not create server TCP listening socket ${optional ? raw.slice(1) : raw}:${port}: bind: ${bindErrorText(e)}`);
        if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'EINVAL')) continue;
        throw new Error(`Failed listening on port ${port} (tcp), aborting.`);
      }
    }
    this.boundBind = bind;
    return port;
  }

  private forgetListener(listener: net.Server): void {
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  private async closeTcpListeners(): Promise<void> {
    const closing = this.tcpListeners.map((l) => {
      this.forgetListener(l);
      return new Promise<void>((resolve) => l.close(() => resolve()));
    });
    this.tcpListeners.length = 0;
    this.boundAddresses.length = 0;
    await Promise.all(closing);
  }

  /**
   * CONFIG SET bind (applyBind): closes the TCP listeners and listens on the new
   * addresses, same port. If that fails, the previous addresses (and value) come back
   * and the failure is logged ("Failed to bind to specified addresses.").
   */
  private rebind(value: string): void {
    if (this.restoringBind || this.stopping !== null || this.tcpListeners.length === 0) return;
    const previous = this.boundBind;
    const port = this.port;
    this.rebound = this.rebound.then(async () => {
      await this.closeTcpListeners();
      try {
        await this.bindTcp(value, port);
      } catch {
        this.log.warning('Failed to bind to specified addresses.');
        await this.closeTcpListeners();
        this.restoringBind = true;
        try {
          this.config.set('bind', [previous]);
        } finally {
          this.restoringBind = false;
        }
        await this.bindTcp(previous, port).catch((e: Error) => this.log.warning(e.message));
      }
    });
  }

  /** The TCP port clients can connect to (after listen). */
  get port(): number {
    return this.boundAddresses[0]?.port ?? this.config.num('port');
  }

  private makeListener(unixPath: string | null): net.Server {
    // pauseOnConnect: no read may happen before adoptSocket gives the connection its read buffer.
    // maxclients is enforced in accept() with Redis's error, not by net.Server's silent limit.
    const listener = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket, unixPath));
    this.listeners.push(listener);
    return listener;
  }

  private scheduleCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    if (this.stopping !== null) return;
    const period = Math.max(1, Math.floor(1000 / Math.max(1, this.config.num('hz'))));
    this.cronTimer = setInterval(() => this.cron(), period);
    this.cronTimer.unref();
  }

  /** serverCron: active expiry, statistics, idle clients and every feature's periodic work. */
  private cron(): void {
    const now = Date.now();
    this.nowMs = now;
    // Keep the sub-millisecond origin (Date.now() truncates, which would make times run up to
    // 1 ms early); re-anchor only if the wall clock moved (NTP step, manual change).
    const estimate = this.clockOffsetMs + performance.now();
    if (Math.abs(estimate - now) > 2) this.clockOffsetMs = now + 0.5 - performance.now();
    this.refreshClock();
    const cycle = activeExpireCycle(this);
    if (cycle.timedOut) this.stats.expiredTimeCapReachedCount++;
    this.stats.sample(now);
    this.closeIdleClients(now);
    for (const job of this.cronJobs) job(now);
    this.flushPendingWrites();
  }

  /** `timeout`: closes clients idle for longer, except blocked and subscribed ones (clientsCronHandleTimeout). */
  private closeIdleClients(now: number): void {
    const timeout = this.config.num('timeout');
    if (timeout === 0) return;
    for (const c of this.clients.values()) {
      if (c.exemptFromIdleTimeout()) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        this.log.verbose('Closing idle client');
        c.close();
      }
    }
  }

  /** Stops listening, disconnects every client and ends the cron. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.stopping = (async () => {
      if (this.cronTimer !== null) clearInterval(this.cronTimer);
      this.cronTimer = null;
      for (const hook of this.shutdownHooks) await hook();
      this.flushPendingWrites();
      // Clients go before the listeners are awaited: a listener closes only once its
      // connections are gone.
      const listenersClosed = this.closeListeners();
      for (const c of [...this.clients.values()]) c.close();
      await listenersClosed;
      const unixsocket = this.config.get('unixsocket');
      if (unixsocket !== '' && existsSync(unixsocket)) {
        try {
          unlinkSync(unixsocket);
        } catch {
          // already gone
        }
      }
      this.resolveStopped();
    })();
    return this.stopping;
  }

  private async closeListeners(): Promise<void> {
    const closing = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    this.listeners.length = 0;
    for (const c of this.clients.values()) c.socket?.unref();
    await Promise.all(closing);
  }
}

/** strerror() text for the errors bind(2) reports, as Redis logs them. */
function bindErrorText(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return 'Address already in use';
    case 'EADDRNOTAVAIL':
      return 'Cannot assign requested address';
    case 'EACCES':
      return 'Permission denied';
    case 'EAFNOSUPPORT':
      return 'Address family not supported by protocol';
    default:
      return (e as Error).message;
  }
}

/**
 * Writes a best-effort error and closes (acceptCommonHandler: connWrite + connClose).
 * The socket is paused (pauseOnConnect), so it would never read the peer's FIN: destroy
 * it once the message is flushed instead of waiting for a half-close.
 */
function refuseConnection(raw: net.Socket, message: string): void {
  raw.on('error', () => undefined);
  raw.end(message, () => raw.destroy());
}

function listenOn(listener: net.Server, options: net.ListenOptions): Promise<{ port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    listener.once('error', onError);
    listener.listen(options, () => {
      listener.off('error', onError);
      const address = listener.address();
      resolve({ port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

/** Redis's "*" and "::*" wildcards are Node's "0.0.0.0" and "::". */
function normalizeBindHost(host: string): string {
  if (host === '*') return '0.0.0.0';
  if (host === '::*') return '::';
  return host;
}

/**
 * Protected mode's decision for a new connection (clientAcceptHandler + connIsLocal in
 * Redis 7.2): refused when protected mode is on, the default user has no password, and
 * the peer is neither a unix socket nor a loopback address ("127.*" or "::1"; an
 * IPv4-mapped "::ffff:127.*" is the same peer seen through a dual-stack socket).
 */
export function protectedModeDenies(
  protectedMode: boolean,
  defaultUserNoPassword: boolean,
  remoteAddress: string | undefined,
  unixSocket: boolean,
): boolean {
  if (!protectedMode || !defaultUserNoPassword || unixSocket) return false;
  let ip = remoteAddress ?? '';
  if (ip.startsWith('::ffff:')) ip = ip.slice(7);
  return !(ip.startsWith('127.') || ip === '::1');
}

/** "ip:port" as CLIENT LIST shows it; IPv4-mapped IPv6 addresses are shown as IPv4. */
export function formatAddress(address: string | undefined, port: number | undefined): string {
  let host = address ?? '?';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return `${host}:${port ?? 0}`;
}

const PROTECTED_MODE_ERROR =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. ' +
  'If you want to connect from external computers to Redis you may adopt one of the following solutions: ' +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
  "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
  "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
  '4) Set up an authentication password for the default user. ' +
  'NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';
