/**
 * The ordered half of a sorted set: an order-statistic B+tree of (score, member) pairs,
 * ordered by score then member bytes (latin1 string order is byte order), as Redis's
 * zskiplist. Chosen over a skiplist of node objects because a lookup in a 1M-member set
 * touches ~4 nodes whose keys sit side by side in typed arrays, instead of ~20 scattered
 * node objects (cache misses dominate at that size).
 *
 * Leaves are not objects: leaf `id` owns slots [id*64, id*64+64) of two pools shared by
 * every leaf of the tree (scores in one Float64Array, members in one packed array), with
 * its length and both-way links in Int32Arrays. Visiting a leaf of a big set then costs
 * the cache lines of its keys, not a chain of object, typed-array and backing-store loads.
 * Inner nodes (few: ~1 per 40 leaves, cache-resident) are objects holding, per child, its
 * element count (for ranks) and a separator: a lower bound of the child's keys (the child's
 * first key when it was placed; it may go stale-low after deletions, which keeps every
 * search correct: a key >= separator i and < separator i+1 can only be in child i).
 * Every operation is O(log n); a leaf at a quarter full borrows from or merges with a
 * sibling, so the tree stays shallow and dense.
 */

const LEAF_CAP = 64;
const INNER_CAP = 64;
/** A small set (one leaf) starts with room for this many pairs and doubles. */
const FIRST_CAP = 4;
/** log_16(2^31) < 8 levels even with quarter-full nodes; room to spare. */
const MAX_DEPTH = 32;
const NONE = -1;

class Inner {
  n = 0;
  /** Child nodes, when the level below is inner nodes. */
  readonly children: Inner[] = [];
  /** Child leaf ids, when the level below is leaves. */
  readonly leaves = new Int32Array(INNER_CAP);
  readonly counts = new Int32Array(INNER_CAP);
  readonly sepScores = new Float64Array(INNER_CAP);
  readonly sepMembers: string[] = new Array<string>(INNER_CAP).fill('');
  constructor(readonly bottom: boolean) {}
}

/**
 * Keys are searched a group at a time, not by bisection: GROUP consecutive scores fill one
 * 64-byte cache line, so a scan of each group's first key reads every line of a node with
 * loads that do not depend on each other (the CPU overlaps their misses), then the group
 * found is scanned. In a 1M-member set, where a node's lines are rarely cached, bisection's
 * ~4 misses one after the other cost more than the scan's extra compares (measured in
 * process: a ZTree delete + insert at 1M ~1.2-1.3 µs → ~0.8 µs; at 1k unchanged, ~0.3 µs).
 */
const GROUP = 8;

/** The child that holds (or would hold) (score, member): the last whose separator is <= it. */
function childFor(node: Inner, score: number, member: string): number {
  const s = node.sepScores;
  const m = node.sepMembers;
  const n = node.n;
  // Separator 0 is not a key (child 0 takes everything below separator 1).
  let g = GROUP;
  while (g < n && (s[g]! < score || (s[g] === score && m[g]! <= member))) g += GROUP;
  let i = g - GROUP + 1;
  const end = g < n ? g : n;
  while (i < end && (s[i]! < score || (s[i] === score && m[i]! <= member))) i++;
  return i - 1;
}

/** The first index in [from, end) where `below` fails (end if none), by groups (see GROUP). */
function scanWhile(s: Float64Array, m: readonly string[], from: number, end: number, below: (score: number, member: string) => boolean): number {
  let g = from + GROUP;
  while (g < end && below(s[g]!, m[g]!)) g += GROUP;
  let i = g - GROUP;
  const stop = g < end ? g : end;
  while (i < stop && below(s[i]!, m[i]!)) i++;
  return i;
}

function sumCounts(node: Inner, end: number): number {
  let sum = 0;
  const c = node.counts;
  for (let i = 0; i < end; i++) sum += c[i]!;
  return sum;
}

