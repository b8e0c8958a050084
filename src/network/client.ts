/**
 * One connected client: its socket, its request parser and reply writer, and every piece
 * of per-connection state (db, protocol, name, auth, reply mode; later MULTI, WATCH,
 * subscriptions, blocking and tracking live here too), as Redis keeps them in `client`.
 */
import type { Socket } from 'node:net';
import { RespParser, ProtocolError, type ParserLimits } from './resp-parser.js';
import { ReplyWriter } from './reply-writer.js';
import { protocolError } from '../errors.js';
import { directWriter, type DirectWriter } from './direct-write.js';
import type { Database } from '../keyspace/db.js';
import type { Server } from '../server.js';
import type { BlockState } from '../blocking/blocking.js';
import type { TrackingState } from '../tracking/tracking.js';

export type ReplyMode = 'on' | 'off' | 'skip';

/** When the cross-protocol warning was last logged (Redis logs it at most once a minute). */
let lastSecurityWarning = 0;

/** processCommand's first check: "POST" or "Host:" (any case) means an HTTP client. */
function isCrossProtocolAttack(name: string): boolean {
  const n = name.length;
  if (n !== 4 && n !== 5) return false;
  const lower = name.toLowerCase();
  return lower === 'post' || lower === 'host:';
}

export class Client {
  readonly parser: RespParser;
  /** Shared with the parser, so auth and CONFIG SET proto-max-bulk-len apply to the next read. */
  private readonly parserLimits: ParserLimits;
  readonly w = new ReplyWriter();
  db: Database;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  readonly createdAt: number;
  lastInteraction: number;
  /** Full name of the last command run ("client|list"), for CLIENT LIST's cmd field. */
  lastCommand = 'NULL';
  replyMode: ReplyMode = 'on';
  /** CLIENT REPLY SKIP applies to the next command only. */
  skipNext = false;
  noEvict = false;
  noTouch = false;
  /** Close once the pending replies are written (QUIT, protocol error). */
  closeAfterReply = false;
  closed = false;
  /** Bytes received and sent, and commands run (INFO stats, CLIENT LIST). */
  netIn = 0;
  netOut = 0;
  commandsProcessed = 0;
  /**
   * Set by a handler whose effect must be replayed differently from how it was sent
   * (SET EX -> SET PXAT, INCRBYFLOAT -> SET KEEPTTL), as rewriteClientCommandVector does.
   */
  propagateArgv: string[] | null = null;
  /** Set while the client waits in a blocking command (src/blocking/blocking.ts). */
  blocked: BlockState | null = null;
  /** MULTI state (the transactions feature maintains these; CLIENT LIST shows them). */
  inMulti = false;
  multiCount = 0;
  /** Inside MULTI or a script: blocking commands must answer at once, as on timeout. */
  denyBlocking = false;
  /** CLIENT TRACKING options while tracking is on (src/tracking/tracking.ts), else null. */
  tracking: TrackingState | null = null;
  /** Channels + patterns + shard channels subscribed (RESP2 clients then enter pub/sub mode). */
  subscriptionCount = 0;
  /** True while the client is in the server's pending-write set. */
  pendingWrite = false;
  /** Set while this client's input must wait (blocked command, CLIENT PAUSE). */
  inputPaused = false;
  /** The connection this client came in on: a TCP socket or a unix socket. */
  readonly isUnixSocket: boolean;
  /** Replies go straight to the socket's handle when Node lets us (direct-write.ts). */
  private readonly direct: DirectWriter | null;

  constructor(
    readonly id: number,
    readonly socket: Socket | null,
    readonly server: Server,
    readonly addr: string,
    readonly laddr: string,
    /** True for a unix-socket connection (null: guess from the address, for older callers). */
    unixSocket: boolean | null = null,
  ) {
    this.db = server.dbs[0]!;
    this.authenticated = server.config.get('requirepass') === '';
    this.parserLimits = { maxBulkLen: server.config.num('proto-max-bulk-len'), authenticated: this.authenticated };
    this.parser = new RespParser(this.parserLimits);
    this.createdAt = Date.now();
    this.lastInteraction = this.createdAt;
    this.isUnixSocket = unixSocket ?? (socket !== null && addr.startsWith('/'));
    this.direct = socket === null ? null : directWriter(socket, () => this.close());
  }

  get dbIndex(): number {
    return this.db.id;
  }

  /** The parser's limits follow the configuration and the auth state. */
  refreshParserLimits(): void {
    const limits = this.parserLimits;
    limits.maxBulkLen = this.server.config.num('proto-max-bulk-len');
    limits.authenticated = this.authenticated;
  }

