/**
 * The sorted-set type (no protocol). Two views of the same (member, score) pairs:
 * - slots: member → slot (a KeyIndex, the keyspace's open-addressing table: a lookup reads one
 *   line of stored hashes, then the member, where a Map walks a bucket chain; measured in
 *   process at 1M members, a lookup of a freshly parsed member ~1.5 µs → ~0.7 µs, ZADD of a
 *   new member + ZREM ~2.9 µs → ~2.1 µs) and per-slot member and score, for O(1) ZSCORE, a uniformly
 *   random member in O(1) (ZRANDMEMBER: a random slot, < 4 tries as holes stay under 3/4)
 *   and an incremental ZSCAN over slot positions (SCAN's cursor guarantee, as SlotMap's);
 * - order: a ZTree (zset-tree.ts) for ranks and score/lex ranges in O(log n).
 * A freed slot is reused by the next insert; holes are compacted away (slots renumbered,
 * the scan epoch bumped) once they are 3/4 of the slots: a set drained by ZPOPMIN then
 * renumbers n/3 members in all, not n (at 1/2, compactions took a third of ZPOPMIN's time).
 * OBJECT ENCODING reports Redis's `listpack` (small) / `skiplist`, one-way.
 */
import type { AggregateValue } from './value.js';
import { KeyIndex } from '../keyspace/key-index.js';
import { scanSlots } from './slot-map.js';
import { ZTree } from './zset-tree.js';
import { drawSlots, PickAhead } from './random-slots.js';

export interface ZsetLimits {
  maxEntries: number;
  maxValue: number;
}

export interface ScoreBound {
  value: number;
  exclusive: boolean;
}

export interface LexBound {
  /** null with `infinite` set stands for "-" (min) or "+" (max). */
  value: string;
  exclusive: boolean;
  infinite: -1 | 0 | 1;
}

export class ZsetValue implements AggregateValue {
  readonly kind = 'zset' as const;
  /** member → slot; the members themselves are slotMembers (KeyIndex compares through it). */
  private readonly index = new KeyIndex();
  private slotMembers: (string | null)[] = [];
  private slotScores = new Float64Array(4);
  private readonly free: number[] = [];
  /** Bumped by each compaction (slots move): part of every ZSCAN cursor. */
  private epoch = 0;
  /** Leaves hold slot numbers: the tree reads members through slotMembers. */
  private readonly tree = new ZTree(this.slotMembers);
  private skiplist: boolean;
  /** Single ZRANDMEMBER picks drawn ahead (big sets only; see PickAhead). */
  ahead: PickAhead | null = null;

  constructor(limits?: ZsetLimits, sizeHint = 0, maxLenHint = 0) {
    this.skiplist = limits !== undefined && (sizeHint > limits.maxEntries || maxLenHint > limits.maxValue);
  }

  encoding(): string {
    return this.skiplist ? 'skiplist' : 'listpack';
  }

  get size(): number {
    return this.index.size;
  }

  /** zsetTypeMaybeConvert before a bulk add. */
  maybeConvert(limits: ZsetLimits, sizeHint: number, maxLenHint: number): void {
    if (!this.skiplist && (this.size + sizeHint > limits.maxEntries || maxLenHint > limits.maxValue)) this.skiplist = true;
  }

  score(member: string): number | undefined {
    const slot = this.index.get(member, this.slotMembers);
    return slot === -1 ? undefined : this.slotScores[slot]!;
  }

  has(member: string): boolean {
    return this.index.get(member, this.slotMembers) !== -1;
  }

  /** Inserts or moves a member to `score`. */
  set(limits: ZsetLimits, member: string, score: number): void {
    const slot = this.index.get(member, this.slotMembers);
    if (slot !== -1) this.moveSlot(slot, score);
    else this.add(limits, member, score);
  }

  /** The slot holding `member`, or -1: lets ZADD look a member up once. */
  slotOf(member: string): number {
    return this.index.get(member, this.slotMembers);
  }

  /** Moves the member in `slot` to `score`. */
  moveSlot(slot: number, score: number): void {
    const old = this.slotScores[slot]!;
    if (old === score) return;
    // A listpack stores an integral score as an integer: -0 reads back as 0 (double2ll).
    if (score === 0 && !this.skiplist) score = 0;
    const member = this.slotMembers[slot]!;
    this.tree.delete(old, member, slot);
    this.tree.insert(score, member, slot);
    this.slotScores[slot] = score;
  }

