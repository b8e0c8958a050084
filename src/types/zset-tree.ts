/**
 * The ordered half of a sorted set: an order-statistic B+tree of (score, member) pairs,
 * ordered by score then member bytes (latin1 string order is byte order), as Redis's
 * zskiplist. Chosen over a skiplist of node objects because a lookup in a 1M-member set
 * touches ~4 nodes whose keys sit side by side in typed arrays, instead of ~20 scattered
 * node objects (cache misses dominate at that size), and a leaf holds 64 pairs in two
 * arrays instead of 64 objects with two arrays each.
 *
 * Leaves hold scores (Float64Array) and members (a packed array), linked both ways for
 * range walks. Inner nodes hold, per child, its element count (for ranks) and a separator:
 * a lower bound of the child's keys (the child's first key when it was placed; it may go
 * stale-low after deletions, which keeps every search correct: a key >= separator i and
 * < separator i+1 can only be in child i). Every operation is O(log n); a leaf at a quarter
 * full borrows from or merges with a sibling, so the tree stays shallow and dense.
 */

const LEAF_CAP = 64;
const INNER_CAP = 64;
/** A single-leaf tree (a small sorted set) starts with room for this many and doubles. */
const FIRST_CAP = 4;
/** log_16(2^31) < 8 levels even with quarter-full nodes; room to spare. */
const MAX_DEPTH = 32;

class Leaf {
  n = 0;
  scores: Float64Array;
  members: string[];
  prev: Leaf | null = null;
  next: Leaf | null = null;
  constructor(cap: number) {
    this.scores = new Float64Array(cap);
    this.members = new Array<string>(cap).fill('');
  }
}

class Inner {
  n = 0;
  readonly children: Node[] = [];
  readonly counts = new Int32Array(INNER_CAP);
  readonly sepScores = new Float64Array(INNER_CAP);
  readonly sepMembers: string[] = new Array<string>(INNER_CAP).fill('');
}

type Node = Leaf | Inner;

