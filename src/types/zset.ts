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

const MAX_LEVEL = 32;

/** A skiplist node: forward pointers with spans (elements skipped), as Redis's zskiplist. */
class SkipNode {
  readonly next: (SkipNode | null)[];
  readonly span: number[];
  constructor(
    readonly member: string,
    readonly score: number,
    level: number,
  ) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** Orders by score, then member bytes (latin1 string comparison is byte order). */
function before(aScore: number, aMember: string, bScore: number, bMember: string): boolean {
  return aScore < bScore || (aScore === bScore && aMember < bMember);
}

export class ZsetValue implements AggregateValue {
  readonly kind = 'zset' as const;
  readonly scores = new Map<string, number>();
  private head = new SkipNode('', -Infinity, MAX_LEVEL);
  private level = 1;
  /** Nodes in the skiplist (differs from scores.size while a member is being moved). */
  private length = 0;
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

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < 0.25) level++;
    return level;
  }

  /** zslInsert: O(log n). */
  private insertNode(member: string, score: number): void {
    const update = new Array<SkipNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL).fill(0);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      for (let n = x.next[i]; n !== null && n !== undefined && before(n.score, n.member, score, member); n = x.next[i]) {
        rank[i]! += x.span[i]!;
        x = n;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.next[i] = u.next[i]!;
      u.next[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    this.length++;
  }

  /** zslDelete: O(log n). */
  private deleteNode(member: string, score: number): void {
    const update = new Array<SkipNode>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && before(n.score, n.member, score, member); n = x.next[i]) x = n;
      update[i] = x;
    }
    const target = x.next[0];
    if (target === null || target === undefined || target.member !== member) return;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === target) {
        u.span[i]! += target.span[i]! - 1;
        u.next[i] = target.next[i]!;
      } else {
        u.span[i]!--;
      }
    }
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Inserts or moves a member to `score`. */
  set(limits: ZsetLimits, member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return;
      this.deleteNode(member, old);
    }
    this.insertNode(member, score);
    this.scores.set(member, score);
    if (!this.skiplist && (this.size > limits.maxEntries || member.length > limits.maxValue)) this.skiplist = true;
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.deleteNode(member, score);
    this.scores.delete(member);
    return true;
  }

  /** 0-based rank in ascending order, or -1 (zslGetRank, O(log n)). */
  rank(member: string): number {
    const score = this.scores.get(member);
    if (score === undefined) return -1;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && (before(n.score, n.member, score, member) || n.member === member); n = x.next[i]) {
        traversed += x.span[i]!;
        x = n;
      }
      if (x.member === member && x !== this.head) return traversed - 1;
    }
    return -1;
  }

  /** The member at a 0-based rank (zslGetElementByRank, O(log n)). */
  at(rank: number): string {
    return this.nodeAt(rank + 1)!.member;
  }

  private nodeAt(rank1: number): SkipNode | null {
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.next[i] !== null && x.next[i] !== undefined && traversed + x.span[i]! <= rank1) {
        traversed += x.span[i]!;
        x = x.next[i]!;
      }
      if (traversed === rank1) return x;
    }
    return null;
  }

  /** Count of leading elements for which `inside(node)` is false (first rank inside a lower bound). */
  private countWhile(stillBelow: (n: SkipNode) => boolean): number {
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && stillBelow(n); n = x.next[i]) {
        traversed += x.span[i]!;
        x = n;
      }
    }
    return traversed;
  }

  /** First rank whose score is inside the lower bound. */
  firstInScore(min: ScoreBound): number {
    return this.countWhile((n) => n.score < min.value || (min.exclusive && n.score === min.value));
  }

  /** Last rank whose score is inside the upper bound (-1 if none). */
  lastInScore(max: ScoreBound): number {
    return this.countWhile((n) => n.score < max.value || (!max.exclusive && n.score === max.value)) - 1;
  }

  /** Lex ranges assume equal scores, as Redis documents; compares member bytes. */
  firstInLex(min: LexBound): number {
    if (min.infinite === -1) return 0;
    if (min.infinite === 1) return this.size;
    return this.countWhile((n) => n.member < min.value || (min.exclusive && n.member === min.value));
  }

  lastInLex(max: LexBound): number {
    if (max.infinite === 1) return this.size - 1;
    if (max.infinite === -1) return -1;
    return this.countWhile((n) => n.member < max.value || (!max.exclusive && n.member === max.value)) - 1;
  }

  /** Removes ranks [start, end] (inclusive); returns the removed members. */
  removeRange(start: number, end: number): string[] {
    const removed: string[] = [];
    let node = this.nodeAt(start + 1);
    for (let k = start; k <= end && node !== null; k++) {
      removed.push(node.member);
      node = node.next[0] ?? null;
    }
    for (const m of removed) this.remove(m);
    return removed;
  }

  /** Every (member, score) in ascending order, O(n). */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (let n = this.head.next[0]; n !== null && n !== undefined; n = n.next[0]) out.push([n.member, n.score]);
    return out;
  }

  clone(): ZsetValue {
    const copy = new ZsetValue();
    const limits = { maxEntries: Infinity, maxValue: Infinity };
    for (let n = this.head.next[0]; n !== null && n !== undefined; n = n.next[0]) copy.set(limits, n.member, n.score);
    copy.skiplist = this.skiplist;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const m of this.scores.keys()) bytes += 80 + m.length;
    return bytes;
  }
}
