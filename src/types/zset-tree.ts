/**
 * The ordered half of a sorted set: an order-statistic B+tree of (score, member) pairs,
 * ordered by score then member bytes (latin1 string order is byte order), as Redis's
 * zskiplist. Chosen over a skiplist of node objects because a lookup in a 1M-member set
 * touches ~4 nodes whose keys sit side by side in typed arrays, instead of ~20 scattered
 * node objects (cache misses dominate at that size).
 *
 * Leaves are not objects: leaf `id` owns slots [id*64, id*64+64) of three pools shared by
 * every leaf of the tree (scores and member prefixes in Float64Arrays, member numbers in an
 * Int32Array), with its length and both-way links in Int32Arrays. Visiting a leaf of a big set then costs
 * the cache lines of its keys, not a chain of object, typed-array and backing-store loads.
 *
 * A leaf holds a member as its number in the sorted set's slot array (`names`, owned by
 * ZsetValue), not as a string reference. Shifting a leaf is then one memmove: string
 * references in a JS array each paid V8's write barrier, whose check of the string's page
 * header missed the cache in a big set (~17% of a delete's time at 1M members, perf). And
 * a delete or rank recognises its member among equal scores by number, without reading
 * other members' bytes. Comparing two members of equal score reads them through `names`.
 * Inner nodes (~1 per 40 leaves) are pooled the same way: node `id` owns entries
 * [id*64, id*64+64) of four pools holding, per child, its id (a leaf id on the level above
 * the leaves, an inner id higher up), its element count (for ranks) and a separator: a
 * lower bound of the child's keys (the child's first key when it was placed; it may go
 * stale-low after deletions, which keeps every search correct: a key >= separator i and
 * < separator i+1 can only be in child i). As objects with a typed array each, a level of
 * a descent was a chain of object, array and backing-store loads, and ~14% of ZADD's time
 * at 1M members; pooled, a level's lines are found from the id alone, in ~0.5 MB for 1M
 * members (measured in process at 1M, noisy machine: a descent ~0.21-0.26 µs → ~0.13-0.15,
 * rank() ~0.75 → ~0.38; at 1k unchanged).
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

/**
 * Keys are searched a group at a time, not by bisection: GROUP consecutive scores fill one
 * 64-byte cache line, so a scan of each group's first key reads every line of a node with
 * loads that do not depend on each other (the CPU overlaps their misses), then the group
 * found is scanned. In a 1M-member set, where a node's lines are rarely cached, bisection's
 * ~4 misses one after the other cost more than the scan's extra compares (measured in
 * process: a ZTree delete + insert at 1M ~1.2-1.3 µs → ~0.8 µs; at 1k unchanged, ~0.3 µs).
 */
const GROUP = 8;

/**
 * The first index in [from, end) where `below` fails (end if none), by groups (see GROUP);
 * `memberAt(i)` gives the member of entry i (a separator string, or a leaf pair's name).
 */
function scanWhile(s: Float64Array, memberAt: (i: number) => string, from: number, end: number, below: (score: number, member: string) => boolean): number {
  let g = from + GROUP;
  while (g < end && below(s[g]!, memberAt(g))) g += GROUP;
  let i = g - GROUP;
  const stop = g < end ? g : end;
  while (i < stop && below(s[i]!, memberAt(i))) i++;
  return i;
}

/** For a score bound, which never reads the member. */
const noMember = (): string => '';

/**
 * The first 6 bytes of a member as one exact number (big-endian, zero-padded; a char above
 * 255, which member strings do not have, counts as 255). If a < b then prefixKey(a) <=
 * prefixKey(b), so different keys order two members without reading them; equal keys
 * fall back to comparing the members.
 */
export function prefixKey(m: string): number {
  const n = m.length;
  let k = 0;
  for (let i = 0; i < 6; i++) k = k * 256 + (i < n ? Math.min(m.charCodeAt(i), 255) : 0);
  return k;
}

/** Written so touchLeafLines' loads are not optimised away. */
let warmSink = 0;

