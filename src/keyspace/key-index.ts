/**
 * The keyspace's hash index: key -> slot number, as an open-addressing table in one
 * Int32Array of [hash, slot + 1] pairs (0 = empty), linear probing, backward-shift deletion.
 *
 * Why not a JS Map: a Map lookup walks a bucket chain (two entries on average at V8's load
 * factor) and reads every candidate's key string to compare it, each a cache miss in a big
 * keyspace; profiles of SET/GET at pipeline 16 put ~25% of nodis's CPU in that walk. Here a
 * probe reads one cache line of stored hashes and dereferences a key only when its full 32-bit
 * hash matches, and an entry costs 8 bytes (times 1/load) instead of a Map's ~28-56.
 *
 * The hash is seeded per process (as Redis seeds siphash), so clients cannot choose keys that
 * collide. Keys themselves live in the caller's slot array, passed to each call: slot s's key
 * is at slots[s * stride] (the database interleaves key, value and access time per slot).
 */

/** Grow past 3/4 full; shrink below 1/8 (never under the minimum). */
const MIN_CAPACITY = 16;

const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the latin1 chars from a random basis, then murmur3's finalizer (good low bits). */
export function hashKey(key: string): number {
  let h = SEED ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class KeyIndex {
  /** Pairs: table[2i] = hash, table[2i + 1] = slot + 1 (0 marks an empty position). */
  private table = new Int32Array(MIN_CAPACITY * 2);
  private mask = MIN_CAPACITY - 1;
  size = 0;
  /** One-entry memo: a command usually looks the same key up more than once. */
  private lastKey = '';
  private lastHash = hashKey('');

  constructor(private readonly stride = 1) {}

  private hash(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    const h = hashKey(key);
    this.lastKey = key;
    this.lastHash = h;
    return h;
  }

  /**
   * The probe every operation shares: the position holding `key` (hash `h`), or the empty
   * position that ends its run when the key is absent.
   */
  private find(key: string, h: number, slots: readonly unknown[]): number {
    const t = this.table;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = t[2 * i + 1]!;
      if (s === 0 || (t[2 * i] === h && slots[(s - 1) * this.stride] === key)) return i;
    }
  }

  /** The key's slot, or -1. */
  get(key: string, slots: readonly unknown[]): number {
    return this.table[2 * this.find(key, this.hash(key), slots) + 1]! - 1;
  }

  /**
   * Adds key -> slot unless the key is present; returns the existing slot, or -1 when it
   * was added (one probe sequence for loading's insert-if-absent).
   */
  addIfAbsent(key: string, slot: number, slots: readonly unknown[]): number {
    const h = this.hash(key);
    const i = this.find(key, h, slots);
    const existing = this.table[2 * i + 1]!;
    if (existing !== 0) return existing - 1;
    this.fill(i, h, slot);
    return -1;
  }

  /** Adds a key the caller knows is absent. */
  add(key: string, slot: number): void {
    const h = this.hash(key);
    const t = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
    this.fill(i, h, slot);
  }

  /** Stores an entry at free position i, growing the table past 3/4 full. */
  private fill(i: number, h: number, slot: number): void {
    const t = this.table;
    t[2 * i] = h;
    t[2 * i + 1] = slot + 1;
    if (++this.size * 4 > t.length * 1.5) this.resize(t.length);
  }

  /** Removes the key; returns its slot, or -1 when absent. */
  delete(key: string, slots: readonly unknown[]): number {
    const t = this.table;
    const mask = this.mask;
    const i = this.find(key, this.hash(key), slots);
    const slot = t[2 * i + 1]! - 1;
    if (slot < 0) return -1;
    // Backward-shift: pull later entries of the run into the hole when their home position
    // is not strictly between the hole and them, so lookups never need tombstones.
    let hole = i;
    for (let j = (i + 1) & mask; t[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = t[2 * j]! & mask;
      const distanceToHole = (j - hole) & mask;
      const distanceToHome = (j - home) & mask;
      if (distanceToHome >= distanceToHole) {
        t[2 * hole] = t[2 * j]!;
        t[2 * hole + 1] = t[2 * j + 1]!;
        hole = j;
      }
    }
    t[2 * hole] = 0;
    t[2 * hole + 1] = 0;
    this.size--;
    const capacity = mask + 1;
    if (capacity > MIN_CAPACITY && this.size * 8 < capacity) this.resize(capacity / 2);
    return slot;
  }

  /** Renumbers every slot through `moved` (old slot -> new slot), for compaction. O(capacity). */
  renumber(moved: Int32Array): void {
    const t = this.table;
    for (let i = 1; i < t.length; i += 2) if (t[i] !== 0) t[i] = moved[t[i]! - 1]! + 1;
  }

  /** Rehashes into `capacity` positions (a power of two) from the stored hashes: no key is read. */
  private resize(capacity: number): void {
    const old = this.table;
    const t = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k += 2) {
      const s = old[k + 1]!;
      if (s === 0) continue;
      const h = old[k]!;
      let i = h & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = s;
    }
    this.table = t;
    this.mask = mask;
  }

  /** Bytes held by the table (MEMORY STATS, INFO). */
  get bytes(): number {
    return this.table.byteLength;
  }
}