/** First index in a leaf whose pair is not before (score, member). */
function leafLowerBound(leaf: Leaf, score: number, member: string): number {
  const s = leaf.scores;
  const m = leaf.members;
  let lo = 0;
  let hi = leaf.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ms = s[mid]!;
    if (ms < score || (ms === score && m[mid]! < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The child that holds (or would hold) (score, member): the last whose separator is <= it. */
function childFor(node: Inner, score: number, member: string): number {
  const s = node.sepScores;
  const m = node.sepMembers;
  let lo = 1;
  let hi = node.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ss = s[mid]!;
    if (ss < score || (ss === score && m[mid]! <= member)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function sumCounts(node: Inner, end: number): number {
  let sum = 0;
  const c = node.counts;
  for (let i = 0; i < end; i++) sum += c[i]!;
  return sum;
}

/** Moves leaf entries [from, from+len) of `src` to `dst` at `at` (regions may overlap when src === dst). */
function moveLeaf(src: Leaf, from: number, dst: Leaf, at: number, len: number): void {
  if (len <= 0) return;
  dst.scores.set(src.scores.subarray(from, from + len), at);
  const sm = src.members;
  const dm = dst.members;
  if (src === dst && at > from) for (let k = len - 1; k >= 0; k--) dm[at + k] = sm[from + k]!;
  else for (let k = 0; k < len; k++) dm[at + k] = sm[from + k]!;
}

function moveInner(src: Inner, from: number, dst: Inner, at: number, len: number): void {
  if (len <= 0) return;
  dst.counts.set(src.counts.subarray(from, from + len), at);
  dst.sepScores.set(src.sepScores.subarray(from, from + len), at);
  const sc = src.children;
  const dc = dst.children;
  const sm = src.sepMembers;
  const dm = dst.sepMembers;
  if (src === dst && at > from) {
    for (let k = len - 1; k >= 0; k--) {
      dc[at + k] = sc[from + k]!;
      dm[at + k] = sm[from + k]!;
    }
  } else {
    for (let k = 0; k < len; k++) {
      dc[at + k] = sc[from + k]!;
      dm[at + k] = sm[from + k]!;
    }
  }
}

export class ZTree {
  private root: Node = new Leaf(FIRST_CAP);
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  size = 0;
  /** The path of the current insert/delete: inner node and child index per level. */
  private readonly pathNodes: Inner[] = [];
  private readonly pathIdx = new Int32Array(MAX_DEPTH);
  /** Set by locate(): the index inside the returned leaf. */
  private locIdx = 0;

  insert(score: number, member: string): void {
    let node = this.root;
    const h = this.height;
    for (let d = 0; d < h; d++) {
      const inner = node as Inner;
      const i = childFor(inner, score, member);
      inner.counts[i]!++;
      this.pathNodes[d] = inner;
      this.pathIdx[d] = i;
      node = inner.children[i]!;
    }
    const leaf = node as Leaf;
    const pos = leafLowerBound(leaf, score, member);
    this.size++;
    if (leaf.n === leaf.scores.length) {
      if (leaf.n < LEAF_CAP) this.growLeaf(leaf);
      else {
        this.splitLeafAndInsert(leaf, pos, score, member);
        return;
      }
    }
    moveLeaf(leaf, pos, leaf, pos + 1, leaf.n - pos);
    leaf.scores[pos] = score;
    leaf.members[pos] = member;
    leaf.n++;
  }

  private growLeaf(leaf: Leaf): void {
    const cap = Math.min(LEAF_CAP, leaf.scores.length * 2);
    const scores = new Float64Array(cap);
    scores.set(leaf.scores.subarray(0, leaf.n));
    const members = new Array<string>(cap).fill('');
    for (let k = 0; k < leaf.n; k++) members[k] = leaf.members[k]!;
    leaf.scores = scores;
    leaf.members = members;
  }

  private splitLeafAndInsert(leaf: Leaf, pos: number, score: number, member: string): void {
    const right = new Leaf(LEAF_CAP);
    // Appending past the last leaf (ascending loads) leaves the left leaf full, not half.
    const mid = pos === LEAF_CAP && leaf.next === null ? LEAF_CAP : LEAF_CAP >> 1;
    moveLeaf(leaf, mid, right, 0, LEAF_CAP - mid);
    right.n = LEAF_CAP - mid;
    leaf.n = mid;
    right.next = leaf.next;
    if (right.next !== null) right.next.prev = right;
    right.prev = leaf;
    leaf.next = right;
    const target = pos < mid ? leaf : right;
    const at = pos < mid ? pos : pos - mid;
    moveLeaf(target, at, target, at + 1, target.n - at);
    target.scores[at] = score;
    target.members[at] = member;
    target.n++;
    this.addChild(this.height - 1, leaf, right, right.scores[0]!, right.members[0]!, leaf.n, right.n);
  }

  /** Puts `right` after `left` in the level-`level` node of the path (a new root above level 0). */
  private addChild(level: number, left: Node, right: Node, sepScore: number, sepMember: string, leftCount: number, rightCount: number): void {
    if (level < 0) {
      const r = new Inner();
      r.children.push(left, right);
      r.n = 2;
      r.counts[0] = leftCount;
      r.counts[1] = rightCount;
      r.sepScores[1] = sepScore;
      r.sepMembers[1] = sepMember;
      this.root = r;
      this.height++;
      return;
    }
    const p = this.pathNodes[level]!;
    const i = this.pathIdx[level]!;
    p.counts[i] = leftCount;
    let target = p;
    let at = i + 1;
    let q: Inner | null = null;
    if (p.n === INNER_CAP) {
      q = new Inner();
      const mid = INNER_CAP >> 1;
      moveInner(p, mid, q, 0, INNER_CAP - mid);
      q.n = INNER_CAP - mid;
      p.n = mid;
      p.children.length = mid;
      p.sepMembers.fill('', mid);
      if (at > mid) {
        target = q;
        at -= mid;
      }
    }
    moveInner(target, at, target, at + 1, target.n - at);
    target.children[at] = right;
    target.counts[at] = rightCount;
    target.sepScores[at] = sepScore;
    target.sepMembers[at] = sepMember;
    target.n++;
    if (q !== null) this.addChild(level - 1, p, q, q.sepScores[0]!, q.sepMembers[0]!, sumCounts(p, p.n), sumCounts(q, q.n));
  }

  /** Removes (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    let node = this.root;
    const h = this.height;
    for (let d = 0; d < h; d++) {
      const inner = node as Inner;
      const i = childFor(inner, score, member);
      this.pathNodes[d] = inner;
      this.pathIdx[d] = i;
      node = inner.children[i]!;
    }
    const leaf = node as Leaf;
    const pos = leafLowerBound(leaf, score, member);
    if (pos >= leaf.n || leaf.members[pos] !== member || leaf.scores[pos] !== score) return false;
    for (let d = 0; d < h; d++) this.pathNodes[d]!.counts[this.pathIdx[d]!]!--;
    moveLeaf(leaf, pos + 1, leaf, pos, leaf.n - pos - 1);
    leaf.n--;
    leaf.members[leaf.n] = '';
    this.size--;
    if (h > 0 && leaf.n < LEAF_CAP >> 2) this.rebalanceLeaf(h - 1);
    return true;
  }

  /** The leaf at the end of the path is under a quarter full: merge with or borrow from a sibling. */
  private rebalanceLeaf(level: number): void {
    const p = this.pathNodes[level]!;
    const i = this.pathIdx[level]!;
    if (p.n < 2) return;
    const j = i + 1 < p.n ? i : i - 1;
    const left = p.children[j] as Leaf;
    const right = p.children[j + 1] as Leaf;
    const total = left.n + right.n;
    if (total <= (LEAF_CAP * 3) >> 2) {
      moveLeaf(right, 0, left, left.n, right.n);
      left.n = total;
      left.next = right.next;
      if (left.next !== null) left.next.prev = left;
      p.counts[j] = total;
      this.removeChild(level, j + 1);
      return;
    }
    const want = total >> 1;
    if (left.n < want) {
      const k = want - left.n;
      moveLeaf(right, 0, left, left.n, k);
      moveLeaf(right, k, right, 0, right.n - k);
      for (let x = right.n - k; x < right.n; x++) right.members[x] = '';
      right.n -= k;
    } else {
      const k = left.n - want;
      moveLeaf(right, 0, right, k, right.n);
      moveLeaf(left, want, right, 0, k);
      for (let x = want; x < left.n; x++) left.members[x] = '';
      right.n += k;
    }
    left.n = want;
    p.counts[j] = left.n;
    p.counts[j + 1] = right.n;
    p.sepScores[j + 1] = right.scores[0]!;
    p.sepMembers[j + 1] = right.members[0]!;
  }

  /** Drops child `j` of the level-`level` path node; merges or collapses inner nodes that empty out. */
  private removeChild(level: number, j: number): void {
    const p = this.pathNodes[level]!;
    moveInner(p, j + 1, p, j, p.n - j - 1);
    p.n--;
    p.children.length = p.n;
    p.sepMembers[p.n] = '';
    if (level === 0) {
      while (this.height > 0 && (this.root as Inner).n === 1) {
        this.root = (this.root as Inner).children[0]!;
        this.height--;
      }
      return;
    }
    if (p.n >= INNER_CAP >> 2) return;
    const pp = this.pathNodes[level - 1]!;
    const pi = this.pathIdx[level - 1]!;
    if (pp.n < 2) {
      if (p.n === 0) this.removeChild(level - 1, pi);
      return;
    }
    const k = pi + 1 < pp.n ? pi : pi - 1;
    const left = pp.children[k] as Inner;
    const right = pp.children[k + 1] as Inner;
    if (left.n + right.n > INNER_CAP) return;
    // Right's first child had no separator of its own inside `right`: it takes right's.
    right.sepScores[0] = pp.sepScores[k + 1]!;
    right.sepMembers[0] = pp.sepMembers[k + 1]!;
    moveInner(right, 0, left, left.n, right.n);
    left.n += right.n;
    pp.counts[k]! += pp.counts[k + 1]!;
    this.removeChild(level - 1, k + 1);
  }

  /** 0-based rank of (score, member), or -1. */
  rank(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      const i = childFor(inner, score, member);
      rank += sumCounts(inner, i);
      node = inner.children[i]!;
    }
    const leaf = node as Leaf;
    const pos = leafLowerBound(leaf, score, member);
    return pos < leaf.n && leaf.members[pos] === member ? rank + pos : -1;
  }

  /** The leaf holding 0-based `rank` (< size); the index in it is left in locIdx. */
  private locate(rank: number): Leaf {
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      const c = inner.counts;
      let i = 0;
      while (rank >= c[i]!) rank -= c[i++]!;
      node = inner.children[i]!;
    }
    this.locIdx = rank;
    return node as Leaf;
  }

  memberAt(rank: number): string {
    const leaf = this.locate(rank);
    return leaf.members[this.locIdx]!;
  }

  /**
   * Appends `count` pairs from 0-based `start` (ascending, or descending from `start` when
   * `reverse`) to the output arrays: O(log n + count).
   */
  range(start: number, count: number, reverse: boolean, members: string[], scores: number[]): void {
    if (count <= 0) return;
    let leaf: Leaf | null = this.locate(start);
    let i = this.locIdx;
    while (count > 0 && leaf !== null) {
      if (reverse) {
        for (; i >= 0 && count > 0; i--, count--) {
          members.push(leaf.members[i]!);
          scores.push(leaf.scores[i]!);
        }
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.n - 1;
      } else {
        for (; i < leaf.n && count > 0; i++, count--) {
          members.push(leaf.members[i]!);
          scores.push(leaf.scores[i]!);
        }
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /**
   * Like range(), but stops at the first pair for which `inside` is false (the end of a
   * score or lex range), so a LIMIT needs no second search for the range's other end.
   */
  rangeWhile(start: number, count: number, reverse: boolean, inside: (score: number, member: string) => boolean, members: string[], scores: number[]): void {
    if (count <= 0 || start < 0 || start >= this.size) return;
    let leaf: Leaf | null = this.locate(start);
    let i = this.locIdx;
    while (count > 0 && leaf !== null) {
      if (reverse) {
        for (; i >= 0 && count > 0; i--, count--) {
          const s = leaf.scores[i]!;
          const m = leaf.members[i]!;
          if (!inside(s, m)) return;
          members.push(m);
          scores.push(s);
        }
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.n - 1;
      } else {
        for (; i < leaf.n && count > 0; i++, count--) {
          const s = leaf.scores[i]!;
          const m = leaf.members[i]!;
          if (!inside(s, m)) return;
          members.push(m);
          scores.push(s);
        }
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** Every pair in ascending order. */
  forEach(fn: (member: string, score: number) => void): void {
    if (this.size === 0) return;
    for (let leaf: Leaf | null = this.locate(0); leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.n; i++) fn(leaf.members[i]!, leaf.scores[i]!);
    }
  }

  /**
   * How many leading pairs satisfy `below`, which must hold for a prefix of the order
   * (a score or lex lower bound): O(log n).
   */
  countWhile(below: (score: number, member: string) => boolean): number {
    let node = this.root;
    let total = 0;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      let lo = 1;
      let hi = inner.n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (below(inner.sepScores[mid]!, inner.sepMembers[mid]!)) lo = mid + 1;
        else hi = mid;
      }
      total += sumCounts(inner, lo - 1);
      node = inner.children[lo - 1]!;
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(leaf.scores[mid]!, leaf.members[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return total + lo;
  }

  /** Structural invariants, for tests: counts, order, separators, leaf links. */
  check(): void {
    let prevLeaf: Leaf | null = null;
    let lastScore = -Infinity;
    let lastMember: string | null = null;
    const visit = (node: Node, depth: number, lowS: number, lowM: string | null): number => {
      if (depth === this.height) {
        const leaf = node as Leaf;
        if (leaf.prev !== prevLeaf) throw new Error('leaf prev link');
        if (prevLeaf !== null && prevLeaf.next !== leaf) throw new Error('leaf next link');
        prevLeaf = leaf;
        for (let i = 0; i < leaf.n; i++) {
          const s = leaf.scores[i]!;
          const m = leaf.members[i]!;
          if (lastMember !== null && !(lastScore < s || (lastScore === s && lastMember < m))) throw new Error('order');
          if (lowM !== null && (s < lowS || (s === lowS && m < lowM))) throw new Error('separator');
          lastScore = s;
          lastMember = m;
        }
        return leaf.n;
      }
      const inner = node as Inner;
      if (inner.children.length !== inner.n || inner.n === 0) throw new Error('inner size');
      let total = 0;
      for (let i = 0; i < inner.n; i++) {
        const n = i === 0 ? visit(inner.children[0]!, depth + 1, lowS, lowM) : visit(inner.children[i]!, depth + 1, inner.sepScores[i]!, inner.sepMembers[i]!);
        if (n !== inner.counts[i]) throw new Error('count');
        total += n;
      }
      return total;
    };
    if (visit(this.root, 0, -Infinity, null) !== this.size) throw new Error('size');
    if (prevLeaf !== null && (prevLeaf as Leaf).next !== null) throw new Error('last leaf');
  }
}