export class ZTree {
  /** The root: a leaf id when height is 0, else an inner id. */
  private root = 0;
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  size = 0;
  // Leaf pools: leaf `id` owns [id * LEAF_CAP, id * LEAF_CAP + capacity).
  private scores = new Float64Array(FIRST_CAP);
  /** Per pair, the member's slot in `names`. */
  private ids = new Int32Array(FIRST_CAP);
  /** Per pair, prefixKey(member): most ties on score are settled without reading members. */
  private prefixes = new Float64Array(FIRST_CAP);
  private leafN = new Int32Array(4);
  private leafNext = new Int32Array(4).fill(NONE);
  private leafPrev = new Int32Array(4).fill(NONE);
  private leafIds = 1;
  private readonly freeLeaves: number[] = [];
  // Inner pools: inner `id` owns [id * INNER_CAP, (id + 1) * INNER_CAP).
  private innerN = new Int32Array(0);
  private child = new Int32Array(0);
  private counts = new Int32Array(0);
  private sepScores = new Float64Array(0);
  private sepMembers: string[] = [];
  private innerIds = 0;
  private readonly freeInners: number[] = [];
  /** The path of the current insert/delete: inner node and child index per level. */
  private readonly pathNodes = new Int32Array(MAX_DEPTH);
  private readonly pathIdx = new Int32Array(MAX_DEPTH);
  /** Set by locate(): the index inside the returned leaf. */
  private locIdx = 0;
  /** Set by countWhile(): where the pair at the returned rank is (index may equal the leaf's length). */
  private seekLeaf = 0;
  private seekIdx = 0;

  /** `names[slot]` is the member stored under `slot` (the sorted set's slot array). */
  constructor(private names: readonly (string | null)[]) {}

  /** The member of the pair at pool index `at`. */
  private nameAt(at: number): string {
    return this.names[this.ids[at]!]!;
  }

  /** After the owner renumbered its slots (old slot → moved[old]) into a new `names` array. */
  renumber(moved: Int32Array, names: readonly (string | null)[]): void {
    this.names = names;
    const ids = this.ids;
    for (let leaf = 0; leaf < this.leafIds; leaf++) {
      const base = leaf * LEAF_CAP;
      const n = this.leafN[leaf]!;
      for (let i = base; i < base + n; i++) ids[i] = moved[ids[i]!]!;
    }
  }

  private allocInner(): number {
    const id = this.freeInners.pop() ?? this.innerIds++;
    if (id >= this.innerN.length) {
      const nodes = Math.max(4, this.innerN.length * 2);
      const len = nodes * INNER_CAP;
      const n = new Int32Array(nodes);
      n.set(this.innerN);
      const child = new Int32Array(len);
      child.set(this.child);
      const counts = new Int32Array(len);
      counts.set(this.counts);
      const sepScores = new Float64Array(len);
      sepScores.set(this.sepScores);
      const sepMembers = new Array<string>(len).fill('');
      const old = this.sepMembers;
      for (let k = 0; k < old.length; k++) sepMembers[k] = old[k]!;
      this.innerN = n;
      this.child = child;
      this.counts = counts;
      this.sepScores = sepScores;
      this.sepMembers = sepMembers;
    }
    this.innerN[id] = 0;
    return id;
  }

  private freeInner(id: number): void {
    this.sepMembers.fill('', id * INNER_CAP, (id + 1) * INNER_CAP);
    this.innerN[id] = 0;
    this.freeInners.push(id);
  }

  /** The child of inner `node` that holds (or would hold) (score, member): the last whose separator is <= it. */
  private childFor(node: number, score: number, member: string): number {
    const s = this.sepScores;
    const m = this.sepMembers;
    const base = node * INNER_CAP;
    const end = base + this.innerN[node]!;
    // Separator 0 is not a key (child 0 takes everything below separator 1).
    let g = base + GROUP;
    while (g < end && (s[g]! < score || (s[g] === score && m[g]! <= member))) g += GROUP;
    let i = g - GROUP + 1;
    const stop = g < end ? g : end;
    while (i < stop && (s[i]! < score || (s[i] === score && m[i]! <= member))) i++;
    return i - 1 - base;
  }

  /** The elements under children [0, end) of inner `node`. */
  private sumCounts(node: number, end: number): number {
    let sum = 0;
    const c = this.counts;
    const base = node * INNER_CAP;
    for (let i = base; i < base + end; i++) sum += c[i]!;
    return sum;
  }

