/**
 * A set of integers (|n| ≤ 2^53 - 1) in typed arrays, for the integer members of a set: Redis
 * keeps up to set-max-intset-entries of them in an intset (8 B each at most) and then a
 * hashtable of sds strings (~50-60 B a member); a JS Set of strings costs more than that.
 * Here a member costs 8 B in `vals` plus a 4 B index cell at a load ≤ 1/2, i.e. 16-32 B, in
 * off-heap memory the garbage collector never copies.
 *
 * `vals` holds the members by slot (NaN marks a hole left by a removal; a later add fills a
 * hole first), so a uniformly random member is a random slot in ~1 try; holes are
 * compacted away only when they are more than half the slots. `index` is an open-addressing
 * table (linear probing, deletion by backward shift) of slot + 1, 0 for an empty cell.
 * Members never move except in a compaction, which bumps `epoch` (SSCAN cursors carry it).
 */

/** Bits of the 53-bit integer mixed into a 32-bit hash (murmur3's finaliser). */
function hash(v: number): number {
  const lo = v | 0;
  const hi = Math.floor(v / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class IntTable {
  private vals = new Float64Array(8);
  /** Slots in use, holes included. */
  private used = 0;
  private count = 0;
  /** Hole slots to refill (a stack). */
  private free: number[] = [];
  private index = new Int32Array(16);
  epoch = 0;

  get size(): number {
    return this.count;
  }

  /** Slots to pick from or walk (members and holes): member slots are 0..slots-1. */
  get slots(): number {
    return this.used;
  }

  /** The member in `slot`, NaN for a hole. */
  at(slot: number): number {
    return this.vals[slot]!;
  }

  /** The index cell holding `v`, or -1. */
  private find(v: number): number {
    const mask = this.index.length - 1;
    for (let i = hash(v) & mask; ; i = (i + 1) & mask) {
      const s = this.index[i]!;
      if (s === 0) return -1;
      if (this.vals[s - 1] === v) return i;
    }
  }

  has(v: number): boolean {
    return this.find(v) !== -1;
  }

  /** Adds `v`; returns false when it was there. */
  add(v: number): boolean {
    if (this.find(v) !== -1) return false;
    let slot: number;
    if (this.free.length > 0) {
      slot = this.free.pop()!;
    } else {
      if (this.used === this.vals.length) {
        const next = new Float64Array(this.vals.length * 2);
        next.set(this.vals);
        this.vals = next;
      }
      slot = this.used++;
    }
    this.vals[slot] = v;
    this.count++;
    if (this.count * 2 > this.index.length) this.rebuildIndex(this.index.length * 2);
    else this.insertIndex(slot);
    return true;
  }

  /** Removes `v`; returns false when it wasn't there. */
  remove(v: number): boolean {
    let i = this.find(v);
    if (i === -1) return false;
    const slot = this.index[i]! - 1;
    this.vals[slot] = NaN;
    this.count--;
    // Backward-shift deletion: pull later cells of the probe run into the gap.
    const mask = this.index.length - 1;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const s = this.index[j]!;
      if (s === 0) break;
      const home = hash(this.vals[s - 1]!) & mask;
      // Move cell j into the gap at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        this.index[i] = s;
        i = j;
      }
    }
    this.index[i] = 0;
    if (this.count === 0) {
      this.clear();
    } else if (this.used - this.count > 32 && (this.used - this.count) * 2 > this.used) {
      this.compact();
    } else {
      this.free.push(slot);
    }
    return true;
  }

  /** A uniformly random member; the table must not be empty. */
  random(random: () => number): number {
    return this.vals[this.randomSlot(random)]!;
  }

  /** The slot of a uniformly random member; the table must not be empty. */
  randomSlot(random: () => number): number {
    const vals = this.vals;
    for (;;) {
      const i = Math.floor(random() * this.used);
      if (vals[i] === vals[i]) return i;
    }
  }

  forEach(visit: (v: number) => void): void {
    const vals = this.vals;
    for (let i = 0; i < this.used; i++) {
      const v = vals[i]!;
      if (v === v) visit(v);
    }
  }

  clone(): IntTable {
    const copy = new IntTable();
    copy.vals = this.vals.slice();
    copy.used = this.used;
    copy.count = this.count;
    copy.free = this.free.slice();
    copy.index = this.index.slice();
    copy.epoch = this.epoch;
    return copy;
  }

  /** Bytes of the typed arrays. */
  memoryUsage(): number {
    return 64 + this.vals.length * 8 + this.index.length * 4 + this.free.length * 8;
  }

  private insertIndex(slot: number): void {
    const mask = this.index.length - 1;
    let i = hash(this.vals[slot]!) & mask;
    while (this.index[i] !== 0) i = (i + 1) & mask;
    this.index[i] = slot + 1;
  }

  private rebuildIndex(capacity: number): void {
    this.index = new Int32Array(capacity);
    for (let s = 0; s < this.used; s++) if (this.vals[s] === this.vals[s]) this.insertIndex(s);
  }

  private clear(): void {
    this.vals = new Float64Array(8);
    this.used = 0;
    this.free = [];
    this.index = new Int32Array(16);
    this.epoch++;
  }

  /** Removes the holes (members move: a new epoch), shrinking the arrays to fit. */
  private compact(): void {
    let capacity = 8;
    while (capacity < this.count) capacity *= 2;
    const next = new Float64Array(capacity);
    let n = 0;
    for (let s = 0; s < this.used; s++) {
      const v = this.vals[s]!;
      if (v === v) next[n++] = v;
    }
    this.vals = next;
    this.used = n;
    this.free = [];
    let indexCapacity = 16;
    while (indexCapacity < n * 2) indexCapacity *= 2;
    this.rebuildIndex(indexCapacity);
    this.epoch++;
  }
}

/**
 * The integer a member string stands for, if it is one an IntTable can hold: the canonical
 * decimal form Redis's string2ll accepts (no sign but '-', no leading zeros, no "-0") within
 * ±(2^53 - 1), so String(n) gives the member back byte for byte. Null otherwise.
 */
export function intMember(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 17) return null;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return first === 48 && n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}
