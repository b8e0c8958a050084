/**
 * Insertion-ordered slots with stable sequence numbers: the piece that gives SCAN its
 * guarantee and RANDOMKEY its O(1) on top of a plain Map.
 *
 * Every member gets a sequence number when it is added; a SCAN cursor is "the next
 * sequence number to visit". Members only ever move forward in the order (a removed
 * member leaves a hole; holes are compacted away, which keeps the order), so a member
 * present for a whole iteration is always returned - the guarantee Redis's reverse-binary
 * cursor gives. Holes never exceed half the slots, so a random pick needs 2 tries on average.
 */
export class SlotIndex {
  private members: (string | null)[] = [];
  private seqs: number[] = [];
  private holes = 0;
  private nextSeq = 1;

  get size(): number {
    return this.members.length - this.holes;
  }

  /** Adds a member and returns its sequence number (keep it to remove the member later). */
  add(member: string): number {
    const seq = this.nextSeq++;
    this.members.push(member);
    this.seqs.push(seq);
    return seq;
  }

  remove(seq: number): void {
    const i = this.position(seq);
    if (i < this.seqs.length && this.seqs[i] === seq && this.members[i] !== null) {
      this.members[i] = null;
      this.holes++;
      if (this.holes > 64 && this.holes * 2 > this.members.length) this.compact();
    }
  }

  clear(): void {
    this.members = [];
    this.seqs = [];
    this.holes = 0;
  }

  /** A uniformly random member, or null when empty. `random` returns [0, 1). */
  random(random: () => number): string | null {
    if (this.size === 0) return null;
    const n = this.members.length;
    for (;;) {
      const m = this.members[(random() * n) | 0];
      if (m !== undefined && m !== null) return m;
    }
  }

  /**
   * Visits up to `count` members starting at `cursor` (0 = from the start) and returns
   * the cursor to continue from, 0 when the iteration is complete.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    let i = cursor <= 0 ? 0 : this.position(cursor);
    const members = this.members;
    let visited = 0;
    while (i < members.length && visited < count) {
      const m = members[i];
      if (m !== null && m !== undefined) {
        visit(m);
        visited++;
      }
      i++;
    }
    return i < members.length ? this.seqs[i]! : 0;
  }

  /** Calls `visit` for every member in order. */
  forEach(visit: (member: string) => void): void {
    for (const m of this.members) if (m !== null) visit(m);
  }

  /** First index whose sequence number is >= seq (binary search: seqs are ascending). */
  private position(seq: number): number {
    const seqs = this.seqs;
    let lo = 0;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compact(): void {
    const members: (string | null)[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      if (m !== null && m !== undefined) {
        members.push(m);
        seqs.push(this.seqs[i]!);
      }
    }
    this.members = members;
    this.seqs = seqs;
    this.holes = 0;
  }
}