  /** Moves entries [from, from+len) of inner `src` to inner `dst` at `at` (may overlap when src === dst). */
  private moveInner(src: number, from: number, dst: number, at: number, len: number): void {
    if (len <= 0) return;
    const a = src * INNER_CAP + from;
    const b = dst * INNER_CAP + at;
    this.child.copyWithin(b, a, a + len);
    this.counts.copyWithin(b, a, a + len);
    this.sepScores.copyWithin(b, a, a + len);
    const m = this.sepMembers;
    if (b > a) for (let k = len - 1; k >= 0; k--) m[b + k] = m[a + k]!;
    else for (let k = 0; k < len; k++) m[b + k] = m[a + k]!;
  }

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
    this.leafN[id] = 0;
    this.freeLeaves.push(id);
  }

  private growPool(min: number): void {
    const len = Math.max(min, this.scores.length * 2);
    const scores = new Float64Array(len);
    scores.set(this.scores);
    const ids = new Int32Array(len);
    ids.set(this.ids);
    const prefixes = new Float64Array(len);
    prefixes.set(this.prefixes);
    this.scores = scores;
    this.ids = ids;
    this.prefixes = prefixes;
  }

  /** First index in leaf `id` whose pair is not before (score, member); `prefix` is prefixKey(member). */
  private lowerBound(id: number, score: number, member: string, prefix: number): number {
    const s = this.scores;
    const base = id * LEAF_CAP;
    const n = this.leafN[id]!;
    if (this.height > 0) this.touchLeafLines(base);
    // By groups (see GROUP): the first group whose first pair is not before, then inside the one before it.
    let g = GROUP;
    while (g < n && (s[base + g]! < score || (s[base + g] === score && this.memberBefore(base + g, member, prefix)))) g += GROUP;
    let i = g - GROUP;
    const end = g < n ? g : n;
    while (i < end && (s[base + i]! < score || (s[base + i] === score && this.memberBefore(base + i, member, prefix)))) i++;
    return i;
  }

  /** Whether the member at pool index `at` sorts before `member` (whose prefixKey is `prefix`). */
  private memberBefore(at: number, member: string, prefix: number): boolean {
    const p = this.prefixes[at]!;
    return p < prefix || (p === prefix && this.nameAt(at) < member);
  }

  /**
   * The index in `leaf` of the pair (score, the member stored under `slot`), or -1: among
   * pairs of equal score the member is recognised by its slot number, no bytes compared.
   */
  private indexOfSlot(leaf: number, score: number, slot: number): number {
    const s = this.scores;
    const ids = this.ids;
    const base = leaf * LEAF_CAP;
    const n = this.leafN[leaf]!;
    if (this.height > 0) this.touchLeafLines(base);
    let g = GROUP;
    while (g < n && s[base + g]! < score) g += GROUP;
    let i = g - GROUP;
    while (i < n && s[base + i]! < score) i++;
    for (; i < n && s[base + i] === score; i++) if (ids[base + i] === slot) return i;
    return -1;
  }

  /**
   * Reads one member number and one prefix per cache line of a leaf, alongside the search of
   * its scores: ties on score read the prefixes, the shift that follows an insert or delete
   * moves both, and loaded now their misses overlap the scores' instead of following them.
   */
  private touchLeafLines(base: number): void {
    const ids = this.ids;
    const p = this.prefixes;
    warmSink += ids[base]! + ids[base + 16]! + ids[base + 32]! + ids[base + 48]! + ids[base + LEAF_CAP - 1]!;
    warmSink += p[base]! + p[base + 8]! + p[base + 16]! + p[base + 24]! + p[base + 32]! + p[base + 40]! + p[base + 48]! + p[base + 56]! + p[base + LEAF_CAP - 1]!;
  }

  /** Moves pairs [from, from+len) of leaf `src` to leaf `dst` at `at` (may overlap when src === dst). */
  private moveLeaf(src: number, from: number, dst: number, at: number, len: number): void {
    if (len <= 0) return;
    const a = src * LEAF_CAP + from;
    const b = dst * LEAF_CAP + at;
    this.scores.copyWithin(b, a, a + len);
    this.ids.copyWithin(b, a, a + len);
    this.prefixes.copyWithin(b, a, a + len);
  }

  /**
   * Walks from the root to the leaf where (score, member) belongs, recording the path in
   * pathNodes/pathIdx and adding `countDelta` to the count of each child taken (insert: +1).
   */
  private descend(score: number, member: string, countDelta: number): number {
    const h = this.height;
    let node = this.root;
    for (let d = 0; d < h; d++) {
      const i = this.childFor(node, score, member);
      const at = node * INNER_CAP + i;
      this.counts[at]! += countDelta;
      this.pathNodes[d] = node;
      this.pathIdx[d] = i;
      node = this.child[at]!;
    }
    return node;
  }

  /** Adds (score, member); `member` is stored under `slot` in `names` (or is about to be). */
  insert(score: number, member: string, slot: number): void {
    const leaf = this.descend(score, member, 1);
    const prefix = prefixKey(member);
    const pos = this.lowerBound(leaf, score, member, prefix);
    this.size++;
    const n = this.leafN[leaf]!;
    if (n === LEAF_CAP) {
      this.splitAndInsert(leaf, pos, score, slot, prefix);
      return;
    }
    // Only a lone first leaf has less room than LEAF_CAP: the pool grows with it.
    if (leaf * LEAF_CAP + n === this.scores.length) this.growPool(leaf * LEAF_CAP + Math.min(LEAF_CAP, n * 2));
    this.moveLeaf(leaf, pos, leaf, pos + 1, n - pos);
    const at = leaf * LEAF_CAP + pos;
    this.scores[at] = score;
    this.ids[at] = slot;
    this.prefixes[at] = prefix;
    this.leafN[leaf] = n + 1;
  }

  private splitAndInsert(leaf: number, pos: number, score: number, slot: number, prefix: number): void {
    const right = this.allocLeaf();
    // Appending past the last leaf (ascending loads) leaves the left leaf full, not half.
    const mid = pos === LEAF_CAP && this.leafNext[leaf] === NONE ? LEAF_CAP : LEAF_CAP >> 1;
    this.moveLeaf(leaf, mid, right, 0, LEAF_CAP - mid);
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
    this.ids[target * LEAF_CAP + at] = slot;
    this.prefixes[target * LEAF_CAP + at] = prefix;
    this.leafN[target] = tn + 1;
    const rb = right * LEAF_CAP;
    this.addChild(this.height - 1, leaf, right, this.scores[rb]!, this.nameAt(rb), this.leafN[leaf]!, this.leafN[right]!);
  }

  /** Puts `right` after `left` in the level-`level` node of the path (a new root above level 0). */
  private addChild(level: number, left: number, right: number, sepScore: number, sepMember: string, leftCount: number, rightCount: number): void {
    if (level < 0) {
      const r = this.allocInner();
      const base = r * INNER_CAP;
      this.child[base] = left;
      this.child[base + 1] = right;
      this.counts[base] = leftCount;
      this.counts[base + 1] = rightCount;
      this.sepScores[base + 1] = sepScore;
      this.sepMembers[base + 1] = sepMember;
      this.innerN[r] = 2;
      this.root = r;
      this.height++;
      return;
    }
    const p = this.pathNodes[level]!;
    const i = this.pathIdx[level]!;
    this.counts[p * INNER_CAP + i] = leftCount;
    let target = p;
    let at = i + 1;
    let q = NONE;
    if (this.innerN[p] === INNER_CAP) {
      // allocInner may replace the pools: nothing of them is held across it.
      q = this.allocInner();
      const mid = INNER_CAP >> 1;
      this.moveInner(p, mid, q, 0, INNER_CAP - mid);
      this.innerN[q] = INNER_CAP - mid;
      this.innerN[p] = mid;
      this.sepMembers.fill('', p * INNER_CAP + mid, (p + 1) * INNER_CAP);
      if (at > mid) {
        target = q;
        at -= mid;
      }
    }
    const tn = this.innerN[target]!;
    this.moveInner(target, at, target, at + 1, tn - at);
    const t = target * INNER_CAP + at;
    this.child[t] = right;
    this.counts[t] = rightCount;
    this.sepScores[t] = sepScore;
    this.sepMembers[t] = sepMember;
    this.innerN[target] = tn + 1;
    if (q !== NONE) {
      const qb = q * INNER_CAP;
      this.addChild(level - 1, p, q, this.sepScores[qb]!, this.sepMembers[qb]!, this.sumCounts(p, this.innerN[p]!), this.sumCounts(q, this.innerN[q]!));
    }
  }

  /** Removes (score, member), `member` being the one stored under `slot`; false when absent. */
  delete(score: number, member: string, slot: number): boolean {
    const h = this.height;
    const leaf = this.descend(score, member, 0);
    const pos = this.indexOfSlot(leaf, score, slot);
    if (pos === -1) return false;
    const n = this.leafN[leaf]!;
    for (let d = 0; d < h; d++) this.counts[this.pathNodes[d]! * INNER_CAP + this.pathIdx[d]!]!--;
    this.moveLeaf(leaf, pos + 1, leaf, pos, n - pos - 1);
    this.leafN[leaf] = n - 1;
    this.size--;
    if (h > 0 && n - 1 < LEAF_CAP >> 2) this.rebalanceLeaf(h - 1);
    return true;
  }

  /** The leaf at the end of the path is under a quarter full: merge with or borrow from a sibling. */
  private rebalanceLeaf(level: number): void {
    const p = this.pathNodes[level]!;
    const i = this.pathIdx[level]!;
    const pn = this.innerN[p]!;
    if (pn < 2) return;
    const j = i + 1 < pn ? i : i - 1;
    const pj = p * INNER_CAP + j;
    const left = this.child[pj]!;
    const right = this.child[pj + 1]!;
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
      this.counts[pj] = total;
      this.removeChild(level, j + 1);
      return;
    }
    const want = total >> 1;
    if (ln < want) {
      const k = want - ln;
      this.moveLeaf(right, 0, left, ln, k);
      this.moveLeaf(right, k, right, 0, rn - k);
      this.leafN[right] = rn - k;
    } else {
      const k = ln - want;
      this.moveLeaf(right, 0, right, k, rn);
      this.moveLeaf(left, want, right, 0, k);
      this.leafN[right] = rn + k;
    }
    this.leafN[left] = want;
    this.counts[pj] = want;
    this.counts[pj + 1] = this.leafN[right]!;
    this.sepScores[pj + 1] = this.scores[right * LEAF_CAP]!;
    this.sepMembers[pj + 1] = this.nameAt(right * LEAF_CAP);
  }

  /** Drops child `j` of the level-`level` path node; merges or collapses inner nodes that empty out. */
  private removeChild(level: number, j: number): void {
    const p = this.pathNodes[level]!;
    const pn = this.innerN[p]! - 1;
    this.moveInner(p, j + 1, p, j, pn - j);
    this.innerN[p] = pn;
    this.sepMembers[p * INNER_CAP + pn] = '';
    if (level === 0) {
      while (this.height > 0 && this.innerN[this.root] === 1) {
        const r = this.root;
        this.root = this.child[r * INNER_CAP]!;
        this.freeInner(r);
        this.height--;
      }
      return;
    }
    if (pn >= INNER_CAP >> 2) return;
    const pp = this.pathNodes[level - 1]!;
    const pi = this.pathIdx[level - 1]!;
    const ppn = this.innerN[pp]!;
    if (ppn < 2) {
      if (pn === 0) {
        this.freeInner(p);
        this.removeChild(level - 1, pi);
      }
      return;
    }
    const k = pi + 1 < ppn ? pi : pi - 1;
    const pk = pp * INNER_CAP + k;
    const left = this.child[pk]!;
    const right = this.child[pk + 1]!;
    const leftN = this.innerN[left]!;
    const rightN = this.innerN[right]!;
    if (leftN + rightN > INNER_CAP) return;
    // Right's first child had no separator of its own inside `right`: it takes right's.
    this.sepScores[right * INNER_CAP] = this.sepScores[pk + 1]!;
    this.sepMembers[right * INNER_CAP] = this.sepMembers[pk + 1]!;
    this.moveInner(right, 0, left, leftN, rightN);
    this.innerN[left] = leftN + rightN;
    this.counts[pk]! += this.counts[pk + 1]!;
    this.freeInner(right);
    this.removeChild(level - 1, k + 1);
  }

  /** 0-based rank of (score, member), `member` being the one stored under `slot`; -1 if absent. */
  rank(score: number, member: string, slot: number): number {
    let node = this.root;
    let rank = 0;
    const h = this.height;
    for (let d = 0; d < h; d++) {
      const i = this.childFor(node, score, member);
      rank += this.sumCounts(node, i);
      node = this.child[node * INNER_CAP + i]!;
    }
    const pos = this.indexOfSlot(node, score, slot);
    return pos === -1 ? -1 : rank + pos;
  }

  /** The leaf holding 0-based `rank` (< size); the index in it is left in locIdx. */
  private locate(rank: number): number {
    const h = this.height;
    const c = this.counts;
    let node = this.root;
    for (let d = 0; d < h; d++) {
      let i = node * INNER_CAP;
      while (rank >= c[i]!) rank -= c[i++]!;
      node = this.child[i]!;
    }
    this.locIdx = rank;
    return node;
  }

  memberAt(rank: number): string {
    const leaf = this.locate(rank);
    return this.nameAt(leaf * LEAF_CAP + this.locIdx);
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
    while (count > 0 && leaf !== NONE) {
      const base = leaf * LEAF_CAP;
      if (reverse) {
        for (; i >= 0 && count > 0; i--, count--) {
          const s = ps[base + i]!;
          const m = this.nameAt(base + i);
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
          const m = this.nameAt(base + i);
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
    for (let leaf = this.locate(0); leaf !== NONE; leaf = this.leafNext[leaf]!) {
      const base = leaf * LEAF_CAP;
      const n = this.leafN[leaf]!;
      for (let i = 0; i < n; i++) fn(this.nameAt(base + i), ps[base + i]!);
    }
  }

  /**
   * How many leading pairs satisfy `below`, which must hold for a prefix of the order
   * (a score or lex lower bound): O(log n). Leaf members are read only when `readsMember`
   * (a lex bound); a score bound gets '' for them.
   */
  countWhile(below: (score: number, member: string) => boolean, readsMember = false): number {
    let leaf = this.root;
    let total = 0;
    const h = this.height;
    for (let d = 0; d < h; d++) {
      const b = leaf * INNER_CAP;
      const sep = this.sepMembers;
      const i = scanWhile(this.sepScores, (k) => sep[k]!, b + 1, b + this.innerN[leaf]!, below) - b;
      total += this.sumCounts(leaf, i - 1);
      leaf = this.child[b + i - 1]!;
    }
    const base = leaf * LEAF_CAP;
    const leafMember = readsMember ? (k: number): string => this.nameAt(k) : noMember;
    const i = scanWhile(this.scores, leafMember, base, base + this.leafN[leaf]!, below) - base;
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
        const m = this.nameAt(leaf * LEAF_CAP + i);
        if (typeof m !== 'string') throw new Error('slot');
        if (this.prefixes[leaf * LEAF_CAP + i] !== prefixKey(m)) throw new Error('prefix');
        if (lastMember !== null && !(lastScore < s || (lastScore === s && lastMember < m))) throw new Error('order');
        if (lowM !== null && (s < lowS || (s === lowS && m < lowM))) throw new Error('separator');
        lastScore = s;
        lastMember = m;
      }
      return n;
    };
    let inners = 0;
    const visit = (node: number, level: number, lowS: number, lowM: string | null): number => {
      if (level === this.height) return visitLeaf(node, lowS, lowM);
      inners++;
      const n = this.innerN[node]!;
      if (n === 0) throw new Error('inner size');
      let total = 0;
      for (let i = 0; i < n; i++) {
        const at = node * INNER_CAP + i;
        const s = i === 0 ? lowS : this.sepScores[at]!;
        const m = i === 0 ? lowM : this.sepMembers[at]!;
        const count = visit(this.child[at]!, level + 1, s, m);
        if (count !== this.counts[at]) throw new Error('count');
        total += count;
      }
      return total;
    };
    const size = visit(this.root, 0, -Infinity, null);
    if (inners !== this.innerIds - this.freeInners.length) throw new Error('inner pool');
    if (size !== this.size) throw new Error('size');
    if (prevLeaf !== NONE && this.leafNext[prevLeaf] !== NONE) throw new Error('last leaf');
  }
}
