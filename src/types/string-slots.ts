/**
 * A set of strings that can also pick a uniformly random member in O(1) (SPOP, SRANDMEMBER),
 * which a JS Set cannot: members sit in a slot array, and a KeyIndex (the keyspace's
 * open-addressing table of seeded hashes, src/keyspace/key-index.ts) maps member → slot.
 * Measured in-process on a 1M-member set, SPOP + SADD of a fresh member costs ~2 µs with
 * that index against ~3.6 µs with a Map (V8's Map rehashes and walks chains under that
 * churn), and an entry costs 8 B / load instead of a Map entry's ~28-56 B.
 *
 * A removal leaves a hole (null). In `reuseHoles` mode a later add fills a hole first, so a
 * queue-like SPOP + SADD load keeps the array dense and a random pick takes ~1 try;
 * otherwise (a listpack set, whose insertion order is part of Redis's replies) adds append.
 * Holes are compacted away, keeping the order, once they are more than half the slots.
 * Members never move except in a compaction, which bumps `epoch` (SSCAN cursors carry it).
 */
import { KeyIndex } from '../keyspace/key-index.js';
import { PickAhead } from './random-slots.js';

export class StringSlots {
  private index = new KeyIndex();
  private members: (string | null)[] = [];
  private free: number[] = [];
  epoch = 0;
  /** Single picks drawn ahead (big sets only; see PickAhead). */
  ahead: PickAhead | null = null;

  constructor(public reuseHoles: boolean) {}

  get size(): number {
    return this.index.size;
  }

  /** Slots to pick from or walk (members and holes). */
  get slots(): number {
    return this.members.length;
  }

  /** The member in `slot`, null for a hole. */
  at(slot: number): string | null {
    return this.members[slot]!;
  }

  has(member: string): boolean {
    return this.index.get(member, this.members) !== -1;
  }

  /** Adds a member; returns false when it was there. */
  add(member: string): boolean {
    const refill = this.reuseHoles && this.free.length > 0;
    const slot = refill ? this.free[this.free.length - 1]! : this.members.length;
    if (this.index.addIfAbsent(member, slot, this.members) !== -1) return false;
    if (refill) {
      this.free.pop();
      this.members[slot] = member;
    } else {
      this.members.push(member);
    }
    return true;
  }

  /** Removes a member; returns false when it wasn't there. */
  remove(member: string): boolean {
    const slot = this.index.delete(member, this.members);
    if (slot === -1) return false;
    this.members[slot] = null;
    const holes = this.members.length - this.index.size;
    if (this.index.size === 0) {
      this.members = [];
      this.free = [];
      this.epoch++;
    } else if (holes > 32 && holes * 2 > this.members.length) {
      this.compact();
    } else if (this.reuseHoles) {
      this.free.push(slot);
    }
    return true;
  }

  /** Switches to filling holes (the set became a hashtable): the current holes become reusable. */
  startReusingHoles(): void {
    if (this.reuseHoles) return;
    this.reuseHoles = true;
    for (let i = 0; i < this.members.length; i++) if (this.members[i] === null) this.free.push(i);
  }

  /** A uniformly random member; the set must not be empty. */
  random(random: () => number): string {
    return this.members[this.randomSlot(random)]!;
  }

  /** The slot of a uniformly random member; the set must not be empty. */
  randomSlot(random: () => number): number {
    return PickAhead.pick(this, this.members, random);
  }

  /** In slot order (insertion order unless holes were refilled). */
  forEach(visit: (member: string) => void): void {
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      const m = members[i];
      if (m !== null && m !== undefined) visit(m);
    }
  }

  clone(): StringSlots {
    const copy = new StringSlots(this.reuseHoles);
    this.forEach((m) => copy.add(m));
    return copy;
  }

  /** Approximate bytes: the index, a slot and a heap string per member. */
  memoryUsage(): number {
    let bytes = 64 + this.index.bytes + this.members.length * 8;
    this.forEach((m) => (bytes += 24 + m.length));
    return bytes;
  }

  private compact(): void {
    const moved = new Int32Array(this.members.length);
    const members: string[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      if (m === null || m === undefined) continue;
      moved[i] = members.length;
      members.push(m);
    }
    this.index.renumber(moved);
    this.members = members;
    this.free = [];
    this.epoch++;
  }
}
