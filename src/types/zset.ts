/**
 * The sorted-set type (no protocol): a Map member -> score for O(1) ZSCORE, plus an array
 * of members kept sorted by (score, member bytes) for ranks and ranges by binary search.
 * Inserting or removing shifts the array (a memmove, fast in practice but O(n)); a skiplist
 * with spans would make it O(log n) — see the notes in README.
 * OBJECT ENCODING reports Redis's `listpack` (small) / `skiplist`, one-way.
 */
import type { AggregateValue } from './value.js';

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
  readonly scores = new Map<string, number>();
  /** Members in ascending (score, member) order. */
  private order: string[] = [];
  private skiplist: boolean;

  constructor(limits?: ZsetLimits, sizeHint = 0, maxLenHint = 0) {
    this.skiplist = limits !== undefined && (sizeHint > limits.maxEntries || maxLenHint > limits.maxValue);
  }

  encoding(): string {
    return this.skiplist ? 'skiplist' : 'listpack';
  }

  get size(): number {
    return this.scores.size;
  }

  /** zsetTypeMaybeConvert before a bulk add. */
  maybeConvert(limits: ZsetLimits, sizeHint: number, maxLenHint: number): void {
    if (!this.skiplist && (this.size + sizeHint > limits.maxEntries || maxLenHint > limits.maxValue)) this.skiplist = true;
  }

  private less(am: string, as: number, bm: string, bs: number): boolean {
    return as < bs || (as === bs && am < bm);
  }

  /** Index of the first member not below (score, member). */
  private lowerBound(score: number, member: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.order[mid]!;
      if (this.less(m, this.scores.get(m)!, member, score)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts or moves a member to `score`. */
  set(limits: ZsetLimits, member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.order.splice(this.lowerBound(old, member), 1);
    }
    this.order.splice(this.lowerBound(score, member), 0, member);
    this.scores.set(member, score);
    if (!this.skiplist && (this.size > limits.maxEntries || member.length > limits.maxValue)) this.skiplist = true;
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.order.splice(this.lowerBound(score, member), 1);
    this.scores.delete(member);
    return true;
  }

  /** 0-based rank in ascending order, or -1. */
  rank(member: string): number {
    const score = this.scores.get(member);
    return score === undefined ? -1 : this.lowerBound(score, member);
  }

  at(rank: number): string {
    return this.order[rank]!;
  }

  /** First rank whose score is inside the lower bound. */
  firstInScore(min: ScoreBound): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.scores.get(this.order[mid]!)!;
      if (s < min.value || (min.exclusive && s === min.value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Last rank whose score is inside the upper bound (-1 if none). */
  lastInScore(max: ScoreBound): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.scores.get(this.order[mid]!)!;
      if (s < max.value || (!max.exclusive && s === max.value)) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Lex ranges assume equal scores, as Redis documents; compares member bytes. */
  firstInLex(min: LexBound): number {
    if (min.infinite === -1) return 0;
    if (min.infinite === 1) return this.order.length;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.order[mid]!;
      if (m < min.value || (min.exclusive && m === min.value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lastInLex(max: LexBound): number {
    if (max.infinite === 1) return this.order.length - 1;
    if (max.infinite === -1) return -1;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.order[mid]!;
      if (m < max.value || (!max.exclusive && m === max.value)) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Removes ranks [start, end] (inclusive); returns the removed members. */
  removeRange(start: number, end: number): string[] {
    const removed = this.order.splice(start, end - start + 1);
    for (const m of removed) this.scores.delete(m);
    return removed;
  }

  clone(): ZsetValue {
    const copy = new ZsetValue();
    copy.order = [...this.order];
    for (const [m, s] of this.scores) copy.scores.set(m, s);
    copy.skiplist = this.skiplist;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const m of this.order) bytes += 56 + m.length;
    return bytes;
  }
}
