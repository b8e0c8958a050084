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
  /** SLOT_STRIDE entries per slot: key (null in a hole), value, access field. */
  readonly slots: readonly SlotEntry[];
  readonly expires: ReadonlyMap<string, number>;
}

/** An entry of Database's slot array (a key, a value or an access field). */
export type SlotEntry = string | RedisValue | number | null;
/**
 * Entries per slot, interleaved so that a lookup finds the key, its value and its access
 * field in one or two cache lines instead of three arrays (one cache miss each).
 */
export const SLOT_STRIDE = 3;

/** Sees slot changes while a background save runs (see Database.watcher). */
export interface SlotWatcher {
  /** `key` in `slot` is about to be deleted, replaced or get another TTL. */
  changing(db: Database, slot: number, key: string): void;
  /** A new key was stored in `slot`. */
  placed(db: Database, slot: number): void;
}

export class Database {
  private index = new KeyIndex(SLOT_STRIDE);
  /** Per slot: key, value, access field (LRU seconds or LFU data); see SLOT_STRIDE. */
  private slots: SlotEntry[] = [];
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

  /** Slots in use, holes included. */
  private get slotCount(): number {
    return this.slots.length / SLOT_STRIDE;
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
    const slot = this.index.get(key, this.slots);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.host.keyspaceHit(false);
      return undefined;
    }
    if (!noTouch) this.touch(slot);
    this.host.keyspaceHit(true);
    return this.slots[slot * SLOT_STRIDE + 1] as RedisValue;
  }

  /** lookupKeyWrite: like lookupRead without hit/miss accounting. */
  lookupWrite(key: string): RedisValue | undefined {
    const slot = this.index.get(key, this.slots);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    this.touch(slot);
    return this.slots[slot * SLOT_STRIDE + 1] as RedisValue;
  }

  /** Records an access: the LRU time, or the LFU counter under an LFU policy. */
  private touch(slot: number): void {
    const lfu = this.host.lfu;
    const at = slot * SLOT_STRIDE + 2;
    this.slots[at] = lfu === null ? this.host.lruClock : lfuTouch(this.slots[at] as number, this.host.nowMs, lfu);
  }

  /** The value without touching its access time or hit/miss stats (lazy expiry applies). */
  peek(key: string): RedisValue | undefined {
    const slot = this.index.get(key, this.slots);
    if (slot < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    return this.slots[slot * SLOT_STRIDE + 1] as RedisValue;
  }

  /** True when the key exists (lazy expiry applies). */
  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** The access field: seconds of last access (OBJECT IDLETIME) or LFU data; undefined if missing. */
  getLru(key: string): number | undefined {
    const slot = this.index.get(key, this.slots);
    return slot < 0 ? undefined : (this.slots[slot * SLOT_STRIDE + 2] as number);
  }

  setLru(key: string, value: number): void {
    const slot = this.index.get(key, this.slots);
    if (slot >= 0) this.slots[slot * SLOT_STRIDE + 2] = value;
  }

  /**
   * setKey: stores the value, replacing any previous one. The TTL is removed unless
   * `keepTtl` (SET KEEPTTL, and in-place updates of an existing key).
   */
  set(key: string, value: RedisValue, keepTtl = false): void {
    const slot = this.index.get(key, this.slots);
    if (slot < 0) {
      this.insert(key, value);
    } else {
      if (this.watcher !== null) this.watcher.changing(this, slot, key);
      this.slots[slot * SLOT_STRIDE + 1] = value;
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
    const slot = free.length === 0 ? this.slotCount : free[free.length - 1]!;
    if (this.index.addIfAbsent(key, slot, this.slots) >= 0) return false;
    if (slot !== this.slotCount) free.pop();
    this.place(slot, key, value);
    return true;
  }

  private insert(key: string, value: RedisValue): void {
    const slot = this.free.pop() ?? this.slotCount;
    this.index.add(key, slot);
    this.place(slot, key, value);
  }

  /** Stores a new key in `slot` (a free one, or the next one at the end); index already set. */
  private place(slot: number, key: string, value: RedisValue): void {
    const access = this.host.lfu === null ? this.host.lruClock : (lfuMinutes(this.host.nowMs) << 8) | LFU_INIT_VAL;
    if (slot === this.slotCount) {
      this.slots.push(key, value, access);
    } else {
      const at = slot * SLOT_STRIDE;
      this.slots[at] = key;
      this.slots[at + 1] = value;
      this.slots[at + 2] = access;
    }
    if (this.watcher !== null) this.watcher.placed(this, slot);
    this.host.keyCreated(this, key);
    if (typeof value !== 'string' && (value.kind === 'list' || value.kind === 'zset')) this.host.keyAdded(this, key);
  }

  /** Deletes the key with its TTL. Returns false when it did not exist (no expiry check). */
  delete(key: string): boolean {
    if (this.watcher !== null) {
      const watched = this.index.get(key, this.slots);
      if (watched < 0) return false;
      this.watcher.changing(this, watched, key);
    }
    const slot = this.index.delete(key, this.slots);
    if (slot < 0) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    const at = slot * SLOT_STRIDE;
    this.slots[at] = null;
    this.slots[at + 1] = null;
    if (slot === this.slotCount - 1) {
      // Trailing holes are simply dropped: nothing moves.
      this.slots.length = at;
    } else {
      this.free.push(slot);
      if (this.free.length > MIN_SLOTS_TO_COMPACT && this.free.length * 2 > this.slotCount && this.watcher === null) this.compact();
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
    const slot = this.index.get(key, this.slots);
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
    const slot = this.index.get(key, this.slots);
    return slot < 0 ? undefined : slot;
  }

  /** The value in a slot (null for a hole). */
  valueAt(slot: number): RedisValue | null {
    return (this.slots[slot * SLOT_STRIDE + 1] as RedisValue | null | undefined) ?? null;
  }

  /**
   * The slot tables and TTLs as they are now, by reference, not copied (a snapshot's start:
   * O(1)). FLUSHDB and SWAPDB replace the tables, leaving these untouched from then on;
   * other changes are reported to the watcher first.
   */
  tables(): DatabaseTables {
    return { id: this.id, layout: this.index, size: this.index.size, length: this.slotCount, slots: this.slots, expires: this.expires };
  }

  /** Every key (expired ones included, as Redis's dict iteration), in slot order. */
  forEachKey(visit: (key: string, value: RedisValue) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += SLOT_STRIDE) {
      const k = slots[at] as string | null;
      if (k !== null) visit(k, slots[at + 1] as RedisValue);
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
    const slots = this.slots;
    const slotCount = this.slotCount;
    let found = 0;
    let looked = 0;
    const maxLooked = Math.max(count, 1) * 10;
    while (pos < slotCount && found < count && looked < maxLooked) {
      const k = slots[pos * SLOT_STRIDE] as string | null;
      if (k !== null) {
        visit(k, slots[pos * SLOT_STRIDE + 1] as RedisValue);
        found++;
      }
      pos++;
      looked++;
    }
    if (pos >= slotCount) return 0;
    return this.epoch * EPOCH_UNIT + pos;
  }

  /** Empties the database (FLUSHDB). Returns the number of keys removed. */
  flush(): number {
    const removed = this.index.size;
    this.index = new KeyIndex(SLOT_STRIDE);
    this.slots = [];
    this.free = [];
    this.expires = new Map();
    this.expireCursor = null;
    this.epoch++;
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    [this.index, other.index] = [other.index, this.index];
    [this.slots, other.slots] = [other.slots, this.slots];
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
    const slots = this.slots;
    const slotCount = this.slotCount;
    for (;;) {
      const k = slots[Math.floor(random() * slotCount) * SLOT_STRIDE] as string | null;
      if (k !== null) return k;
    }
  }

  /** Moves every key down over the holes, keeping their order; invalidates older cursors. */
  private compact(): void {
    const old = this.slots;
    const slots: SlotEntry[] = [];
    const moved = new Int32Array(this.slotCount);
    for (let at = 0; at < old.length; at += SLOT_STRIDE) {
      if (old[at] === null) continue;
      moved[at / SLOT_STRIDE] = slots.length / SLOT_STRIDE;
      slots.push(old[at]!, old[at + 1]!, old[at + 2]!);
    }
    this.index.renumber(moved);
    this.slots = slots;
    this.free = [];
    this.epoch++;
  }
}
