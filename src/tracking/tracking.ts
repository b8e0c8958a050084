/**
 * Client-side caching (Redis's tracking.c): which clients may hold which keys, and the
 * invalidation messages sent when those keys change.
 *
 * - Default mode: the keys read by a tracking client's read-only commands go into a table
 *   key -> client ids; when a key changes every id in its entry is told once, and the entry
 *   goes (the client must read the key again to be told again).
 * - BCAST mode: nothing is remembered per client; every change to a key under one of the
 *   client's prefixes is collected and sent, batched per prefix, once the event loop turn ends.
 * - Messages are RESP3 pushes (`>2 invalidate [keys]`); a client may redirect them to another
 *   connection, which can be a RESP2 client subscribed to `__redis__:invalidate`.
 *
 * Like Redis, the table is global across databases and holds client ids, not clients: a
 * client that goes away leaves stale ids that are skipped and dropped lazily.
 */
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';
import type { Command } from '../commands/registry.js';
import { extractKeys } from '../commands/keys.js';
import { pushTo } from '../pubsub/pubsub.js';
import { type ReplyError, prefixOverlapsExisting, prefixOverlapsGiven } from '../errors.js';

/** One client's tracking options (the CLIENT_TRACKING_* flags and its redirection). */
export interface TrackingState {
  /** Client id invalidations go to; 0 = this connection. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES|NO given for the next command (or transaction). */
  caching: boolean;
  /** The redirect client went away (flag R in CLIENT LIST). */
  brokenRedirect: boolean;
  /** BCAST prefixes ("" = every key). */
  readonly prefixes: Set<string>;
}

export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** A prefix of BCAST clients and the keys changed under it since the last broadcast. */
interface BcastState {
  /** Changed key -> the client that changed it last (null: the server), for NOLOOP. */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** An invalidation for the client running a command, held until its reply is written. */
interface Pending {
  client: Client;
  /** null: everything (a flush). */
  key: string | null;
}

const CHANNEL = '__redis__:invalidate';

/** Read-only scripts are not tracked as a whole: the commands they run are. */
const UNTRACKED_READONLY = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/** memcmp order, which is the order of Redis's radix trees (keys are latin1 byte strings). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two prefixes collide when either starts with the other (a key could match both). */
function prefixesOverlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

export class Tracking {
  /** Key -> ids of the clients that may have it cached (TrackingTable). */
  private readonly table = new Map<string, Set<number>>();
  /** Total ids across the table (tracking_total_items). */
  private totalItems = 0;
  /** Prefix -> its BCAST state (PrefixTable). */
  private readonly prefixTable = new Map<string, BcastState>();
  private readonly pending: Pending[] = [];
  private broadcastScheduled = false;
  /** Clients with tracking on (tracking_clients). */
  clients = 0;

  constructor(private readonly server: Server) {
    server.keyModifiedListeners.push((_db, key, by) => {
      // Stale entries go too, even with no tracking client left (as Redis's table).
      if (key !== null && (this.table.size !== 0 || this.prefixTable.size !== 0)) this.invalidateKey(key, by, true);
    });
    server.flushListeners.push(() => this.invalidateAll());
    server.commandListeners.push((c, cmd, argv) => this.afterCommand(c, cmd, argv));
    server.rejectListeners.push((c) => this.commandDone(c, null));
    server.resetListeners.push((c) => this.disable(c));
    server.clientClosedListeners.push((c) => this.disable(c));
    server.cronJobs.push(() => this.limitTableSize());
  }

  get totalKeys(): number {
    return this.table.size;
  }
  get totalItemsCount(): number {
    return this.totalItems;
  }
  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  // ---- CLIENT TRACKING ON / OFF --------------------------------------------------------