/** Moves inner entries [from, from+len) of `src` to `dst` at `at` (regions may overlap when src === dst). */
function moveInner(src: Inner, from: number, dst: Inner, at: number, len: number): void {
  if (len <= 0) return;
  dst.counts.set(src.counts.subarray(from, from + len), at);
  dst.sepScores.set(src.sepScores.subarray(from, from + len), at);
  if (src.bottom) dst.leaves.set(src.leaves.subarray(from, from + len), at);
  const sc = src.children;
  const dc = dst.children;
  const sm = src.sepMembers;
  const dm = dst.sepMembers;
  if (src === dst && at > from) {
    for (let k = len - 1; k >= 0; k--) {
      if (!src.bottom) dc[at + k] = sc[from + k]!;
      dm[at + k] = sm[from + k]!;
    }
  } else {
    for (let k = 0; k < len; k++) {
      if (!src.bottom) dc[at + k] = sc[from + k]!;
      dm[at + k] = sm[from + k]!;
    }
  }
}

export class ZTree {
  /** The root when height > 0. */
  private rootInner: Inner | null = null;
  /** The root leaf when height is 0. */
  private rootLeaf = 0;
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  size = 0;
  // Leaf pools: leaf `id` owns [id * LEAF_CAP, id * LEAF_CAP + capacity).
  private scores = new Float64Array(FIRST_CAP);
  private members: string[] = new Array<string>(FIRST_CAP).fill('');
  private leafN = new Int32Array(4);
  private leafNext = new Int32Array(4).fill(NONE);
  private leafPrev = new Int32Array(4).fill(NONE);
  private leafIds = 1;
  private readonly freeLeaves: number[] = [];
  /** The path of the current insert/delete: inner node and child index per level. */
  private readonly pathNodes: Inner[] = [];
  private readonly pathIdx = new Int32Array(MAX_DEPTH);
  /** Set by locate(): the index inside the returned leaf. */
  private locIdx = 0;
  /** Set by countWhile(): where the pair at the returned rank is (index may equal the leaf's length). */
  private seekLeaf = 0;
  private seekIdx = 0;

  private allocLeaf(): number {
    const id = this.freeLeaves.pop() ?? this.leafIds++;
    const need = (id + 1) * LEAF_CAP;
    if (this.scores.length < need) this.growPool(need);
    if (id >= this.leafN.length) {
      const len = this.leafN.length * 2;
      const n = new Int32Array(len);
      n.set(this.leafN);
      const next = new Int32Array(len).fill(NONE);
      next.set(this.leafNext);
      const prev = new Int32Array(len).fill(NONE);
      prev.set(this.leafPrev);
      this.leafN = n;
      this.leafNext = next;
      this.leafPrev = prev;
    }
    this.leafN[id] = 0;
    this.leafNext[id] = NONE;
    this.leafPrev[id] = NONE;
    return id;
  }

  private freeLeaf(id: number): void {
    this.members.fill('', id * LEAF_CAP, id * LEAF_CAP + this.leafN[id]!);
    this.leafN[id] = 0;
    this.freeLeaves.push(id);
  }

  private growPool(min: number): void {
    const len = Math.max(min, this.scores.length * 2);
    const scores = new Float64Array(len);
    scores.set(this.scores);
    const members = new Array<string>(len).fill('');
    const old = this.members;
    for (let k = 0; k < old.length; k++) members[k] = old[k]!;
    this.scores = scores;
    this.members = members;
  }

  /** First index in leaf `id` whose pair is not before (score, member). */
  private lowerBound(id: number, score: number, member: string): number {
    const s = this.scores;
    const m = this.members;
    const base = id * LEAF_CAP;
    const n = this.leafN[id]!;
    // By groups (see GROUP): the first group whose first pair is not before, then inside the one before it.
    let g = GROUP;
    while (g < n && (s[base + g]! < score || (s[base + g] === score && m[base + g]! < member))) g += GROUP;
    let i = g - GROUP;
    const end = g < n ? g : n;
    while (i < end && (s[base + i]! < score || (s[base + i] === score && m[base + i]! < member))) i++;
    return i;
  }