  /** Socket 'data': parse and run every complete command; the replies go out together at the end of the turn. */
  onData(chunk: Buffer): void {
    this.netIn += chunk.length;
    this.server.stats.netInputBytes += chunk.length;
    this.server.refreshClock();
    this.lastInteraction = this.server.nowMs;
    this.parser.feed(chunk);
    if (this.parser.pendingBytes > this.server.config.num('client-query-buffer-limit')) {
      this.server.log.warning(`Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`);
      this.close();
      return;
    }
    const server = this.server;
    server.inInputBatch = true;
    try {
      this.processInput();
    } finally {
      server.inInputBatch = false;
    }
    // The chunk is a view of the shared read buffer (adopt-socket.ts): keep no reference to it.
    this.parser.detach();
    server.afterInputBatch();
  }

  /** Runs buffered commands until the input is exhausted or the client must wait. */
  processInput(): void {
    const server = this.server;
    while (!this.inputPaused && !this.closeAfterReply && !this.closed) {
      let argv = this.pushedBack;
      if (argv !== null) this.pushedBack = null;
      else argv = this.parser.next();
      if (argv === null) break;
      if (argv instanceof ProtocolError) {
        server.stats.protocolErrors++;
        if (server.log.enabled('verbose')) {
          server.log.verbose(`Protocol error (${argv.message}) from client: id=${this.id} addr=${this.addr} laddr=${this.laddr} name=${this.name}`);
        }
        this.w.error(protocolError(argv.message).reply);
        server.countError('ERR');
        this.closeAfterReply = true;
        this.markPendingWrite();
        break;
      }
      if (isCrossProtocolAttack(argv[0]!)) {
        this.refuseCrossProtocol();
        return;
      }
      this.readingInput = true;
      server.executeClientCommand(this, argv);
      this.readingInput = false;
    }
  }

  /**
   * The next command of this client's input, for a command that runs its successors with it
   * (a pipelined run of EVALSHAs, scripting-cmd.ts): only while processInput runs one of its
   * commands. A command taken but not run goes back with pushBack.
   */
  takeNextCommand(): string[] | ProtocolError | null {
    if (!this.readingInput || this.pushedBack !== null) return null;
    return this.parser.next();
  }

  pushBack(argv: string[] | ProtocolError): void {
    this.pushedBack = argv;
  }

  /** True while processInput runs a command read from this client's input. */
  private readingInput = false;
  /** A command taken by takeNextCommand and given back: processInput runs it next. */
  private pushedBack: string[] | ProtocolError | null = null;

  /** securityWarningCommand: an HTTP request ("POST", "Host:") drops the connection, no reply. */
  private refuseCrossProtocol(): void {
    const now = Date.now();
    if (Math.abs(now - lastSecurityWarning) > 60_000) {
      lastSecurityWarning = now;
      this.server.log.warning(
        'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. ' +
          'This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. ' +
          `Connection from ${this.addr} aborted.`,
      );
    }
    this.close();
  }

  markPendingWrite(): void {
    if (!this.pendingWrite) {
      this.pendingWrite = true;
      this.server.addPendingWrite(this);
    }
  }

  /** Sends everything the writer holds. */
  flush(): void {
    this.pendingWrite = false;
    const socket = this.socket;
    const chunks = this.w.take();
    if (socket === null || this.closed) return;
    if (chunks !== null) {
      // Writing counts as interaction for `timeout`, as in Redis's writeToClient.
      this.lastInteraction = this.server.nowMs;
      if (this.direct !== null) {
        for (let i = 0; i < chunks.length && !this.closed; i++) this.send(socket, chunks[i]!);
      } else if (chunks.length === 1) this.send(socket, chunks[0]!);
      else {
        socket.cork();
        for (const c of chunks) this.send(socket, c);
        socket.uncork();
      }
    }
    if (this.closeAfterReply) {
      this.closed = true;
      // Like Redis's close(): once the last reply is out, close the descriptor entirely, so a
      // peer that keeps writing gets a reset instead of a half-open connection.
      socket.end(() => socket.destroy());
    }
  }

  private send(socket: Socket, chunk: Buffer | string): void {
    this.netOut += chunk.length;
    this.server.stats.netOutputBytes += chunk.length;
    if (this.direct !== null) {
      if (!this.direct.write(chunk)) this.close();
    } else if (typeof chunk === 'string') socket.write(chunk, 'latin1');
    else socket.write(chunk);
  }

  /** Closes the connection now, dropping unsent replies (CLIENT KILL, limits). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.w.discard();
    this.socket?.destroy();
    this.server.unlinkClient(this);
  }

  /** `timeout` does not apply to clients a feature says are waiting on purpose (blocked, subscribed). */
  exemptFromIdleTimeout(): boolean {
    for (const exempt of this.server.idleTimeoutExemptions) if (exempt(this)) return true;
    return false;
  }

  /** Bytes waiting to go out: our buffer plus the socket's own queue (omem, output limits). */
  get outputBytes(): number {
    return this.w.pendingBytes + (this.direct?.queuedBytes ?? 0) + (this.socket?.writableLength ?? 0);
  }
}