  /**
   * checkPrefixCollisionsOrReply: the error for the first prefix overlapping one the client
   * already has or another given prefix, or null. `stopsCommand` reproduces Redis 7.2: when
   * the overlap is between two given prefixes and the first of them is not the first given,
   * Redis writes the error yet still enables tracking and replies +OK as well.
   */
  prefixCollision(c: Client, prefixes: readonly string[]): { error: ReplyError; stopsCommand: boolean } | null {
    const existing = c.tracking?.prefixes ?? new Set<string>();
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const old of [...existing].sort(byteOrder)) {
        if (prefixesOverlap(old, p)) {
          return {
            error: prefixOverlapsExisting(p, old),
            stopsCommand: true,
          };
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (prefixesOverlap(p, prefixes[j]!)) {
          return {
            error: prefixOverlapsGiven(p, prefixes[j]!),
            stopsCommand: i === 0,
          };
        }
      }
    }
    return null;
  }

  /** enableTracking: options replace the previous ones; BCAST prefixes accumulate. */
  enable(c: Client, o: TrackingOptions): void {
    let t = c.tracking;
    if (t === null) {
      this.clients++;
      t = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedirect: false, prefixes: new Set() };
      c.tracking = t;
    }
    t.redirect = o.redirect;
    t.brokenRedirect = false;
    t.bcast = o.bcast;
    t.optin = o.optin;
    t.optout = o.optout;
    t.noloop = o.noloop;
    if (o.bcast) {
      if (o.prefixes.length === 0) this.addPrefix(c, t, '');
      for (const p of o.prefixes) this.addPrefix(c, t, p);
    }
  }

  private addPrefix(c: Client, t: TrackingState, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) {
      bs = { keys: new Map(), clients: new Set() };
      this.prefixTable.set(prefix, bs);
    }
    bs.clients.add(c);
    t.prefixes.add(prefix);
  }

  /** disableTracking: leaves the prefixes; the client's ids in the key table go lazily. */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const prefix of t.prefixes) {
      const bs = this.prefixTable.get(prefix);
      if (bs === undefined) continue;
      bs.clients.delete(c);
      if (bs.clients.size === 0) this.prefixTable.delete(prefix);
    }
    c.tracking = null;
    this.clients--;
  }

  // ---- Remembering what clients read -------------------------------------------------

  /** call(): after a read-only command, remember its keys for the client that sent it. */
  private afterCommand(c: Client, cmd: Command, argv: string[]): void {
    if (this.clients === 0) return;
    const current = this.server.currentClient ?? c;
    const t = current.tracking;
    if (t !== null && !t.bcast && cmd.flagSet.has('READONLY') && !UNTRACKED_READONLY.has(cmd.fullName)) {
      this.rememberKeys(current, t, cmd, argv);
    }
    // The end of a command at the top level (not one run by EXEC or a script).
    if (this.server.execDepth === 0 && current === c) this.commandDone(c, cmd);
  }

  /** trackingRememberKeys. */
  private rememberKeys(c: Client, t: TrackingState, cmd: Command, argv: string[]): void {
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    // Shard channels are keys for cluster routing only: never cached.
    if (cmd.flagSet.has('PUBSUB')) return;
    for (const ref of extractKeys(cmd.spec, argv)) {
      const key = argv[ref.index]!;
      let ids = this.table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  /**
   * resetClient and afterCommand: pending invalidations for the client go out after its
   * reply, and CLIENT CACHING lasts for one command (or one transaction); `cmd` is null
   * for a command rejected before running.
   */
  private commandDone(c: Client, cmd: Command | null): void {
    if (this.pending.length !== 0) this.flushPending();
    const t = c.tracking;
    if (t !== null && t.caching && !c.inMulti && cmd?.parent?.fullName !== 'client') t.caching = false;
  }

  // ---- Invalidation ------------------------------------------------------------------

  /**
   * trackingInvalidateKey: tells every client that may cache `key` (once), and queues the key
   * for BCAST clients whose prefixes match. `by` made the change (null: the server).
   */
  invalidateKey(key: string, by: Client | null, bcast: boolean): void {
    if (bcast && this.prefixTable.size !== 0) this.rememberForBroadcast(key, by);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    const current = this.server.currentClient;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      const t = target?.tracking;
      if (target === undefined || t === undefined || t === null || t.bcast) continue;
      if (t.noloop && target === current) continue;
      // The client running the command gets its invalidation after the command's reply.
      if (target === current) this.pending.push({ client: target, key });
      else this.send(target, t, keyArray([key]));
    }
    this.totalItems -= ids.size;
    this.table.delete(key);
  }

  /** trackingInvalidateKeysOnFlush: a null "key" tells every tracking client that everything went. */
  private invalidateAll(): void {
    if (this.clients !== 0) {
      const current = this.server.currentClient;
      for (const c of this.server.clients.values()) {
        const t = c.tracking;
        if (t === null) continue;
        if (c === current) this.pending.push({ client: c, key: null });
        else this.send(c, t, nullProto(c));
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  private flushPending(): void {
    const list = this.pending.splice(0);
    for (const { client, key } of list) {
      const t = client.tracking;
      if (client.closed || t === null) continue;
      this.send(client, t, key === null ? nullProto(client) : keyArray([key]));
    }
  }

  /** trackingRememberKeyToBroadcast; the batch goes out when this event-loop turn ends. */
  private rememberForBroadcast(key: string, by: Client | null): void {
    for (const [prefix, bs] of this.prefixTable) {
      if (key.startsWith(prefix)) bs.keys.set(key, by);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** trackingBroadcastInvalidationMessages: one message per prefix, keys in byte order. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    const prefixes = [...this.prefixTable.keys()].sort(byteOrder);
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const keys = [...bs.keys.keys()].sort(byteOrder);
      const all = keyArray(keys);
      for (const c of bs.clients) {
        const t = c.tracking!;
        if (t.noloop) {
          const others = keys.filter((k) => bs.keys.get(k) !== c);
          if (others.length !== 0) this.send(c, t, keyArray(others));
        } else this.send(c, t, all);
      }
      bs.keys = new Map();
    }
    this.server.flushPendingWrites();
  }

  /**
   * sendTrackingMessage: `value` is the RESP of the keys array (or null). It goes to the
   * redirect client if any; a RESP2 connection gets it only as a `__redis__:invalidate`
   * message when it is a subscribed redirect target.
   */
  private send(c: Client, t: TrackingState, value: string): void {
    let target = c;
    if (t.redirect !== 0) {
      const redir = this.server.clients.get(t.redirect);
      if (redir === undefined) {
        t.brokenRedirect = true;
        if (c.w.resp > 2) {
          pushTo(c, () => {
            c.w.pushHeader(2);
            c.w.bulk('tracking-redir-broken');
            c.w.integer(t.redirect);
          });
        }
        return;
      }
      target = redir;
    }
    if (target.w.resp > 2) {
      pushTo(target, () => {
        target.w.pushHeader(2);
        target.w.bulk('invalidate');
        target.w.raw(value);
      });
    } else if (target !== c && target.subscriptionCount > 0) {
      pushTo(target, () => {
        target.w.arrayHeader(3);
        target.w.bulk('message');
        target.w.bulk(CHANNEL);
        target.w.raw(value);
      });
    }
  }

  /**
   * trackingLimitUsedSlots: past tracking-table-max-keys, forget keys (telling their clients,
   * as if the keys changed) until under the limit, with more effort each tick it stays over.
   */
  private overLimitTicks = 0;
  private limitTableSize(): void {
    const max = this.server.config.num('tracking-table-max-keys');
    if (this.clients === 0 || max === 0 || this.table.size <= max) {
      this.overLimitTicks = 0;
      return;
    }
    let effort = 100 * (this.overLimitTicks + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidateKey(key, null, false);
      if (this.table.size <= max) {
        this.overLimitTicks = 0;
        this.server.flushPendingWrites();
        return;
      }
    }
    this.overLimitTicks++;
    this.server.flushPendingWrites();
  }
}

/** `*n` followed by the keys as bulk strings, the value part of an invalidation. */
function keyArray(keys: readonly string[]): string {
  let out = `*${keys.length}\r\n`;
  for (const k of keys) out += `$${k.length}\r\n${k}\r\n`;
  return out;
}

/** shared.null[c->resp] of the tracking client (even when the message is redirected). */
function nullProto(c: Client): string {
  return c.w.resp === 2 ? '$-1\r\n' : '_\r\n';
}