  /** Moves pairs [from, from+len) of leaf `src` to leaf `dst` at `at` (may overlap when src === dst). */
  private moveLeaf(src: number, from: number, dst: number, at: number, len: number): void {
    if (len <= 0) return;
    const a = src * LEAF_CAP + from;
    const b = dst * LEAF_CAP + at;
    this.scores.copyWithin(b, a, a + len);
    const m = this.members;
    if (b > a) for (let k = len - 1; k >= 0; k--) m[b + k] = m[a + k]!;
    else for (let k = 0; k < len; k++) m[b + k] = m[a + k]!;
  }

  /**
   * Walks from the root to the leaf where (score, member) belongs, recording the path in
   * pathNodes/pathIdx and adding `countDelta` to the count of each child taken (insert: +1).
   */
  private descend(score: number, member: string, countDelta: number): number {
    const h = this.height;
    if (h === 0) return this.rootLeaf;
    let node = this.rootInner!;
    for (let d = 0; ; d++) {
      const i = childFor(node, score, member);
      node.counts[i]! += countDelta;
      this.pathNodes[d] = node;
      this.pathIdx[d] = i;
      if (d === h - 1) return node.leaves[i]!;
      node = node.children[i]!;
    }
  }

  insert(score: number, member: string): void {
    const leaf = this.descend(score, member, 1);
    const pos = this.lowerBound(leaf, score, member);
    this.size++;
    const n = this.leafN[leaf]!;
    if (n === LEAF_CAP) {
      this.splitAndInsert(leaf, pos, score, member);
      return;
    }
    // Only a lone first leaf has less room than LEAF_CAP: the pool grows with it.
    if (leaf * LEAF_CAP + n === this.scores.length) this.growPool(leaf * LEAF_CAP + Math.min(LEAF_CAP, n * 2));
    this.moveLeaf(leaf, pos, leaf, pos + 1, n - pos);
    const at = leaf * LEAF_CAP + pos;
    this.scores[at] = score;
    this.members[at] = member;
    this.leafN[leaf] = n + 1;
  }

  private splitAndInsert(leaf: number, pos: number, score: number, member: string): void {
    const right = this.allocLeaf();
    // Appending past the last leaf (ascending loads) leaves the left leaf full, not half.
    const mid = pos === LEAF_CAP && this.leafNext[leaf] === NONE ? LEAF_CAP : LEAF_CAP >> 1;
    this.moveLeaf(leaf, mid, right, 0, LEAF_CAP - mid);
    this.members.fill('', leaf * LEAF_CAP + mid, leaf * LEAF_CAP + LEAF_CAP);
    this.leafN[right] = LEAF_CAP - mid;
    this.leafN[leaf] = mid;
    const after = this.leafNext[leaf]!;
    this.leafNext[right] = after;
    if (after !== NONE) this.leafPrev[after] = right;
    this.leafPrev[right] = leaf;
    this.leafNext[leaf] = right;
    const target = pos < mid ? leaf : right;
    const at = pos < mid ? pos : pos - mid;
    const tn = this.leafN[target]!;
    this.moveLeaf(target, at, target, at + 1, tn - at);
    this.scores[target * LEAF_CAP + at] = score;
    this.members[target * LEAF_CAP + at] = member;
    this.leafN[target] = tn + 1;
    const rb = right * LEAF_CAP;
    this.addChild(this.height - 1, leaf, right, this.scores[rb]!, this.members[rb]!, this.leafN[leaf]!, this.leafN[right]!);
  }

