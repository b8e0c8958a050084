/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH (multi.c). A client in MULTI has its commands queued by
 * the dispatcher's interceptor (+QUEUED); a command rejected while queueing (unknown, wrong
 * arity) marks the transaction so EXEC answers EXECABORT. WATCHed keys: any change signalled
 * through Server.signalModifiedKey (writes, expiry, FLUSH*, SWAPDB, RENAME...) by anyone
 * makes the watcher's EXEC answer a null array. EXEC runs the queue synchronously, so no
 * other client's command can interleave.
 */
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';
import type { Command } from '../commands/registry.js';
import type { Database } from '../keyspace/db.js';
import { call } from '../commands/dispatch.js';
import { EXECABORT, EXEC_WITHOUT_MULTI, MULTI_NESTED, WATCH_IN_MULTI } from '../errors.js';

interface Queued {
  cmd: Command;
  argv: string[];
}

export interface MultiState {
  queue: Queued[];
  /** A command was rejected while queueing: EXEC must abort. */
  aborted: boolean;
}

/** Commands that run immediately even inside MULTI (processCommand's exceptions). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export class Transactions {
  private readonly multi = new Map<Client, MultiState>();
  /** Per database, per key: the clients watching it. */
  private readonly watchers = new Map<Database, Map<string, Set<Client>>>();
  /** Per client: what it watches. */
  private readonly watched = new Map<Client, { db: Database; key: string }[]>();
  /** Clients whose watched keys changed (CLIENT_DIRTY_CAS). */
  private readonly dirty = new Set<Client>();

  constructor(private readonly server: Server) {
    server.interceptCommand = (c, cmd, argv) => this.intercept(c, cmd, argv);
    server.rejectListeners.push((c) => {
      const state = this.multi.get(c);
      if (state !== undefined) state.aborted = true;
    });
    server.keyModifiedListeners.push((db, key) => this.touched(db, key));
    const forget = (c: Client): void => {
      this.discard(c);
      this.unwatchAll(c);
    };
    server.resetListeners.push(forget);
    server.clientClosedListeners.push(forget);
  }

  /** The commands a client in MULTI has queued (CLIENT PAUSE WRITE looks at EXEC's). */
  queued(c: Client): Command[] {
    return this.multi.get(c)?.queue.map((q) => q.cmd) ?? [];
  }

  inMulti(c: Client): boolean {
    return this.multi.has(c);
  }

  private intercept(c: Client, cmd: Command, argv: string[]): boolean {
    // Every command passes here: the client's flag answers without a Map lookup.
    if (!c.inMulti) return false;
    const state = this.multi.get(c);
    if (state === undefined) return false;
    const top = cmd.parent ?? cmd;
    if (NOT_QUEUED.has(top.fullName)) return false;
    state.queue.push({ cmd, argv });
    c.multiCount = state.queue.length;
    c.w.simple('QUEUED');
    c.markPendingWrite();
    return true;
  }

  begin(c: Client): void {
    if (this.multi.has(c)) throw MULTI_NESTED;
    this.multi.set(c, { queue: [], aborted: false });
    c.inMulti = true;
    c.multiCount = 0;
  }

  discard(c: Client): boolean {
    if (!this.multi.delete(c)) return false;
    c.inMulti = false;
    c.multiCount = 0;
    return true;
  }

  exec(c: Client): void {
    const state = this.multi.get(c);
    if (state === undefined) throw EXEC_WITHOUT_MULTI;
    this.discard(c);
    const dirty = this.dirty.has(c);
    this.unwatchAll(c);
    if (state.aborted) throw EXECABORT;
    if (dirty) {
      c.w.nullArray();
      return;
    }
    c.w.arrayHeader(state.queue.length);
    // Blocking commands must not block inside a transaction.
    const denied = c.denyBlocking;
    c.denyBlocking = true;
    this.server.execDepth++;
    try {
      for (const { cmd, argv } of state.queue) call(this.server, c, cmd, argv);
    } finally {
      this.server.execDepth--;
      c.denyBlocking = denied;
    }
  }

  watch(c: Client, keys: readonly string[]): void {
    if (this.multi.has(c)) throw WATCH_IN_MULTI;
    let list = this.watched.get(c);
    if (list === undefined) {
      list = [];
      this.watched.set(c, list);
    }
    for (const key of keys) {
      if (list.some((w) => w.db === c.db && w.key === key)) continue;
      list.push({ db: c.db, key });
      let perDb = this.watchers.get(c.db);
      if (perDb === undefined) {
        perDb = new Map();
        this.watchers.set(c.db, perDb);
      }
      let set = perDb.get(key);
      if (set === undefined) {
        set = new Set();
        perDb.set(key, set);
      }
      set.add(c);
    }
  }

  unwatchAll(c: Client): void {
    this.dirty.delete(c);
    const list = this.watched.get(c);
    if (list === undefined) return;
    this.watched.delete(c);
    for (const { db, key } of list) {
      const perDb = this.watchers.get(db);
      const set = perDb?.get(key);
      if (set === undefined) continue;
      set.delete(c);
      if (set.size === 0) perDb!.delete(key);
      if (perDb!.size === 0) this.watchers.delete(db);
    }
  }

  /** touchWatchedKey / touchAllWatchedKeysInDb */
  private touched(db: Database, key: string | null): void {
    if (this.watchers.size === 0) return;
    const perDb = this.watchers.get(db);
    if (perDb === undefined) return;
    if (key === null) {
      for (const set of perDb.values()) for (const c of set) this.dirty.add(c);
      return;
    }
    const set = perDb.get(key);
    if (set !== undefined) for (const c of set) this.dirty.add(c);
  }
}
