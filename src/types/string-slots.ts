/**
 * A set of strings that can also pick a uniformly random member in O(1) (SPOP, SRANDMEMBER),
 * which a JS Set cannot: members sit in a slot array, the Map holds member → slot. A removal
 * leaves a hole (null). In `reuseHoles` mode a later add fills a hole first, so a queue-like
 * SPOP + SADD load keeps the array dense and a random pick takes ~1 try; otherwise (a
 * listpack set, whose insertion order is part of Redis's replies) adds append. Holes are
 * compacted away, keeping the order, once they are more than half the slots. Members never
 * move except in a compaction, which bumps `epoch` (SSCAN cursors carry it).
 */
export class StringSlots {
  private readonly slotOf = new Map<string, number>();
  private members: (string | null)[] = [];
  private free: number[] = [];
  epoch = 0;

  constructor(public reuseHoles: boolean) {}

  get size(): number {
    return this.slotOf.size;
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
    return this.slotOf.has(member);
  }

  /** Adds a member; returns false when it was there. */
  add(member: string): boolean {
    if (this.slotOf.has(member)) return false;
    if (this.reuseHoles && this.free.length > 0) {
      const slot = this.free.pop()!;
      this.members[slot] = member;
      this.slotOf.set(member, slot);
    } else {
      this.slotOf.set(member, this.members.length);
      this.members.push(member);
    }
    return true;
  }

  /** Removes a member; returns false when it wasn't there. */
  remove(member: string): boolean {
    const slot = this.slotOf.get(member);
    if (slot === undefined) return false;
    this.slotOf.delete(member);
    this.members[slot] = null;
    const holes = this.members.length - this.slotOf.size;
    if (this.slotOf.size === 0) {
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
    for (;;) {
      const m = this.members[Math.floor(random() * this.members.length)];
      if (m !== null && m !== undefined) return m;
    }
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

  /** Approximate heap bytes: a Map entry, a slot and a heap string per member. */
  memoryUsage(): number {
    let bytes = 64 + this.members.length * 8;
    this.forEach((m) => (bytes += 56 + m.length));
    return bytes;
  }

  private compact(): void {
    const members: string[] = [];
    this.forEach((m) => {
      this.slotOf.set(m, members.length);
      members.push(m);
    });
    this.members = members;
    this.free = [];
    this.epoch++;
  }
}
