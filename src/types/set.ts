/**
 * The set type (no protocol): a JS Set in insertion order. OBJECT ENCODING reports Redis
 * 7.2's choice: `intset` while every member is an integer and there are at most
 * set-max-intset-entries of them; `listpack` while small (set-max-listpack-entries members of
 * at most set-max-listpack-value bytes); `hashtable` otherwise. Conversions are one-way.
 * An intset lists its members in numeric order, as Redis's intset does.
 */
import type { AggregateValue } from './value.js';
import { scanSlots } from './slot-map.js';
import { parseInt64 } from '../util/numbers.js';

export interface SetLimits {
  maxIntsetEntries: number;
  maxListpackEntries: number;
  maxListpackValue: number;
}

type SetEncoding = 'intset' | 'listpack' | 'hashtable';

export class SetValue implements AggregateValue {
  readonly kind = 'set' as const;
  readonly members = new Set<string>();
  private enc: SetEncoding = 'intset';
  /**
   * Members by slot, for O(1) random picks (SPOP, SRANDMEMBER): a removal leaves a hole,
   * and holes are compacted away once they are half the slots, so a pick needs ~2 tries.
   */
  private slots: (string | null)[] = [];
  private readonly slotOf = new Map<string, number>();
  private holes = 0;
  /** Bumped by each compaction (members move): part of every SSCAN cursor. */
  private epoch = 0;

  /** setTypeCreate: the encoding a new set starts with, given its first member and expected size. */
  constructor(limits?: SetLimits, first?: string, sizeHint = 1) {
    if (limits !== undefined && first !== undefined) {
      if (parseInt64(first) !== null && sizeHint <= limits.maxIntsetEntries) this.enc = 'intset';
      else if (sizeHint <= limits.maxListpackEntries) this.enc = 'listpack';
      else this.enc = 'hashtable';
    }
  }

  encoding(): string {
    return this.enc;
  }

  get size(): number {
    return this.members.size;
  }

  /** setTypeMaybeConvert: a bulk add of `sizeHint` members that can't fit goes straight to hashtable. */
  maybeConvert(limits: SetLimits, sizeHint: number): void {
    if ((this.enc === 'listpack' && sizeHint > limits.maxListpackEntries) || (this.enc === 'intset' && sizeHint > limits.maxIntsetEntries)) {
      this.enc = 'hashtable';
    }
  }

  /** setTypeAdd with Redis 7.2's conversions; returns true when the member was new. */
  add(limits: SetLimits, member: string): boolean {
    if (this.members.has(member)) return false;
    const before = this.members.size;
    if (this.enc === 'intset') {
      if (parseInt64(member) !== null) {
        if (before + 1 > limits.maxIntsetEntries) this.enc = 'hashtable';
      } else {
        const fits = before < limits.maxListpackEntries && member.length <= limits.maxListpackValue && this.maxMemberLength() <= limits.maxListpackValue;
        this.enc = fits ? 'listpack' : 'hashtable';
      }
    } else if (this.enc === 'listpack') {
      if (!(before < limits.maxListpackEntries && member.length <= limits.maxListpackValue)) this.enc = 'hashtable';
    }
    this.members.add(member);
    this.slotOf.set(member, this.slots.length);
    this.slots.push(member);
    return true;
  }

  /** Removes a member; returns false when it wasn't there. */
  remove(member: string): boolean {
    if (!this.members.delete(member)) return false;
    const slot = this.slotOf.get(member)!;
    this.slotOf.delete(member);
    this.slots[slot] = null;
    this.holes++;
    if (this.holes > 32 && this.holes * 2 > this.slots.length) {
      this.slots = this.slots.filter((m) => m !== null);
      this.slots.forEach((m, i) => this.slotOf.set(m!, i));
      this.epoch++;
      this.holes = 0;
    }
    return true;
  }

  /** A uniformly random member in O(1) expected time; the set must not be empty. */
  random(random: () => number): string {
    for (;;) {
      const m = this.slots[Math.floor(random() * this.slots.length)];
      if (m !== null && m !== undefined) return m;
    }
  }

  private maxMemberLength(): number {
    let max = 0;
    for (const m of this.members) if (m.length > max) max = m.length;
    return max;
  }

  /** Members in the order Redis lists them: numeric for an intset, insertion order otherwise. */
  ordered(): string[] {
    const all = [...this.members];
    if (this.enc === 'intset') all.sort((a, b) => { const x = BigInt(a); const y = BigInt(b); return x < y ? -1 : x > y ? 1 : 0; });
    return all;
  }

  /**
   * One SSCAN step: a hashtable set is walked `count` members at a time over its slots
   * (cursor = epoch and position, as SCAN's); an intset or listpack set is returned whole
   * with cursor 0, as Redis does. Returns the next cursor.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.enc !== 'hashtable') {
      if (cursor === 0) for (const m of this.ordered()) visit(m);
      return 0;
    }
    return scanSlots(this.slots, this.epoch, cursor, count, (i) => visit(this.slots[i]!));
  }

  clone(): SetValue {
    const copy = new SetValue();
    for (const m of this.members) {
      copy.members.add(m);
      copy.slotOf.set(m, copy.slots.length);
      copy.slots.push(m);
    }
    copy.enc = this.enc;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const m of this.members) bytes += 40 + m.length;
    return bytes;
  }
}
