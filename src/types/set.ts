/**
 * The set type (no protocol). OBJECT ENCODING reports Redis 7.2's choice: `intset` while every
 * member is an integer and there are at most set-max-intset-entries of them; `listpack` while
 * small (set-max-listpack-entries members of at most set-max-listpack-value bytes);
 * `hashtable` otherwise. Conversions are one-way.
 *
 * Storage, for memory and O(1) random picks: integer members (canonical decimals within
 * ±(2^53 - 1)) of an intset or hashtable set live in an IntTable (typed arrays, 16-32 B a
 * member, ~a third of Redis's hashtable), other members in StringSlots (a Map plus a slot
 * array). A listpack set keeps every member in StringSlots in insertion order, which Redis's
 * replies show; an intset lists its members in numeric order, as Redis's intset does, and
 * converting it to a listpack appends them in that order (setTypeConvert).
 */
import type { AggregateValue } from './value.js';
import { IntTable, intMember } from './int-table.js';
import { StringSlots } from './string-slots.js';
import { drawSlots } from './random-slots.js';
import { parseInt64 } from '../util/numbers.js';

export interface SetLimits {
  maxIntsetEntries: number;
  maxListpackEntries: number;
  maxListpackValue: number;
}

type SetEncoding = 'intset' | 'listpack' | 'hashtable';

/** Cursor = epoch × 2^32 + position, as the keyspace's SCAN cursors. */
const EPOCH_UNIT = 2 ** 32;

export class SetValue implements AggregateValue {
  readonly kind = 'set' as const;
  private enc: SetEncoding = 'intset';
  private strs = new StringSlots(false);
  /** The integer members, unless the set is a listpack (then null). */
  private ints: IntTable | null = new IntTable();

  /** setTypeCreate: the encoding a new set starts with, given its first member and expected size. */
  constructor(limits?: SetLimits, first?: string, sizeHint = 1) {
    if (limits !== undefined && first !== undefined) {
      if (parseInt64(first) !== null && sizeHint <= limits.maxIntsetEntries) this.enc = 'intset';
      else if (sizeHint <= limits.maxListpackEntries) this.toListpack();
      else this.toHashtable();
    }
  }

  encoding(): string {
    return this.enc;
  }

  get size(): number {
    return this.strs.size + (this.ints === null ? 0 : this.ints.size);
  }

  /** The members as a read-only Set-like view (ZUNION and co. read sets as inputs). */
  get members(): { readonly size: number; has(member: string): boolean; [Symbol.iterator](): Iterator<string> } {
    return this;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.ordered()[Symbol.iterator]();
  }

  has(member: string): boolean {
    if (this.ints !== null) {
      const v = intMember(member);
      if (v !== null) return this.ints.has(v);
    }
    return this.strs.has(member);
  }

  /** setTypeMaybeConvert: a bulk add of `sizeHint` members that can't fit goes straight to hashtable. */
  maybeConvert(limits: SetLimits, sizeHint: number): void {
    if ((this.enc === 'listpack' && sizeHint > limits.maxListpackEntries) || (this.enc === 'intset' && sizeHint > limits.maxIntsetEntries)) {
      this.toHashtable();
    }
  }

  /** setTypeAdd with Redis 7.2's conversions; returns true when the member was new. */
  add(limits: SetLimits, member: string): boolean {
    // A hashtable converts no more: one membership probe (in the store's add), not two.
    if (this.enc !== 'hashtable' && this.has(member)) return false;
    const before = this.size;
    if (this.enc === 'intset') {
      if (parseInt64(member) !== null) {
        if (before + 1 > limits.maxIntsetEntries) this.toHashtable();
      } else {
        const fits = before < limits.maxListpackEntries && member.length <= limits.maxListpackValue && this.maxMemberLength() <= limits.maxListpackValue;
        if (fits) this.toListpack();
        else this.toHashtable();
      }
    } else if (this.enc === 'listpack') {
      if (!(before < limits.maxListpackEntries && member.length <= limits.maxListpackValue)) this.toHashtable();
    }
    if (this.ints !== null) {
      const v = intMember(member);
      if (v !== null) return this.ints.add(v);
    }
    return this.strs.add(member);
  }

  /** Removes a member; returns false when it wasn't there. */
  remove(member: string): boolean {
    if (this.ints !== null) {
      const v = intMember(member);
      if (v !== null) return this.ints.remove(v);
    }
    return this.strs.remove(member);
  }

  /** A uniformly random member in O(1) expected time; the set must not be empty. */
  random(random: () => number): string {
    return this.memberAt(this.randomPosition(random));
  }