  /** Puts `right` after `left` in the level-`level` node of the path (a new root above level 0). */
  private addChild(level: number, left: Inner | number, right: Inner | number, sepScore: number, sepMember: string, leftCount: number, rightCount: number): void {
    if (level < 0) {
      const r = new Inner(typeof left === 'number');
      if (typeof left === 'number') {
        r.leaves[0] = left;
        r.leaves[1] = right as number;
      } else {
        r.children.push(left, right as Inner);
      }
      r.n = 2;
      r.counts[0] = leftCount;
      r.counts[1] = rightCount;
      r.sepScores[1] = sepScore;
      r.sepMembers[1] = sepMember;
      this.rootInner = r;
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
      q = new Inner(p.bottom);
      const mid = INNER_CAP >> 1;
      moveInner(p, mid, q, 0, INNER_CAP - mid);
      q.n = INNER_CAP - mid;
      p.n = mid;
      if (!p.bottom) p.children.length = mid;
      p.sepMembers.fill('', mid);
      if (at > mid) {
        target = q;
        at -= mid;
      }
    }
    moveInner(target, at, target, at + 1, target.n - at);
    if (target.bottom) target.leaves[at] = right as number;
    else target.children[at] = right as Inner;
    target.counts[at] = rightCount;
    target.sepScores[at] = sepScore;
    target.sepMembers[at] = sepMember;
    target.n++;
    if (q !== null) this.addChild(level - 1, p, q, q.sepScores[0]!, q.sepMembers[0]!, sumCounts(p, p.n), sumCounts(q, q.n));
  }

  /** Removes (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    const h = this.height;
    const leaf = this.descend(score, member, 0);
    const pos = this.lowerBound(leaf, score, member);
    const n = this.leafN[leaf]!;
    const at = leaf * LEAF_CAP + pos;
    if (pos >= n || this.members[at] !== member || this.scores[at] !== score) return false;
    for (let d = 0; d < h; d++) this.pathNodes[d]!.counts[this.pathIdx[d]!]!--;
    this.moveLeaf(leaf, pos + 1, leaf, pos, n - pos - 1);
    this.members[leaf * LEAF_CAP + n - 1] = '';
    this.leafN[leaf] = n - 1;
    this.size--;
    if (h > 0 && n - 1 < LEAF_CAP >> 2) this.rebalanceLeaf(h - 1);
    return true;
  }

  /** The leaf at the end of the path is under a quarter full: merge with or borrow from a sibling. */
  private rebalanceLeaf(level: number): void {
    const p = this.pathNodes[level]!;
    const i = this.pathIdx[level]!;
    if (p.n < 2) return;
    const j = i + 1 < p.n ? i : i - 1;
    const left = p.leaves[j]!;
    const right = p.leaves[j + 1]!;
    const ln = this.leafN[left]!;
    const rn = this.leafN[right]!;
    const total = ln + rn;
    if (total <= (LEAF_CAP * 3) >> 2) {
      this.moveLeaf(right, 0, left, ln, rn);
      this.leafN[left] = total;
      const after = this.leafNext[right]!;
      this.leafNext[left] = after;
      if (after !== NONE) this.leafPrev[after] = left;
      this.freeLeaf(right);
      p.counts[j] = total;
      this.removeChild(level, j + 1);
      return;
    }
    const want = total >> 1;
    const m = this.members;
    if (ln < want) {
      const k = want - ln;
      this.moveLeaf(right, 0, left, ln, k);
      this.moveLeaf(right, k, right, 0, rn - k);
      m.fill('', right * LEAF_CAP + rn - k, right * LEAF_CAP + rn);
      this.leafN[right] = rn - k;
    } else {
      const k = ln - want;
      this.moveLeaf(right, 0, right, k, rn);
      this.moveLeaf(left, want, right, 0, k);
      m.fill('', left * LEAF_CAP + want, left * LEAF_CAP + ln);
      this.leafN[right] = rn + k;
    }
    this.leafN[left] = want;
    p.counts[j] = want;
    p.counts[j + 1] = this.leafN[right]!;
    p.sepScores[j + 1] = this.scores[right * LEAF_CAP]!;
    p.sepMembers[j + 1] = m[right * LEAF_CAP]!;
  }

