/**
 * One logical database: the key dictionary, the expires dictionary (only keys with a TTL,
 * as in Redis), and the slot index that gives SCAN its guarantee and RANDOMKEY its O(1).
 * Mirrors db.c: lookupKeyRead/lookupKeyWrite with lazy expiry, setKey, dbAdd, dbDelete.
 */
import type { RedisValue } from '../types/value.js';
import { SlotIndex } from '../util/slot-index.js';

export class KeyEntry {
  constructor(
    public value: RedisValue,
    /** Last access, in seconds (Redis's LRU clock resolution), or the LFU counter under an LFU policy. */
    public lru: number,
    /** Position in the slot index. */
    public seq: number,
  ) {}
}

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
}

export class Database {
  dict = new Map<string, KeyEntry>();
  expires = new Map<string, number>();
  slots = new SlotIndex();
  /** Keys whose value was replaced or deleted: WATCH and tracking hook in via Server. */
  avgTtlEstimate = 0;
  /** The active-expire cycle's resumable position in `expires`. */
  expireCursor: IterableIterator<[string, number]> | null = null;

  constructor(
    public id: number,
    private readonly host: KeyspaceHost,
  ) {}

  get size(): number {
    return this.dict.size;
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
   * Updates the LRU clock unless `noTouch`, and counts a keyspace hit or miss.
   */
  lookupRead(key: string, noTouch = false): RedisValue | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.host.keyspaceHit(false);
      return undefined;
    }
    if (!noTouch) entry.lru = this.host.lruClock;
    this.host.keyspaceHit(true);
    return entry.value;
  }

  /** lookupKeyWrite: like lookupRead without hit/miss accounting. */
  lookupWrite(key: string): RedisValue | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    entry.lru = this.host.lruClock;
    return entry.value;
  }

  /** The entry without side effects other than lazy expiry (OBJECT, TYPE-like introspection). */
  lookupEntry(key: string): KeyEntry | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    return entry;
  }

  /** True when the key exists (lazy expiry applies). */
  exists(key: string): boolean {
    return this.lookupEntry(key) !== undefined;
  }

  /**
   * setKey: stores the value, replacing any previous one. The TTL is removed unless
   * `keepTtl` (SET KEEPTTL, and in-place updates of an existing key).
   */
  set(key: string, value: RedisValue, keepTtl = false): void {
    const entry = this.dict.get(key);
    if (entry === undefined) {
      this.dict.set(key, new KeyEntry(value, this.host.lruClock, this.slots.add(key)));
    } else {
      entry.value = value;
      entry.lru = this.host.lruClock;
    }
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** dbAdd: the caller guarantees the key does not exist. */
  add(key: string, value: RedisValue): void {
    this.dict.set(key, new KeyEntry(value, this.host.lruClock, this.slots.add(key)));
  }

  /** Deletes the key with its TTL. Returns false when it did not exist (no expiry check). */
  delete(key: string): boolean {
    const entry = this.dict.get(key);
    if (entry === undefined) return false;
    this.dict.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    this.slots.remove(entry.seq);
    return true;
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  setExpire(key: string, atMs: number): void {
    this.expires.set(key, atMs);
  }

  /** Removes the TTL; returns true when there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Empties the database (FLUSHDB). Returns the number of keys removed. */
  flush(): number {
    const removed = this.dict.size;
    this.dict = new Map();
    this.expires = new Map();
    this.slots = new SlotIndex();
    this.expireCursor = null;
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.slots, other.slots] = [other.slots, this.slots];
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
      const key = this.slots.random(random);
      if (key === null) return null;
      if (!this.expires.has(key)) return key;
      // If every key is volatile we might loop forever: after enough tries return one anyway.
      if (this.expires.size === this.dict.size && ++tries > 100) return key;
      if (!this.expireIfNeeded(key)) return key;
    }
  }
}