  /**
   * The position of a uniformly random member (see memberAt): string slots first, then the
   * integer slots. Distinct picks (SRANDMEMBER with a count) compare positions, numbers,
   * instead of hashing the members.
   */
  randomPosition(random: () => number): number {
    const ints = this.ints;
    const a = this.strs.slots;
    if (ints === null || ints.size === 0) return this.strs.randomSlot(random);
    if (this.strs.size === 0) return a + ints.randomSlot(random);
    for (;;) {
      const r = Math.floor(random() * (a + ints.slots));
      if (r < a ? this.strs.at(r) !== null : ints.at(r - a) === ints.at(r - a)) return r;
    }
  }

  /** `count` random positions (distinct when `distinct`): see drawSlots and memberAt. */
  randomPositions(count: number, distinct: boolean, random: () => number): number[] {
    const strs = this.strs;
    const ints = this.ints;
    const a = strs.slots;
    const isMember = (p: number): boolean => (p < a ? strs.at(p) !== null : ints!.at(p - a) === ints!.at(p - a));
    return drawSlots(count, a + (ints === null ? 0 : ints.slots), isMember, distinct, random);
  }

  /** The member at a position from randomPosition (valid until the set changes). */
  memberAt(position: number): string {
    const a = this.strs.slots;
    return position < a ? this.strs.at(position)! : String(this.ints!.at(position - a));
  }

  /** intset → listpack: every member into StringSlots, in the intset's (numeric) order. */
  private toListpack(): void {
    const members = this.ordered();
    this.enc = 'listpack';
    this.ints = null;
    this.strs = new StringSlots(false);
    for (const m of members) this.strs.add(m);
  }

  /** → hashtable: integer members move to an IntTable; holes become reusable. */
  private toHashtable(): void {
    if (this.enc === 'listpack') {
      const ints = new IntTable();
      const strs = new StringSlots(true);
      this.strs.forEach((m) => {
        const v = intMember(m);
        if (v !== null) ints.add(v);
        else strs.add(m);
      });
      this.ints = ints;
      this.strs = strs;
    }
    this.strs.startReusingHoles();
    this.enc = 'hashtable';
  }

  private maxMemberLength(): number {
    let max = 0;
    this.forEach((m) => {
      if (m.length > max) max = m.length;
    });
    return max;
  }

  /** Every member: strings in slot order, then integers. */
  forEach(visit: (member: string) => void): void {
    this.strs.forEach(visit);
    this.ints?.forEach((v) => visit(String(v)));
  }

  /** Members in the order Redis lists them: numeric for an intset, insertion order for a listpack. */
  ordered(): string[] {
    const all: string[] = [];
    if (this.enc === 'intset' && this.strs.size === 0 && this.ints !== null) {
      const nums: number[] = [];
      this.ints.forEach((v) => nums.push(v));
      nums.sort((a, b) => a - b);
      for (const v of nums) all.push(String(v));
      return all;
    }
    this.forEach((m) => all.push(m));
    if (this.enc === 'intset') all.sort((a, b) => { const x = BigInt(a); const y = BigInt(b); return x < y ? -1 : x > y ? 1 : 0; });
    return all;
  }

  /**
   * One SSCAN step: a hashtable set is walked over its slots, up to `count` members a step
   * (looking at no more than 10 × `count` slots, as Redis bounds empty buckets); an intset
   * or listpack set is returned whole with cursor 0, as Redis does. Positions interleave the
   * two stores (even: StringSlots, odd: IntTable), so either can grow without moving the
   * other's positions; the cursor's epoch changes whenever a compaction moves members, and
   * an older cursor restarts the walk (duplicates are allowed, misses are not).
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.enc !== 'hashtable' || this.ints === null) {
      // An intset or listpack is returned whole whatever the cursor, as scanGenericCommand does.
      for (const m of this.ordered()) visit(m);
      return 0;
    }
    const strs = this.strs;
    const ints = this.ints;
    const epoch = strs.epoch + ints.epoch;
    let pos = 0;
    if (cursor > 0 && Math.floor(cursor / EPOCH_UNIT) === epoch) pos = cursor % EPOCH_UNIT;
    const end = 2 * Math.max(strs.slots, ints.slots);
    let found = 0;
    const maxLooked = Math.max(count, 1) * 10;
    for (let looked = 0; pos < end && found < count && looked < maxLooked; pos++, looked++) {
      const slot = pos >>> 1;
      if ((pos & 1) === 0) {
        const m = slot < strs.slots ? strs.at(slot) : null;
        if (m !== null) {
          visit(m);
          found++;
        }
      } else if (slot < ints.slots) {
        const v = ints.at(slot);
        if (v === v) {
          visit(String(v));
          found++;
        }
      }
    }
    return pos >= end ? 0 : epoch * EPOCH_UNIT + pos;
  }

  clone(): SetValue {
    const copy = new SetValue();
    copy.enc = this.enc;
    copy.strs = this.strs.clone();
    copy.ints = this.ints === null ? null : this.ints.clone();
    return copy;
  }

  memoryUsage(): number {
    return 48 + this.strs.memoryUsage() + (this.ints === null ? 0 : this.ints.memoryUsage());
  }
}
