/**
 * One logical database: the keys, their values, their last-access times, and the expires
 * table (only keys with a TTL, as in Redis). Mirrors db.c: lookupKeyRead/lookupKeyWrite with
 * lazy expiry, setKey, dbAdd, dbDelete, dbRandomKey, and the SCAN cursor.
 *
 * Layout, chosen for memory (measured: ~40 B/key less than a wrapper object per key):
 * - `index`: key -> slot number, an open-addressing table of hashes (key-index.ts, faster and
 *   smaller than a Map);
 * - `keys[slot]`, `values[slot]`: the key and its value; `lru[slot]`: seconds of last access.
 * A deleted key leaves a hole that a later new key reuses, so existing keys never move:
 * a SCAN cursor is a slot position, and every key present for a whole iteration is returned
 * (Redis's guarantee). Holes are compacted only when they exceed half the slots; that moves
 * keys, so it bumps `epoch`, and a cursor from an older epoch restarts the iteration
 * (duplicates are allowed by SCAN, misses are not). RANDOMKEY is O(1): holes are at most half.
 */
import type { RedisValue } from '../types/value.js';
import { KeyIndex } from './key-index.js';

/** What a database needs from the server around it; implemented by Server. */
export interface KeyspaceHost {
  /** The current command's time snapshot, in ms. */
  readonly nowMs: number;
  /** Seconds clock for the LRU field. */
  readonly lruClock: number;
  /** Called for every key deleted because its TTL passed (stats, `expired` event, propagation). */
  keyExpired(db: Database, key: string): void;
  /** Called for lookups that count as hits or misses in INFO stats. */
  keyspaceHit(hit: boolean): void;
  /** True while expiry must not delete (a replica, or a paused server): keys just read as missing. */
  readonly expiryPaused: boolean;
  /** A key was created holding `value` (lists and sorted sets may wake blocked clients). */
  keyAdded(db: Database, key: string): void;
  /** dbAdd's `new` keyspace event, for every key created. */
  keyCreated(db: Database, key: string): void;
  /** Under an LFU maxmemory-policy the access field holds LFU data instead of an access time. */
  readonly lfu: LfuSettings | null;
}

export interface LfuSettings {
  readonly logFactor: number;
  readonly decayTime: number;
  readonly random: () => number;
}

/** LFU_INIT_VAL: a new key starts with this counter, so it isn't evicted before it can be used. */
export const LFU_INIT_VAL = 5;

export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 65535;
}

/**
 * LFUDecrAndReturn: the counter (low 8 bits) decayed by one per lfu-decay-time minutes
 * elapsed since the last decrement time (high 16 bits), as evict.c computes it.
 */
