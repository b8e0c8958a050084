/**
 * Blocking commands (blocked.c), for every type that has them (lists now; sorted sets and
 * streams use the same API):
 *
 *   - A handler that finds nothing to serve calls `block(c, keys, timeoutMs, onTimeout)` and
 *     returns without replying. The client's input pauses (pipelined commands wait).
 *   - When a key a client waits on may have data (a list or zset created by dbAdd), the
 *     database signals it; after the current command, `serveReadyKeys()` re-runs each
 *     waiting client's command, in FIFO order per key, exactly as Redis 7.2 re-processes
 *     blocked commands. A handler that can serve replies normally; one that still can't
 *     calls block() again, which keeps its place in the queue.
 *   - On timeout the client gets `onTimeout`'s reply; CLIENT UNBLOCK forces a timeout or an
 *     error; a disconnect just forgets the client.
 *   - Inside MULTI (and scripts) `c.denyBlocking` is set: handlers reply as for a timeout.
 */
import type { Client } from '../network/client.js';
import type { Database } from '../keyspace/db.js';
import type { Command } from '../commands/registry.js';
import { UNBLOCKED } from '../errors.js';
import { valueKind } from '../types/value.js';

/** The value type a blocked command waits for (Redis's btype): a key of another type does not serve it. */
export type BlockedKind = 'list' | 'zset';

export interface BlockState {
  readonly db: Database;
  readonly keys: readonly string[];
  readonly argv: string[];
  readonly cmd: Command;
  readonly kind: BlockedKind;
  readonly onTimeout: (c: Client) => void;
  timer: NodeJS.Timeout | null;
  readonly since: number;
}

/** Runs a command for a client (dispatch's call()), injected to avoid an import cycle. */
export type CommandRunner = (c: Client, cmd: Command, argv: string[]) => void;

export class BlockingManager {
  /** Per database, per key: the clients waiting on it, first come first served. */
  private readonly waiting = new Map<Database, Map<string, Client[]>>();
  private ready: [Database, string][] = [];
  private readonly readySet = new Set<string>();
  /** Set while a blocked command is being retried: block() then only keeps the client waiting. */
  private retrying: Client | null = null;
  private retryBlocked = false;
  count = 0;

  constructor(
    private readonly run: CommandRunner,
    private readonly flush: () => void,
  ) {}

  /**
   * Blocks `c` on `keys` until data arrives or `timeoutMs` (absolute ms, 0 = forever) passes.
   * The current command (c.currentCommand / argv) is re-run when a key becomes ready.
   */
  block(c: Client, cmd: Command, argv: string[], kind: BlockedKind, keys: readonly string[], timeoutAtMs: number, onTimeout: (c: Client) => void): void {
    if (this.retrying === c) {
      this.retryBlocked = true;
      return;
    }
    const state: BlockState = { db: c.db, keys: [...new Set(keys)], argv, cmd, kind, onTimeout, timer: null, since: Date.now() };
    c.blocked = state;
    c.inputPaused = true;
    this.count++;
    let perDb = this.waiting.get(c.db);
    if (perDb === undefined) {
      perDb = new Map();
      this.waiting.set(c.db, perDb);
    }
    for (const key of state.keys) {
      const queue = perDb.get(key);
      if (queue === undefined) perDb.set(key, [c]);
      else queue.push(c);
    }
    if (timeoutAtMs > 0) {
      const delay = Math.max(0, timeoutAtMs - Date.now());
      state.timer = setTimeout(() => this.timeout(c), delay);
    }
  }

  /** True when some client waits on `key` in `db` (cheap check before signalling). */
  hasWaiters(db: Database): boolean {
    return this.waiting.has(db);
  }

  /** signalKeyAsReady: a key clients may wait on now holds a list/zset. */
  signalReady(db: Database, key: string): void {
    const perDb = this.waiting.get(db);
    if (perDb === undefined || !perDb.has(key)) return;
    const id = `${db.id}\u0000${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push([db, key]);
  }

  /**
   * scanDatabaseForReadyKeys (after SWAPDB): every key clients wait on in `db` that now
   * exists may serve them.
   */
  signalExistingKeys(db: Database): void {
    const perDb = this.waiting.get(db);
    if (perDb === undefined) return;
    for (const key of perDb.keys()) if (db.peek(key) !== undefined) this.signalReady(db, key);
  }

  /**
   * handleClientsBlockedOnKeys: serves waiting clients of every ready key, FIFO. A client
   * whose key now holds another type (pushed, then deleted and set as a string inside one
   * MULTI) stays blocked, as in Redis.
   */
  serveReadyKeys(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      this.readySet.clear();
      for (const [db, key] of batch) {
        const queue = this.waiting.get(db)?.get(key);
        if (queue === undefined) continue;
        for (const c of [...queue]) {
          const state = c.blocked;
          if (state === null) continue;
          const value = state.db.peek(key);
          if (value === undefined || valueKind(value) !== state.kind) continue;
          // The blocked command runs against the db it blocked in.
          const savedDb = c.db;
          c.db = state.db;
          this.retrying = c;
          this.retryBlocked = false;
          try {
            this.run(c, state.cmd, state.argv);
          } finally {
            this.retrying = null;
            c.db = savedDb;
          }
          if (!this.retryBlocked) this.unblock(c, true);
        }
      }
    }
  }

  private timeout(c: Client): void {
    const state = c.blocked;
    if (state === null) return;
    state.onTimeout(c);
    this.unblock(c, true);
    this.flush();
  }

  /** CLIENT UNBLOCK: `error` sends -UNBLOCKED, otherwise the timeout reply. */
  unblockByRequest(c: Client, error: boolean): boolean {
    const state = c.blocked;
    if (state === null) return false;
    if (error) {
      // unblockClientOnError: addReplyError counts it in errorstats, updateStatsOnUnblock marks the blocked command failed.
      c.w.error(UNBLOCKED.reply);
      c.server.countError(UNBLOCKED.code);
      state.cmd.stats.failedCalls++;
    } else state.onTimeout(c);
    this.unblock(c, true);
    return true;
  }

  /** Forgets the client's wait; with `resume`, its pipelined input runs now. */
  unblock(c: Client, resume: boolean): void {
    const state = c.blocked;
    if (state === null) return;
    if (state.timer !== null) clearTimeout(state.timer);
    const perDb = this.waiting.get(state.db);
    if (perDb !== undefined) {
      for (const key of state.keys) {
        const queue = perDb.get(key);
        if (queue === undefined) continue;
        const i = queue.indexOf(c);
        if (i !== -1) queue.splice(i, 1);
        if (queue.length === 0) perDb.delete(key);
      }
      if (perDb.size === 0) this.waiting.delete(state.db);
    }
    c.blocked = null;
    c.inputPaused = false;
    this.count--;
    c.markPendingWrite();
    if (resume && !c.closed) c.processInput();
  }
}