  /** Inserts a member known to be absent. */
  add(limits: ZsetLimits, member: string, score: number): void {
    // zsetAdd converts before inserting the member that overflows the listpack.
    if (!this.skiplist && (this.size + 1 > limits.maxEntries || member.length > limits.maxValue)) this.skiplist = true;
    if (score === 0 && !this.skiplist) score = 0;
    const slot = this.takeSlot(member, score);
    this.tree.insert(score, member, slot);
    this.index.add(member, slot);
  }

  private takeSlot(member: string, score: number): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      this.slotMembers[reused] = member;
      this.slotScores[reused] = score;
      return reused;
    }
    const slot = this.slotMembers.length;
    if (slot === this.slotScores.length) {
      const grown = new Float64Array(slot * 2);
      grown.set(this.slotScores);
      this.slotScores = grown;
    }
    this.slotMembers.push(member);
    this.slotScores[slot] = score;
    return slot;
  }

  remove(member: string): boolean {
    const slot = this.index.delete(member, this.slotMembers);
    if (slot === -1) return false;
    this.tree.delete(this.slotScores[slot]!, this.slotMembers[slot]!, slot);
    this.slotMembers[slot] = null;
    this.free.push(slot);
    const holes = this.free.length;
    if (holes > 32 && holes * 4 > this.slotMembers.length * 3) this.compact();
    return true;
  }

  private compact(): void {
    const members: string[] = [];
    const scores = new Float64Array(Math.max(4, this.index.size));
    const old = this.slotMembers;
    const moved = new Int32Array(old.length);
    for (let i = 0; i < old.length; i++) {
      const m = old[i];
      if (m === null || m === undefined) continue;
      scores[members.length] = this.slotScores[i]!;
      moved[i] = members.length;
      members.push(m);
    }
    this.index.renumber(moved);
    this.tree.renumber(moved, members);
    this.slotMembers = members;
    this.slotScores = scores;
    this.free.length = 0;
    this.epoch++;
  }

  /** 0-based rank in ascending order, or -1 (O(log n)). */
  rank(member: string): number {
    const slot = this.index.get(member, this.slotMembers);
    return slot === -1 ? -1 : this.tree.rank(this.slotScores[slot]!, this.slotMembers[slot]!, slot);
  }

  /** The member at a 0-based rank (O(log n)). */
  at(rank: number): string {
    return this.tree.memberAt(rank);
  }

  /** `count` members (and their scores) from 0-based rank `start`, descending when `reverse`: O(log n + count). */
  range(start: number, count: number, reverse: boolean, members: string[], scores: number[]): void {
    this.tree.range(start, count, reverse, members, scores);
  }

  /**
   * Members inside [min, max] by score, LIMIT offset/count applied (count < 0: all), in
   * ascending or (`reverse`, from max down) descending order: O(log n + offset + m) like
   * Redis, the offset skipped by rank rather than walked.
   */
  rangeByScore(min: ScoreBound, max: ScoreBound, reverse: boolean, offset: number, count: number, members: string[], scores: number[]): void {
    if (offset < 0) return;
    const limit = count < 0 ? Infinity : count;
    const lo = min.value;
    const hi = max.value;
    // Without an offset the range starts where the bound's search ended: no second descent.
    if (reverse) {
      const start = this.lastInScore(max) - offset;
      const aboveMin = min.exclusive ? (s: number) => s > lo : (s: number) => s >= lo;
      if (offset === 0) this.tree.rangeFromSeek(limit, true, aboveMin, members, scores);
      else if (start >= 0) this.tree.rangeWhile(start, limit, true, aboveMin, members, scores);
    } else {
      const start = this.firstInScore(min) + offset;
      const belowMax = max.exclusive ? (s: number) => s < hi : (s: number) => s <= hi;
      if (offset === 0) this.tree.rangeFromSeek(limit, false, belowMax, members, scores);
      else this.tree.rangeWhile(start, limit, false, belowMax, members, scores);
    }
  }

  /** rangeByScore's counterpart for lex ranges (equal scores assumed). */
  rangeByLex(min: LexBound, max: LexBound, reverse: boolean, offset: number, count: number, members: string[], scores: number[]): void {
    if (offset < 0) return;
    const limit = count < 0 ? Infinity : count;
    if (reverse) {
      const start = this.lastInLex(max) - offset;
      const v = min.value;
      const inside = min.infinite === -1 ? () => true : min.infinite === 1 ? () => false : min.exclusive ? (_: number, m: string) => m > v : (_: number, m: string) => m >= v;
      // A finite bound was searched (countWhile): start there, as rangeByScore does.
      if (offset === 0 && max.infinite === 0) this.tree.rangeFromSeek(limit, true, inside, members, scores);
      else if (start >= 0) this.tree.rangeWhile(start, limit, true, inside, members, scores);
    } else {
      const start = this.firstInLex(min) + offset;
      const v = max.value;
      const inside = max.infinite === 1 ? () => true : max.infinite === -1 ? () => false : max.exclusive ? (_: number, m: string) => m < v : (_: number, m: string) => m <= v;
      if (offset === 0 && min.infinite === 0) this.tree.rangeFromSeek(limit, false, inside, members, scores);
      else this.tree.rangeWhile(start, limit, false, inside, members, scores);
    }
  }

  /** First rank whose score is inside the lower bound. */
  firstInScore(min: ScoreBound): number {
    const v = min.value;
    return min.exclusive ? this.tree.countWhile((s) => s <= v) : this.tree.countWhile((s) => s < v);
  }

  /** Last rank whose score is inside the upper bound (-1 if none). */
  lastInScore(max: ScoreBound): number {
    const v = max.value;
    return (max.exclusive ? this.tree.countWhile((s) => s < v) : this.tree.countWhile((s) => s <= v)) - 1;
  }

  /** Lex ranges assume equal scores, as Redis documents; compares member bytes. */
  firstInLex(min: LexBound): number {
    if (min.infinite === -1) return 0;
    if (min.infinite === 1) return this.size;
    const v = min.value;
    return min.exclusive ? this.tree.countWhile((_, m) => m <= v, true) : this.tree.countWhile((_, m) => m < v, true);
  }

  lastInLex(max: LexBound): number {
    if (max.infinite === 1) return this.size - 1;
    if (max.infinite === -1) return -1;
    const v = max.value;
    return (max.exclusive ? this.tree.countWhile((_, m) => m < v, true) : this.tree.countWhile((_, m) => m <= v, true)) - 1;
  }

  /** Removes ranks [start, end] (inclusive); returns the removed members. */
  removeRange(start: number, end: number): string[] {
    const removed: string[] = [];
    if (start > end) return removed;
    this.tree.range(start, end - start + 1, false, removed, []);
    for (const m of removed) this.remove(m);
    return removed;
  }

  /** A uniformly random slot holding a member; the set must not be empty. */
  randomSlot(random: () => number): number {
    return PickAhead.pick(this, this.slotMembers, random);
  }

  /** `count` random member slots (distinct when `distinct`): see drawSlots. */
  randomSlots(count: number, distinct: boolean, random: () => number): number[] {
    const slots = this.slotMembers;
    return drawSlots(count, slots.length, (i) => slots[i] !== null, distinct, random);
  }

  memberAtSlot(slot: number): string {
    return this.slotMembers[slot]!;
  }

  scoreAtSlot(slot: number): number {
    return this.slotScores[slot]!;
  }

  /**
   * One ZSCAN step: a skiplist-encoded set is walked `count` members at a time over its
   * slots (cursor = epoch and position, as SCAN's; members present throughout are returned
   * at least once); a listpack one is returned whole, in order, with cursor 0, whatever the
   * cursor given, as Redis does.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (!this.skiplist) {
      // Whatever the cursor, as scanGenericCommand does for a listpack.
      this.tree.forEach(visit);
      return 0;
    }
    return scanSlots(this.slotMembers, this.epoch, cursor, count, (i) => visit(this.slotMembers[i]!, this.slotScores[i]!));
  }

  /** Every (member, score) in ascending order. */
  forEach(fn: (member: string, score: number) => void): void {
    this.tree.forEach(fn);
  }

  /** Every (member, score) in ascending order, O(n). */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    this.tree.forEach((m, s) => out.push([m, s]));
    return out;
  }

  clone(): ZsetValue {
    const copy = new ZsetValue();
    const limits = { maxEntries: Infinity, maxValue: Infinity };
    this.tree.forEach((m, s) => copy.set(limits, m, s));
    copy.skiplist = this.skiplist;
    return copy;
  }

  /** Tree invariants and slot agreement, for tests. */
  check(): void {
    this.tree.check();
    if (this.tree.size !== this.index.size) throw new Error('tree and index sizes differ');
    let members = 0;
    this.slotMembers.forEach((m, slot) => {
      if (m === null) return;
      members++;
      if (this.index.get(m, this.slotMembers) !== slot) throw new Error('slot');
    });
    if (members !== this.index.size) throw new Error('slot count');
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const m of this.slotMembers) if (m !== null) bytes += 80 + m.length;
    return bytes;
  }
}