export function lfuDecrAndReturn(field: number, nowMs: number, decayTime: number): number {
  const ldt = field >>> 8;
  let counter = field & 255;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = decayTime !== 0 ? Math.floor(elapsed / decayTime) : 0;
  if (periods !== 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** updateLFU: decay, then a logarithmic increment (LFULogIncr), stamped with the current minute. */
function lfuTouch(field: number, nowMs: number, lfu: LfuSettings): number {
  let counter = lfuDecrAndReturn(field, nowMs, lfu.decayTime);
  if (counter < 255) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    if (lfu.random() < 1 / (base * lfu.logFactor + 1)) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}

/** Positions in a cursor: below 2^32; the epoch goes above, so cursors stay safe integers. */
const EPOCH_UNIT = 2 ** 32;
const MIN_SLOTS_TO_COMPACT = 1024;

/** A database's tables at the start of a snapshot (Database.tables). */
export interface DatabaseTables {
  readonly id: number;
  readonly layout: object;
  readonly size: number;
  /** Slots in use at the start; later slots hold keys added since. */
  readonly length: number;
  readonly keys: readonly (string | null)[];
  readonly values: readonly (RedisValue | null)[];
  readonly expires: ReadonlyMap<string, number>;
}

/** Sees slot changes while a background save runs (see Database.watcher). */
export interface SlotWatcher {
  /** `key` in `slot` is about to be deleted, replaced or get another TTL. */
  changing(db: Database, slot: number, key: string): void;
  /** A new key was stored in `slot`. */
  placed(db: Database, slot: number): void;
}

export class Database {
  private index = new KeyIndex();
  private keys: (string | null)[] = [];
  private values: (RedisValue | null)[] = [];
  private lru = new Uint32Array(1024);
  /** Slots freed by deletions, reused by new keys (LIFO). */
  private free: number[] = [];
  /** Bumped by each compaction; part of every SCAN cursor. */
  private epoch = 0;
  expires = new Map<string, number>();
  /** The active-expire cycle's resumable position in `expires`. */
  expireCursor: IterableIterator<[string, number]> | null = null;

  constructor(
    public id: number,
    private readonly host: KeyspaceHost,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** True when the key has a TTL in the past. Does not delete it. */
  isExpired(key: string): boolean {
    const at = this.expires.get(key);
    return at !== undefined && at <= this.host.nowMs;
  }

  /** Deletes the key if its TTL has passed (expireIfNeeded); returns true when it is gone. */
  expireIfNeeded(key: string): boolean {
    const at = this.expires.get(key);
    if (at === undefined || at > this.host.nowMs) return false;
    if (this.host.expiryPaused) return true;
    this.delete(key);
    this.host.keyExpired(this, key);
    return true;
  }

  /**
   * lookupKeyRead: the value, or undefined when missing or expired (and then deleted).
   * Updates the access time unless `noTouch`, and counts a keyspace hit or miss.
   */
  lookupRead(key: string, noTouch = false): RedisValue | undefined {
    const slot = this.index.get(key, this.keys);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.host.keyspaceHit(false);
      return undefined;
    }
    if (!noTouch) this.touch(slot);
    this.host.keyspaceHit(true);
    return this.values[slot]!;
  }

  /** lookupKeyWrite: like lookupRead without hit/miss accounting. */
  lookupWrite(key: string): RedisValue | undefined {
    const slot = this.index.get(key, this.keys);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    this.touch(slot);
    return this.values[slot]!;
  }

  /** Records an access: the LRU time, or the LFU counter under an LFU policy. */
  private touch(slot: number): void {
    const lfu = this.host.lfu;
    this.lru[slot] = lfu === null ? this.host.lruClock : lfuTouch(this.lru[slot]!, this.host.nowMs, lfu);
  }

  /** The value without touching its access time or hit/miss stats (lazy expiry applies). */
  peek(key: string): RedisValue | undefined {
    const slot = this.index.get(key, this.keys);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    return this.values[slot]!;
  }

  /** True when the key exists (lazy expiry applies). */
  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** The access field: seconds of last access (OBJECT IDLETIME) or LFU data; undefined if missing. */
  getLru(key: string): number | undefined {
    const slot = this.index.get(key, this.keys);
    return slot < 0 ? undefined : this.lru[slot];
  }

  setLru(key: string, value: number): void {
    const slot = this.index.get(key, this.keys);
    if (slot >= 0) this.lru[slot] = value;
  }

  /**
   * setKey: stores the value, replacing any previous one. The TTL is removed unless
   * `keepTtl` (SET KEEPTTL, and in-place updates of an existing key).
   */
  set(key: string, value: RedisValue, keepTtl = false): void {
    const slot = this.index.get(key, this.keys);
    if (slot < 0) {
      this.insert(key, value);
    } else {
      if (this.watcher !== null) this.watcher.changing(this, slot, key);
      this.values[slot] = value;
      this.touch(slot);
    }
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** dbAdd: the caller guarantees the key does not exist. */
  add(key: string, value: RedisValue): void {
    this.insert(key, value);
  }

  /**
   * Loading's dbAdd: one hash-table operation instead of a lookup and an insert (half the
   * cost of loading a big file). Returns false for a key that was already there: the load
   * is failing anyway (Redis refuses duplicate keys in an RDB), but the table is left
   * consistent, holding the first value.
   */
  addLoaded(key: string, value: RedisValue): boolean {
    const free = this.free;
    const slot = free.length === 0 ? this.keys.length : free[free.length - 1]!;
    if (this.index.addIfAbsent(key, slot, this.keys) >= 0) return false;
    if (slot !== this.keys.length) free.pop();
    this.place(slot, key, value);
    return true;
  }

  private insert(key: string, value: RedisValue): void {
    const slot = this.free.pop() ?? this.keys.length;
    this.index.add(key, slot);
    this.place(slot, key, value);
  }

  /** Stores a new key in `slot` (a free one, or the next one at the end); index already set. */
  private place(slot: number, key: string, value: RedisValue): void {
    if (slot === this.keys.length) {
      this.keys.push(key);
      this.values.push(value);
      if (slot >= this.lru.length) {
        const grown = new Uint32Array(this.lru.length * 2);
        grown.set(this.lru);
        this.lru = grown;
      }
    } else {
      this.keys[slot] = key;
      this.values[slot] = value;
    }
    this.lru[slot] = this.host.lfu === null ? this.host.lruClock : (lfuMinutes(this.host.nowMs) << 8) | LFU_INIT_VAL;
    if (this.watcher !== null) this.watcher.placed(this, slot);
    this.host.keyCreated(this, key);
    if (typeof value !== 'string' && (value.kind === 'list' || value.kind === 'zset')) this.host.keyAdded(this, key);
  }

  /** Deletes the key with its TTL. Returns false when it did not exist (no expiry check). */
  delete(key: string): boolean {
    if (this.watcher !== null) {
      const watched = this.index.get(key, this.keys);
      if (watched < 0) return false;
      this.watcher.changing(this, watched, key);
    }
    const slot = this.index.delete(key, this.keys);
    if (slot < 0) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    this.keys[slot] = null;
    this.values[slot] = null;
    if (slot === this.keys.length - 1) {
      // Trailing holes are simply dropped: nothing moves.
      this.keys.pop();
      this.values.pop();
    } else {
      this.free.push(slot);
      if (this.free.length > MIN_SLOTS_TO_COMPACT && this.free.length * 2 > this.keys.length && this.watcher === null) this.compact();
    }
    return true;
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  setExpire(key: string, atMs: number): void {
    if (this.watcher !== null) this.watchExpire(key);
    this.expires.set(key, atMs);
  }

  /** Removes the TTL; returns true when there was one. */
  persist(key: string): boolean {
    if (this.watcher !== null) this.watchExpire(key);
    return this.expires.delete(key);
  }

  private watchExpire(key: string): void {
    const slot = this.index.get(key, this.keys);
    if (slot >= 0) this.watcher!.changing(this, slot, key);
  }

  /**
   * Set while a background save walks this database's live tables: told before a slot's
   * key, value or TTL changes and after a slot is filled, so the save keeps what was there
   * at its start. While set, keys never move between slots (no compaction).
   */
  watcher: SlotWatcher | null = null;

  /** The identity of the slot tables: FLUSHDB and SWAPDB replace them, nothing else does. */
  get layout(): object {
    return this.index;
  }

  /** The key's slot, or undefined (no expiry check). */
  slotOf(key: string): number | undefined {
    const slot = this.index.get(key, this.keys);
    return slot < 0 ? undefined : slot;
  }

  /** The value in a slot (null for a hole). */
  valueAt(slot: number): RedisValue | null {
    return this.values[slot] ?? null;
  }

  /**
   * The slot tables and TTLs as they are now, by reference, not copied (a snapshot's start:
   * O(1)). FLUSHDB and SWAPDB replace the tables, leaving these untouched from then on;
   * other changes are reported to the watcher first.
   */
  tables(): DatabaseTables {
    return { id: this.id, layout: this.index, size: this.index.size, length: this.keys.length, keys: this.keys, values: this.values, expires: this.expires };
  }

  /** Every key (expired ones included, as Redis's dict iteration), in slot order. */
  forEachKey(visit: (key: string, value: RedisValue) => void): void {
    const keys = this.keys;
    const values = this.values;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== null && k !== undefined) visit(k, values[i]!);
    }
  }

  /**
   * One SCAN step: visits up to `count` keys from `cursor` (0 = start) and returns the
   * cursor to continue from, 0 when done. Like Redis, it looks at no more than 10x `count`
   * slots per call, so a sparse table can yield fewer (even zero) keys with a non-zero cursor.
   * Expired keys are visited too; the caller filters them, as scanGenericCommand does.
   */
  scan(cursor: number, count: number, visit: (key: string, value: RedisValue) => void): number {
    let pos = 0;
    if (cursor > 0) {
      const epoch = Math.floor(cursor / EPOCH_UNIT);
      pos = epoch === this.epoch ? cursor % EPOCH_UNIT : 0;
    }
    const keys = this.keys;
    let found = 0;
    let looked = 0;
    const maxLooked = Math.max(count, 1) * 10;
    while (pos < keys.length && found < count && looked < maxLooked) {
      const k = keys[pos];
      if (k !== null && k !== undefined) {
        visit(k, this.values[pos]!);
        found++;
      }
      pos++;
      looked++;
    }
    if (pos >= keys.length) return 0;
    return this.epoch * EPOCH_UNIT + pos;
  }

  /** Empties the database (FLUSHDB). Returns the number of keys removed. */
  flush(): number {
    const removed = this.index.size;
    this.index = new KeyIndex();
    this.keys = [];
    this.values = [];
    this.lru = new Uint32Array(1024);
    this.free = [];
    this.expires = new Map();
    this.expireCursor = null;
    this.epoch++;
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    [this.index, other.index] = [other.index, this.index];
    [this.keys, other.keys] = [other.keys, this.keys];
    [this.values, other.values] = [other.values, this.values];
    [this.lru, other.lru] = [other.lru, this.lru];
    [this.free, other.free] = [other.free, this.free];
    [this.expires, other.expires] = [other.expires, this.expires];
    this.epoch = other.epoch = Math.max(this.epoch, other.epoch) + 1;
    this.expireCursor = null;
    other.expireCursor = null;
  }

  /**
   * RANDOMKEY's choice: a random key that is not expired. Expired keys met on the way are
   * deleted, as dbRandomKey does. Returns null for an empty database.
   */
  randomKey(random: () => number): string | null {
    let tries = 0;
    for (;;) {
      const key = this.randomSlotKey(random);
      if (key === null) return null;
      if (!this.expires.has(key)) return key;
      // If every key is volatile we might loop forever: after enough tries return one anyway.
      if (this.expires.size === this.index.size && ++tries > 100) return key;
      if (!this.expireIfNeeded(key)) return key;
    }
  }

  /** A uniformly random existing key (expired or not), or null: holes are at most half. */
  randomSlotKey(random: () => number): string | null {
    if (this.index.size === 0) return null;
    const keys = this.keys;
    for (;;) {
      const k = keys[Math.floor(random() * keys.length)];
      if (k !== null && k !== undefined) return k;
    }
  }

  /** Moves every key down over the holes, keeping their order; invalidates older cursors. */
  private compact(): void {
    const keys: (string | null)[] = [];
    const values: (RedisValue | null)[] = [];
    const lru = new Uint32Array(Math.max(1024, this.index.size * 2));
    const moved = new Int32Array(this.keys.length);
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i];
      if (k === null || k === undefined) continue;
      const slot = keys.length;
      keys.push(k);
      values.push(this.values[i]!);
      lru[slot] = this.lru[i]!;
      moved[i] = slot;
    }
    this.index.renumber(moved);
    this.keys = keys;
    this.values = values;
    this.lru = lru;
    this.free = [];
    this.epoch++;
  }
}