  /** Drops child `j` of the level-`level` path node; merges or collapses inner nodes that empty out. */
  private removeChild(level: number, j: number): void {
    const p = this.pathNodes[level]!;
    moveInner(p, j + 1, p, j, p.n - j - 1);
    p.n--;
    if (!p.bottom) p.children.length = p.n;
    p.sepMembers[p.n] = '';
    if (level === 0) {
      for (let r = this.rootInner; r !== null && r.n === 1; r = this.rootInner) {
        this.height--;
        if (r.bottom) {
          this.rootLeaf = r.leaves[0]!;
          this.rootInner = null;
        } else {
          this.rootInner = r.children[0]!;
        }
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
    const left = pp.children[k]!;
    const right = pp.children[k + 1]!;
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
    let leaf = this.rootLeaf;
    let rank = 0;
    const h = this.height;
    if (h > 0) {
      let node = this.rootInner!;
      for (let d = 0; ; d++) {
        const i = childFor(node, score, member);
        rank += sumCounts(node, i);
        if (d === h - 1) {
          leaf = node.leaves[i]!;
          break;
        }
        node = node.children[i]!;
      }
    }
    const pos = this.lowerBound(leaf, score, member);
    return pos < this.leafN[leaf]! && this.members[leaf * LEAF_CAP + pos] === member ? rank + pos : -1;
  }

  /** The leaf holding 0-based `rank` (< size); the index in it is left in locIdx. */
  private locate(rank: number): number {
    const h = this.height;
    if (h === 0) {
      this.locIdx = rank;
      return this.rootLeaf;
    }
    let node = this.rootInner!;
    for (let d = 0; ; d++) {
      const c = node.counts;
      let i = 0;
      while (rank >= c[i]!) rank -= c[i++]!;
      if (d === h - 1) {
        this.locIdx = rank;
        return node.leaves[i]!;
      }
      node = node.children[i]!;
    }
  }

  memberAt(rank: number): string {
    const leaf = this.locate(rank);
    return this.members[leaf * LEAF_CAP + this.locIdx]!;
  }

  /**
   * Appends `count` pairs from 0-based `start` (ascending, or descending from `start` when
   * `reverse`) to the output arrays: O(log n + count).
   */
  range(start: number, count: number, reverse: boolean, members: string[], scores: number[]): void {
    this.rangeWhile(start, count, reverse, null, members, scores);
  }

  /**
   * Like range(), but stops at the first pair for which `inside` is false (the end of a
   * score or lex range), so a LIMIT needs no second search for the range's other end.
   */
  rangeWhile(start: number, count: number, reverse: boolean, inside: ((score: number, member: string) => boolean) | null, members: string[], scores: number[]): void {
    if (count <= 0 || start < 0 || start >= this.size) return;
    this.walk(this.locate(start), this.locIdx, count, reverse, inside, members, scores);
  }

  /**
   * rangeWhile() from the rank the last countWhile() returned (`reverse`: from the pair
   * before it), with no second descent: ZRANGEBYSCORE without an offset finds its start
   * once. The tree must not have changed since that countWhile().
   */
  rangeFromSeek(count: number, reverse: boolean, inside: ((score: number, member: string) => boolean) | null, members: string[], scores: number[]): void {
    let leaf = this.seekLeaf;
    let i = this.seekIdx;
    if (reverse) {
      // The pair before the seek position, in this leaf or the previous one.
      while (i === 0) {
        leaf = this.leafPrev[leaf]!;
        if (leaf === NONE) return;
        i = this.leafN[leaf]!;
      }
      i--;
    } else {
      while (i >= this.leafN[leaf]!) {
        leaf = this.leafNext[leaf]!;
        if (leaf === NONE) return;
        i = 0;
      }
    }
    if (count > 0) this.walk(leaf, i, count, reverse, inside, members, scores);
  }

  /** Appends up to `count` pairs from index `i` of `leaf` onwards (or backwards) while `inside` holds. */
  private walk(leaf: number, i: number, count: number, reverse: boolean, inside: ((score: number, member: string) => boolean) | null, members: string[], scores: number[]): void {
    const ps = this.scores;
    const pm = this.members;
    while (count > 0 && leaf !== NONE) {
      const base = leaf * LEAF_CAP;
      if (reverse) {
        for (; i >= 0 && count > 0; i--, count--) {
          const s = ps[base + i]!;
          const m = pm[base + i]!;
          if (inside !== null && !inside(s, m)) return;
          members.push(m);
          scores.push(s);
        }
        leaf = this.leafPrev[leaf]!;
        if (leaf !== NONE) i = this.leafN[leaf]! - 1;
      } else {
        const n = this.leafN[leaf]!;
        for (; i < n && count > 0; i++, count--) {
          const s = ps[base + i]!;
          const m = pm[base + i]!;
          if (inside !== null && !inside(s, m)) return;
          members.push(m);
          scores.push(s);
        }
        leaf = this.leafNext[leaf]!;
        i = 0;
      }
    }
  }

  /** Every pair in ascending order. */
  forEach(fn: (member: string, score: number) => void): void {
    if (this.size === 0) return;
    const ps = this.scores;
    const pm = this.members;
    for (let leaf = this.locate(0); leaf !== NONE; leaf = this.leafNext[leaf]!) {
      const base = leaf * LEAF_CAP;
      const n = this.leafN[leaf]!;
      for (let i = 0; i < n; i++) fn(pm[base + i]!, ps[base + i]!);
    }
  }

  /**
   * How many leading pairs satisfy `below`, which must hold for a prefix of the order
   * (a score or lex lower bound): O(log n).
   */
  countWhile(below: (score: number, member: string) => boolean): number {
    let leaf = this.rootLeaf;
    let total = 0;
    const h = this.height;
    if (h > 0) {
      let node = this.rootInner!;
      for (let d = 0; ; d++) {
        const i = scanWhile(node.sepScores, node.sepMembers, 1, node.n, below);
        total += sumCounts(node, i - 1);
        if (d === h - 1) {
          leaf = node.leaves[i - 1]!;
          break;
        }
        node = node.children[i - 1]!;
      }
    }
    const base = leaf * LEAF_CAP;
    const i = scanWhile(this.scores, this.members, base, base + this.leafN[leaf]!, below) - base;
    this.seekLeaf = leaf;
    this.seekIdx = i;
    return total + i;
  }

  /** Structural invariants, for tests: counts, order, separators, leaf links. */
  check(): void {
    let prevLeaf = NONE;
    let lastScore = -Infinity;
    let lastMember: string | null = null;
    const visitLeaf = (leaf: number, lowS: number, lowM: string | null): number => {
      if (this.leafPrev[leaf] !== prevLeaf) throw new Error('leaf prev link');
      if (prevLeaf !== NONE && this.leafNext[prevLeaf] !== leaf) throw new Error('leaf next link');
      prevLeaf = leaf;
      const n = this.leafN[leaf]!;
      for (let i = 0; i < n; i++) {
        const s = this.scores[leaf * LEAF_CAP + i]!;
        const m = this.members[leaf * LEAF_CAP + i]!;
        if (lastMember !== null && !(lastScore < s || (lastScore === s && lastMember < m))) throw new Error('order');
        if (lowM !== null && (s < lowS || (s === lowS && m < lowM))) throw new Error('separator');
        lastScore = s;
        lastMember = m;
      }
      return n;
    };
    const visit = (node: Inner, lowS: number, lowM: string | null): number => {
      if (node.n === 0 || (!node.bottom && node.children.length !== node.n)) throw new Error('inner size');
      let total = 0;
      for (let i = 0; i < node.n; i++) {
        const s = i === 0 ? lowS : node.sepScores[i]!;
        const m = i === 0 ? lowM : node.sepMembers[i]!;
        const n = node.bottom ? visitLeaf(node.leaves[i]!, s, m) : visit(node.children[i]!, s, m);
        if (n !== node.counts[i]) throw new Error('count');
        total += n;
      }
      return total;
    };
    const size = this.height === 0 ? visitLeaf(this.rootLeaf, -Infinity, null) : visit(this.rootInner!, -Infinity, null);
    if (size !== this.size) throw new Error('size');
    if (prevLeaf !== NONE && this.leafNext[prevLeaf] !== NONE) throw new Error('last leaf');
  }
}
